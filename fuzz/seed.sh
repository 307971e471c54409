#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from pathways/ and fixtures/.
# Run from anywhere: bash fuzz/seed.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/fuzz/corpus"
mkdir -p "$corpus"/{load,facts,session,rule,snapshot,records,multiset,render,dates,scenario,wasm_api}

# load: every pathway file, valid and invalid (invalid ones reach each diagnostic).
for f in "$root"/pathways/*/*.json "$root"/fixtures/valid/*.json "$root"/fixtures/invalid/*.json \
  "$root"/fixtures/invalid/*/*.json "$root"/fuzz/rule_template.json; do
  [ -f "$f" ] && cp "$f" "$corpus/load/$(basename "$(dirname "$f")")-$(basename "$f")"
done

# facts: the facts of every trainer scenario, and a few generated case records.
for f in "$root"/fixtures/scenarios/*.json; do
  jq -c '.facts' "$f" > "$corpus/facts/$(basename "$f")"
done
(cd "$root" && cargo run -q --release -p pathway --example gen -- records 64 7) |
  split -l 1 - "$corpus/facts/record-"

# session: every prefix of each scenario's guided walk, saved.
(cd "$root" && cargo run -q --release -p pathway --example session_seeds -- \
  fixtures/scenarios "$corpus/session")

# rule: every guard, derived rule and invariant of the shipped pathways and fixtures.
i=0
for f in "$root"/pathways/*/*.json "$root"/fixtures/valid/*.json "$root"/fixtures/invalid/*.json; do
  jq -r '[.steps[]?.next[]?.when, .derived[]?.rule, .invariants[]?.rule] | .[] | select(. != null)' \
    "$f" 2>/dev/null || true
done | sort -u | while IFS= read -r rule; do
  i=$((i + 1))
  printf '%s' "$rule" > "$corpus/rule/rule-$i"
done

# snapshot: the bundled set's snapshot, whole and as a payload to seal again.
(cd "$root" && cargo run -q --release -p pathway --example snapshot_seed -- "$corpus/snapshot")

# records: the facts seeds as JSON Lines, pretty-printed, and with hostile blank space.
for f in "$corpus"/facts/*; do
  { printf '\x01'; cat "$f"; printf '\n'; jq . "$f" 2>/dev/null || true; printf '\n\xc2\xa0\n'; cat "$f"; } \
    > "$corpus/records/$(basename "$f")"
done

# multiset: the bundled set's files joined by NUL (last byte 0: its own contacts), and each
# multi-file invalid fixture (last byte 1: with the test contacts).
{ for f in "$root"/pathways/hertfordshire/*.json; do cat "$f"; printf '\0'; done; printf "\x00"; } \
  > "$corpus/multiset/hertfordshire"
for d in "$root"/fixtures/invalid/*/; do
  { for f in "$d"*.json; do cat "$f"; printf '\0'; done; printf '\x01'; } \
    > "$corpus/multiset/$(basename "$d")"
done

# render: texts with markup, separated by \x01.
printf 'Title <b>&amp;</b>\x01Is it "x" & y?\x01it\x27s `z`\x01---' > "$corpus/render/markup"
printf 'Mini\x01Question\x01because\x01Call' > "$corpus/render/plain"

# dates: a few birth/today pairs (4-byte little-endian day numbers, then years).
printf '2008-02-29' > "$corpus/dates/leap"
printf '\x00\x00\x00\x00\xff\xff\xff\xff\x12' > "$corpus/dates/ends"

# scenario: every trainer scenario.
cp "$root"/fixtures/scenarios/*.json "$corpus/scenario/"

# wasm_api: a walk script (pathway, today, then operations separated by \x01).
printf '\x012026-11-22\x01aimmediate_danger=false\x01aage_basis="stated_age"\x01aage=17\x01t\x01s\x01b\x01g' \
  > "$corpus/wasm_api/walk"
printf 'adult\x012026-11-22\x01e{"immediate_danger": true}\x01ghertfordshire-adult#danger#0' > "$corpus/wasm_api/evaluate"

for t in load facts session rule snapshot records multiset render dates scenario wasm_api; do
  echo "$t: $(ls "$corpus/$t" | wc -l) seeds"
done
