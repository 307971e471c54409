// Conformance: every trainer scenario (fixtures/scenarios/*.json) gives through the WASM
// package for Node exactly what it expects, as it does through the CLI; and when the CLI has
// been built, `pathway decide` and the WASM `evaluate` agree record by record.
//
// Run by scripts/test-web after scripts/build-web (which writes pkg-node/).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  test(`scenario ${file} passes through WASM`, () => {
    const text = readFileSync(join(dir, file), 'utf8');
    const scenario = JSON.parse(text);
    const run = wasm.runScenario(text);
    assert.deepEqual(run.problems, [], `${file}: ${run.problems.join('; ')}`);
    assert.equal(run.passed, true);
    assert.equal(run.status, scenario.expect.status);
    assert.deepEqual(run.codes, scenario.expect.codes ?? []);
    assert.equal(run.next_fact, scenario.expect.next_fact);

    // The batch API agrees with the scenario runner.
    const decided = wasm.evaluate(scenario.pathway ?? null, scenario.facts, scenario.today);
    assert.equal(decided.status, run.status);
    assert.deepEqual(decided.codes, run.codes);
    assert.equal(decided.next_fact, run.next_fact);
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
    const fromWasm = wasm.evaluate(scenario.pathway ?? null, scenario.facts, scenario.today);
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
