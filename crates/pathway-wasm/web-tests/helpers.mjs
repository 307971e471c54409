// Shared by the page tests: a static server for www/, headless Chromium (Debian's, driven by
// playwright-core), and helpers that answer questions by what they ask (the fact and the
// answer type, from the facts of a case), not by their wording or order, so the tests survive
// changes to the pathway content.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
// PATHWAY_WWW and PATHWAY_PKG_NODE point the tests at another build (to show a test fails on
// an older commit).
export const www = normalize(process.env.PATHWAY_WWW ?? join(here, '..', 'www'));
export const artifacts = join(here, 'artifacts');
export const root = join(here, '..', '..', '..');
const require = createRequire(import.meta.url);
export const wasm = require(process.env.PATHWAY_PKG_NODE ?? join(here, '..', 'pkg-node', 'pathway_wasm.js'));
export const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
mkdirSync(artifacts, { recursive: true });

export const TODAY = '2026-11-22';
export const PHONE = { width: 390, height: 844 };
export const SMALL = { width: 320, height: 568 };
export const DESKTOP = { width: 1280, height: 900 };
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

// "AR at 17": the seed case (fixtures/scenarios/ar-at-17.json, with the date of birth of the
// terminal tests). 17 today; the 18th birthday is in four weeks. A district council licensing
// officer (a local authority: First Responder) meets him at a car wash with a "chaperone" who
// speaks for him.
export const AR_AT_17 = {
  immediate_danger: false,
  needs_safe_place_tonight: false,
  language_barrier: true,
  someone_speaks_for_them: true,
  age_basis: 'date_of_birth',
  date_of_birth: '2008-12-20',
  suspected_modern_slavery: 'yes',
  reporter_organisation: 'other_council_service',
  exploitation_type: 'labour',
};

// A council housing officer (a local authority: First Responder and public authority) meets an
// adult who declines an NRM referral (fixtures/scenarios/housing-officer-declines.json).
export const HOUSING_OFFICER_DECLINES = {
  immediate_danger: false,
  needs_safe_place_tonight: false,
  language_barrier: false,
  someone_speaks_for_them: false,
  age_basis: 'stated_age',
  age: 41,
  suspected_modern_slavery: 'yes',
  reporter_organisation: 'other_council_service',
  exploitation_type: 'labour',
  care_and_support_needs: false,
  has_capacity_to_consent: 'yes',
  consent_to_nrm: 'declined',
};

export const expectedCodes = (facts, pathway = null, today = TODAY) => wasm.evaluate(pathway, facts, today).codes;

/** Every fact a walk reads for these facts (defaults filled in), so a page walk never meets
 * a question the case does not answer. */
export function completeFacts(facts, today = TODAY, pathway = null) {
  const result = wasm.evaluate(pathway, facts, today, true);
  return Object.fromEntries(result.trail.filter((v) => v.answer).map((v) => [v.answer.fact, v.answer.value]));
}

// ---------------------------------------------------------------- static server

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export function serve(rootDir = www) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = normalize(join(rootDir, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(rootDir + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

// ---------------------------------------------------------------- pages

/** A fresh page that records every request and every console error or page error. */
export async function open(browser, url, { viewport = PHONE, bypassCSP = false, context: options = {}, ready = true } = {}) {
  const context = await browser.newContext({ viewport, bypassCSP, acceptDownloads: true, ...options });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(url);
  if (ready) await page.waitForSelector('html[data-ready="true"]');
  return { context, page, requests, errors };
}

/** Every request stayed on the page's own origin (or was data:/blob: inside the page). */
export function assertLocal(requests, allowed) {
  const outside = requests.filter((u) => !u.startsWith(allowed) && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(outside, [], 'requests outside the page origin');
}

/** "Start now": the entry pathway, which routes by age. */
export async function start(page) {
  // (Before issue 13 the start button was the submit button of a form of pathway choices.)
  const now = page.locator('#start-now');
  if (await now.count()) await now.click();
  else await page.locator('#start-form button[type="submit"]').click();
  await page.waitForSelector('#question:not([hidden]), #urgent:not([hidden])');
}

/** Past an interruption page, if one shows. */
export async function pastUrgent(page) {
  if (await page.locator('#urgent').isVisible()) await page.locator('#urgent-continue').click();
}

/** Answers the question on screen with the value from `facts` (by its value, as a worker
 * would by its label); dates through the three GOV.UK fields. Returns the fact. */
export async function answer(page, facts) {
  await pastUrgent(page);
  const form = page.locator('#answer-form');
  const fact = await form.getAttribute('data-fact');
  const kind = await form.getAttribute('data-kind');
  assert.ok(fact in facts, `the page asks ${fact}, which the test case does not answer`);
  await fill(page, kind, facts[fact]);
  await page.locator('#continue').click();
  return fact;
}

export async function fill(page, kind, value) {
  if (kind === 'choice' && typeof value === 'boolean') {
    // A v1 yes/no answer to a fact that v2 widened to a choice reads as "yes" or "no".
    value = value ? 'yes' : 'no';
  }
  if (kind === 'bool' || kind === 'choice') {
    await page.locator(`#q-input input[value="${String(value)}"]`).check();
  } else if (kind === 'date' && (await page.locator('#answer-day').count()) === 0) {
    await page.locator('#answer-input').fill(String(value)); // before issue 13: one field
  } else if (kind === 'date') {
    const [y, m, d] = String(value).split('-');
    await page.locator('#answer-day').fill(String(Number(d)));
    await page.locator('#answer-month').fill(String(Number(m)));
    await page.locator('#answer-year').fill(y);
  } else {
    await page.locator('#answer-input').fill(String(value));
  }
}

/** Answers questions until the outcome shows; returns the facts asked. */
export async function walkToOutcome(page, facts) {
  const asked = [];
  for (let i = 0; i < 40 && !(await page.locator('#outcome').isVisible()); i++) {
    await pastUrgent(page);
    if (await page.locator('#outcome').isVisible()) break;
    assert.ok(await page.locator('#question').isVisible(), 'neither a question nor an outcome is shown');
    asked.push(await answer(page, facts));
  }
  assert.ok(await page.locator('#outcome').isVisible(), 'the walk did not finish');
  return asked;
}

export const shownCodes = (page) => page.locator('#o-actions > li').evaluateAll((items) => items.map((li) => li.dataset.code));

export async function axe(page, label) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `axe-core: serious or critical violations on ${label}`,
  );
  return result.violations.length;
}

export async function assertNeutral(page) {
  await page.waitForFunction(() => document.title === 'Easy vegetable soup');
  const text = (await page.locator('html').innerText()).toLowerCase();
  for (const word of ['slavery', 'pathway', 'nrm', 'referral', 'exit', 'question', 'traffick', 'exploit']) {
    assert.ok(!text.includes(word), `"${word}" still on the page after quick exit`);
  }
  const html = (await page.content()).toLowerCase();
  assert.ok(!html.includes('pathway') && !html.includes('slavery'), 'no trace in the DOM');
  assert.ok(!page.url().includes('today='), page.url());
  // Styled: the recipe sits in a readable column in a sans-serif face, not the browser's
  // default serif page.
  const style = await page.evaluate(() => {
    const main = document.querySelector('main');
    return { width: getComputedStyle(main).maxWidth, font: getComputedStyle(document.body).fontFamily };
  });
  assert.notEqual(style.width, 'none', 'the neutral page is styled');
  assert.match(style.font, /sans|system-ui/, 'the neutral page is styled');
}

/** The text of the page's main content that is not inside a link (to find numbers and
 * addresses that cannot be tapped). */
export function unlinkedText(page, selector) {
  return page.locator(selector).evaluate((root) => {
    const out = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.parentElement.closest('a') && n.parentElement.checkVisibility()) out.push(n.textContent);
    }
    return out.join(' ');
  });
}
