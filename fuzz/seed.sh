#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from pathways/ and fixtures/.
# Run from anywhere: bash fuzz/seed.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/fuzz/corpus"
mkdir -p "$corpus"/{load,facts,session,rule,snapshot}

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

for t in load facts session rule snapshot; do
  echo "$t: $(ls "$corpus/$t" | wc -l) seeds"
done
