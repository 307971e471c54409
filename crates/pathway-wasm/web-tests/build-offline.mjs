// Writes, from the built package:
//   www/training.json   the bundled trainer scenarios (fixtures/scenarios/*.json) with the
//                       steps and routes each covers, loaded by the page only when training
//                       is opened (so not in the first load or the size budget);
//   www/sw.js           the service worker (from sw.template.js): the list of the page's own
//                       files to cache, and a version that changes whenever any of them does;
//   www/pathway-offline.html: the page as ONE file that opens from file:// with no server.
//
// Chromium does not load module scripts from file://, so everything is inlined: the stylesheet
// in a <style>, and the wasm-bindgen glue plus app.js in one inline module script (with no
// import or export left), the .wasm as base64. The Content Security Policy allows exactly that
// script and that style by their sha256 hashes: no 'unsafe-inline', no network at all.
//
// Run by scripts/build-web after wasm-bindgen and wasm-opt.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const www = join(here, '..', 'www');
const read = (name) => readFileSync(join(www, name), 'utf8');

// ---------------------------------------------------------------- training.json

const wasmNode = createRequire(import.meta.url)(join(here, '..', 'pkg-node', 'pathway_wasm.js'));
const scenarioDir = join(here, '..', '..', '..', 'fixtures', 'scenarios');
const key = (v) => `${v.pathway}/${v.step}`;
// Every step and route of every pathway, counted from its flowchart.
const totals = { steps_total: 0, edges_total: 0 };
for (const meta of wasmNode.listPathways()) {
  const svg = wasmNode.graphSvg(meta.id, null);
  totals.steps_total += (svg.match(/<g class="step /g) ?? []).length;
  totals.edges_total += (svg.match(/<polyline class="edge/g) ?? []).length;
}
const scenarios = readdirSync(scenarioDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => {
    const scenario = JSON.parse(readFileSync(join(scenarioDir, f), 'utf8'));
    const result = wasmNode.evaluate(scenario.pathway ?? null, scenario.facts, scenario.today, true);
    const steps = new Set(result.trail.map(key));
    const edges = new Set(result.trail.filter((v) => v.edge !== undefined).map((v) => `${key(v)}#${v.edge}`));
    return { file: f.replace(/\.json$/, ''), scenario, stepSet: steps, edgeSet: edges };
  });
const allSteps = new Set(scenarios.flatMap((s) => [...s.stepSet]));
const allEdges = new Set(scenarios.flatMap((s) => [...s.edgeSet]));
const training = {
  coverage: { ...totals, steps_visited: allSteps.size, edges_taken: allEdges.size },
  scenarios: scenarios.map((s) => ({
    file: s.file,
    scenario: s.scenario,
    steps: s.stepSet.size,
    edges: s.edgeSet.size,
    unique_edges: [...s.edgeSet].filter((e) => scenarios.every((o) => o === s || !o.edgeSet.has(e))).length,
  })),
};
const trainingJson = JSON.stringify(training);
writeFileSync(join(www, 'training.json'), trainingJson);
console.log(`build-offline: wrote www/training.json (${scenarios.length} scenarios, ${trainingJson.length} bytes)`);

// ---------------------------------------------------------------- sw.js

const cached = [
  './',
  'index.html',
  'app.js',
  'style.css',
  'neutral.html',
  'neutral.css',
  'manifest.webmanifest',
  'icon.svg',
  'icon-192.png',
  'icon-512.png',
  'training.json',
  'pkg/pathway_wasm.js',
  'pkg/pathway_wasm_bg.wasm',
];
const version = createHash('sha256');
for (const f of cached.slice(1)) version.update(readFileSync(join(www, f)));
const sw = readFileSync(join(here, 'sw.template.js'), 'utf8')
  .replace('__VERSION__', version.digest('hex').slice(0, 16))
  .replace('__FILES__', JSON.stringify(cached));
writeFileSync(join(www, 'sw.js'), sw);
console.log('build-offline: wrote www/sw.js');

// ---------------------------------------------------------------- pathway-offline.html

const html = read('index.html');
const css = read('style.css');
const app = read('app.js');
const glue = read('pkg/pathway_wasm.js');
const wasm = readFileSync(join(www, 'pkg/pathway_wasm_bg.wasm'));

function fail(message) {
  console.error(`build-offline: ${message}`);
  process.exit(1);
}

// The glue as a script body: its exports become plain declarations.
let body = glue
  .replace(/^export (async function|function|class|const|let|var) /gm, '$1 ')
  .replace(/^export \{[^}]*\};?\s*$/gm, '')
  .replace(/^export default [^;]*;\s*$/gm, '');
if (/^\s*(import|export)\b/m.test(body)) fail('the wasm-bindgen glue has an import or export this script does not handle');
if (!/\bfunction __wbg_init\b|\b__wbg_init\s*=/.test(body)) fail('the wasm-bindgen glue has no __wbg_init');

// app.js imports the glue: that line becomes a reference to the inlined init.
const importLine = /^import init, \{[^}]*\} from '\.\/pkg\/pathway_wasm\.js';\s*$/m;
if (!importLine.test(app)) fail("app.js no longer starts with the expected `import init, {...} from './pkg/pathway_wasm.js'`");
const appBody = app.replace(importLine, 'const init = __wbg_init;');

// app.js in its own block, so its names cannot clash with the glue's.
const script = `const PATHWAY_WASM_BASE64 = "${wasm.toString('base64')}";
const PATHWAY_TRAINING = ${trainingJson.replace(/</g, '\\u003c')};
${body}
{
${appBody}
}
`;
const style = `\n${css}`;
// The HTML parser would end the element early (or change state) on these.
if (/<\/script|<!--/i.test(script)) fail('the inlined script contains "</script" or "<!--"');
if (/<\/style/i.test(style)) fail('the stylesheet contains "</style"');

const sha = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const csp = [
  "default-src 'none'",
  `script-src ${sha(script)} 'wasm-unsafe-eval'`,
  `style-src ${sha(style)}`,
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const cspMeta = /<meta http-equiv="Content-Security-Policy" content="[^"]*">/;
// No manifest from a file (nothing to install, and it would be a request).
const manifestLink = '<link rel="manifest" href="manifest.webmanifest">\n';
const styleLink = '<link rel="stylesheet" href="style.css">';
const scriptTag = '<script type="module" src="app.js"></script>';
for (const [what, pattern] of [['CSP meta', cspMeta], ['stylesheet link', styleLink], ['script tag', scriptTag]]) {
  if (!(typeof pattern === 'string' ? html.includes(pattern) : pattern.test(html))) fail(`index.html has no ${what}`);
}
// Functions as replacements: `$` sequences in the inlined code must stay as they are.
if (!html.includes(manifestLink)) fail('index.html has no manifest link');
// Nor preloads: everything is inline.
const preloads = /<link rel="(modulepreload|preload)" [^>]*>\n/g;
const out = html
  .replace(manifestLink, '')
  .replace(preloads, '')
  .replace(cspMeta, () => `<meta http-equiv="Content-Security-Policy" content="${csp}">`)
  .replace(styleLink, () => `<style>${style}</style>`)
  .replace(scriptTag, () => `<script type="module">${script}</script>`);

writeFileSync(join(www, 'pathway-offline.html'), out);
console.log(`build-offline: wrote www/pathway-offline.html (${out.length} bytes)`);
