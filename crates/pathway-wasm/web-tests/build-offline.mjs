// Writes www/pathway-offline.html: the page as ONE file that opens from file:// with no server.
//
// Chromium does not load module scripts from file://, so everything is inlined: the stylesheet
// in a <style>, and the wasm-bindgen glue plus app.js in one inline module script (with no
// import or export left), the .wasm as base64. The Content Security Policy allows exactly that
// script and that style by their sha256 hashes: no 'unsafe-inline', no network at all.
//
// Run by scripts/build-web after wasm-bindgen and wasm-opt.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const www = join(dirname(fileURLToPath(import.meta.url)), '..', 'www');
const read = (name) => readFileSync(join(www, name), 'utf8');

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
const styleLink = '<link rel="stylesheet" href="style.css">';
const scriptTag = '<script type="module" src="app.js"></script>';
for (const [what, pattern] of [['CSP meta', cspMeta], ['stylesheet link', styleLink], ['script tag', scriptTag]]) {
  if (!(typeof pattern === 'string' ? html.includes(pattern) : pattern.test(html))) fail(`index.html has no ${what}`);
}
// Functions as replacements: `$` sequences in the inlined code must stay as they are.
const out = html
  .replace(cspMeta, () => `<meta http-equiv="Content-Security-Policy" content="${csp}">`)
  .replace(styleLink, () => `<style>${style}</style>`)
  .replace(scriptTag, () => `<script type="module">${script}</script>`);

writeFileSync(join(www, 'pathway-offline.html'), out);
console.log(`build-offline: wrote www/pathway-offline.html (${out.length} bytes)`);
