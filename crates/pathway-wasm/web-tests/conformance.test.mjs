// Conformance: every trainer scenario (fixtures/scenarios/*.json) gives through the WASM
// package for Node (`evaluate`) exactly what it expects, as it does through the CLI; and
// when the CLI has been built, `pathway decide` and the WASM `evaluate` agree record by
// record.
//
// Run by scripts/test-web after scripts/build-web (which writes pkg-node/).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const wasm = createRequire(import.meta.url)(join(here, '..', 'pkg-node', 'pathway_wasm.js'));

const dir = join(root, 'fixtures', 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

test('there are scenarios to run', () => {
  assert.ok(files.length > 0, `no scenario files in ${dir}`);
});

for (const file of files) {
  test(`scenario ${file} gives what it expects through WASM`, () => {
    const scenario = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    assert.equal(scenario.format, 'scenario/v1');
    // What `pathway scenarios` compares: status, action codes (so far) and the next fact. A
    // scenario is a record, read as `pathway scenarios` and `decide` read one: a fact it
    // omits takes its declared default.
    const decided = wasm.evaluate(scenario.pathway ?? null, scenario.facts, scenario.today, true);
    assert.deepEqual(
      { status: decided.status, codes: decided.codes, next_fact: decided.next_fact },
      {
        status: scenario.expect.status,
        codes: scenario.expect.codes ?? [],
        next_fact: scenario.expect.next_fact,
      },
      file,
    );
  });
}

// The CLI binary, when `cargo test --workspace` or `cargo build` has built it.
const targetDir = process.env.CARGO_TARGET_DIR || join(root, 'target');
const cli = ['debug', 'release'].map((p) => join(targetDir, p, 'pathway')).find(existsSync);

test('pathway decide and WASM evaluate give the same JSON for every scenario', { skip: !cli && 'the CLI is not built' }, () => {
  for (const file of files) {
    const scenario = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const args = ['decide', ...(scenario.pathway ? [scenario.pathway] : []), '--facts', '-', '--today', scenario.today, '--format', 'json'];
    const out = spawnSync(cli, args, { input: JSON.stringify(scenario.facts), encoding: 'utf8' });
    assert.equal(out.status, 0, `${file}: pathway ${args.join(' ')}: ${out.stderr}`);
    const fromCli = JSON.parse(out.stdout);
    const fromWasm = wasm.evaluate(scenario.pathway ?? null, scenario.facts, scenario.today, true);
    assert.deepEqual(
      { status: fromWasm.status, codes: fromWasm.codes, next_fact: fromWasm.next_fact },
      { status: fromCli.status, codes: fromCli.codes, next_fact: fromCli.next_fact },
      file,
    );
    // The CLI numbers its records; the rest is the same object.
    const { record, ...cliRecord } = fromCli;
    assert.equal(record ?? 1, 1);
    assert.deepEqual(fromWasm, cliRecord, `${file}: the whole decide JSON`);
  }
});

test('a session saved by WASM resumes in the CLI, and one saved on other content does not', { skip: !cli && 'the CLI is not built' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pathway-session-'));
  try {
    const session = new wasm.WalkSession(null, '2026-11-22');
    session.answer('immediate_danger', false);
    const saved = JSON.parse(session.toJson());
    const resume = (content) => {
      const file = join(dir, 'session.json');
      writeFileSync(file, JSON.stringify(content));
      // No terminal: the CLI opens and replays the session, then stops for want of one.
      return spawnSync(cli, ['walk', '--resume', file], { input: '', encoding: 'utf8' }).stderr;
    };
    const ok = resume(saved);
    assert.match(ok, /interactive terminal/, ok);
    assert.doesNotMatch(ok, /cannot resume/, ok);
    const other = resume({ ...saved, content_hash: '0000000000000000' });
    assert.match(other, /cannot resume/, other);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
