// End-to-end tests of the page in real headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core), served by a tiny static server on 127.0.0.1; and of the self-contained
// pathway-offline.html opened from file://.
//
// Every test records every request and every console error: the page must make no request
// outside its own origin, and a CSP violation shows as a console error, so there must be none.
// Screenshots go to web-tests/artifacts/ (git-ignored).
//
// Run by scripts/test-web after scripts/build-web.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const www = join(here, '..', 'www');
const artifacts = join(here, 'artifacts');
const require = createRequire(import.meta.url);
const wasm = require(join(here, '..', 'pkg-node', 'pathway_wasm.js'));
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
mkdirSync(artifacts, { recursive: true });

const TODAY = '2026-11-22';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

// "AR at 17": the seed case. 17 today; the 18th birthday is in four weeks.
const AR_AT_17 = {
  immediate_danger: false,
  age_basis: 'date_of_birth',
  date_of_birth: '2008-12-20',
  suspected_modern_slavery: true,
  someone_speaks_for_them: true,
  reporter_is_first_responder: true,
};

// A council housing officer (a local authority: First Responder and public authority) meets an
// adult who declines an NRM referral.
const HOUSING_OFFICER_DECLINES = {
  immediate_danger: false,
  age_basis: 'stated_age',
  age: 41,
  suspected_modern_slavery: true,
  someone_speaks_for_them: false,
  care_and_support_needs: false,
  capacity_in_doubt: false,
  has_capacity_to_consent: true,
  consent_to_nrm: 'declined',
  reporter_is_public_authority: true,
  reporter_is_first_responder: true,
};

const expectedCodes = (facts, pathway = null) => wasm.evaluate(pathway, facts, TODAY).codes;

// ---------------------------------------------------------------- static server

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

function serve(rootDir) {
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

let server;
let origin;
let browser;

before(async () => {
  server = await serve(normalize(www));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

// ---------------------------------------------------------------- helpers

/** A fresh page that records every request and every console error or page error. */
async function open(url, { viewport = PHONE, bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport, bypassCSP, acceptDownloads: true });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]');
  return { context, page, requests, errors };
}

/** Every request stayed on the page's own origin (or was data:/blob: inside the page). */
function assertLocal(requests, allowed) {
  const outside = requests.filter((u) => !u.startsWith(allowed) && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(outside, [], 'requests outside the page origin');
}

async function start(page, pathwayIndex = 0) {
  await page.locator(`#pathway-${pathwayIndex}`).check();
  await page.locator('#start-form button[type="submit"]').click();
}

/** Answers the question on screen with the value from `facts` (by its label, as a worker would). */
async function answer(page, facts) {
  const form = page.locator('#answer-form');
  const fact = await form.getAttribute('data-fact');
  const kind = await form.getAttribute('data-kind');
  assert.ok(fact in facts, `the page asks ${fact}, which the test case does not answer`);
  const value = facts[fact];
  if (kind === 'bool' || kind === 'choice') {
    await page.locator(`#q-input input[value="${String(value)}"]`).check();
  } else {
    await page.locator('#answer-input').fill(String(value));
  }
  await page.locator('#continue').click();
  return fact;
}

/** Answers questions (numbered from `first`) until the outcome shows; returns the facts asked. */
async function walkToOutcome(page, facts, first = 1) {
  const asked = [];
  for (let i = 0; i < 40 && !(await page.locator('#outcome').isVisible()); i++) {
    assert.ok(await page.locator('#question').isVisible(), 'neither a question nor an outcome is shown');
    const progress = await page.locator('#progress').textContent();
    assert.equal(progress, `Question ${first + asked.length}`);
    asked.push(await answer(page, facts));
  }
  assert.ok(await page.locator('#outcome').isVisible(), 'the walk did not finish');
  return asked;
}

const shownCodes = (page) => page.locator('#o-actions > li').evaluateAll((items) => items.map((li) => li.dataset.code));

async function axe(page, label) {
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

// ---------------------------------------------------------------- tests

describe('served page', () => {
  test('AR at 17: referred to children\'s services and the NRM before the 18th birthday', async () => {
    const { context, page, requests, errors } = await open(`${origin}/index.html?today=${TODAY}`);
    try {
      assert.equal(await page.title(), 'Referral pathway');
      assert.ok(await page.locator('#quick-exit').isVisible());
      assert.ok(await page.locator('#review-warning').isHidden(), 'no review is overdue on the test date');
      await start(page, 0);

      // The first question, by keyboard only: the heading has focus; Tab past the help to the
      // answers, Space selects the first, the arrow moves to "No", Tab to Continue, Enter.
      assert.equal(await page.locator('#progress').textContent(), 'Question 1');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'q-text');
      await page.waitForFunction(() => document.getElementById('announcer').textContent.startsWith('Question 1: '));
      for (let i = 0; i < 5 && (await page.evaluate(() => document.activeElement.type)) !== 'radio'; i++) {
        await page.keyboard.press('Tab');
      }
      await page.keyboard.press('Space');
      assert.equal(await page.locator('#q-input input[value="true"]').isChecked(), true);
      await page.keyboard.press('ArrowDown');
      assert.equal(await page.locator('#q-input input[value="false"]').isChecked(), true);
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'continue');
      await page.keyboard.press('Enter');
      assert.equal(await page.locator('#progress').textContent(), 'Question 2');

      // Help is a details/summary that opens.
      const help = page.locator('#q-help');
      if (await help.isVisible()) {
        await help.locator('summary').click();
        assert.equal(await help.evaluate((d) => d.open), true);
      }

      // A date after today is refused with the message next to the question.
      await page.locator('#q-input input[value="date_of_birth"]').check();
      await page.locator('#continue').click();
      await page.locator('#answer-input').fill('2027-01-01');
      await page.locator('#continue').click();
      assert.ok(await page.locator('#q-error').isVisible());
      assert.match(await page.locator('#q-error').textContent(), /after today/);
      assert.equal(await page.locator('#progress').textContent(), 'Question 3');

      const asked = await walkToOutcome(page, AR_AT_17, 3);
      const codes = await shownCodes(page);
      assert.deepEqual(codes, expectedCodes(AR_AT_17));
      for (const code of ['refer_before_18th_birthday', 'childrens_services_referral', 'nrm_referral']) {
        assert.ok(codes.includes(code), `${code} in ${codes}`);
      }
      assert.ok(!codes.includes('duty_to_notify'));
      assert.ok(asked.includes('date_of_birth') && !asked.includes('consent_to_nrm'), 'a child is never asked for consent');
      assert.match(await page.locator('#o-actions').textContent(), /2026-12-20|20 December 2026/);
      // What the advice rests on: the pathway version, its review date and the guidance.
      assert.match(await page.locator('#o-meta').textContent(), /version 1\.0\.0, reviewed \d{4}-\d\d-\d\d; it follows Home Office, Modern Slavery: statutory guidance/);

      // The flowchart of the walk.
      await page.locator('#flowchart-details > summary').click();
      // One chart per pathway walked: the entry, which handed over to the child pathway.
      const imgs = page.locator('#flowchart-image img');
      await imgs.first().waitFor();
      assert.equal(await imgs.count(), 2);
      for (const img of await imgs.all()) {
        assert.match(await img.getAttribute('src'), /^data:image\/svg\+xml/);
        assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'the flowchart image renders');
      }

      await page.screenshot({ path: join(artifacts, 'phone-outcome.png'), fullPage: true });
      assert.deepEqual(errors, []);
      assertLocal(requests, origin);
    } finally {
      await context.close();
    }
  });

  test('an adult who declines, met by a council housing officer: duty to notify; back and change', async () => {
    const { context, page, requests, errors } = await open(`${origin}/?today=${TODAY}`, { viewport: DESKTOP });
    try {
      await start(page, 0);
      await walkToOutcome(page, { ...HOUSING_OFFICER_DECLINES, consent_to_nrm: 'given' });
      let codes = await shownCodes(page);
      assert.ok(codes.includes('nrm_referral'), `consent given: ${codes}`);
      await page.screenshot({ path: join(artifacts, 'desktop-outcome-consent-given.png'), fullPage: true });

      // Back from the outcome: the last question again, the earlier answers kept.
      await page.locator('#outcome-back').click();
      assert.ok(await page.locator('#question').isVisible());
      const answered = await page.locator('#answers-list .answer-row').count();
      assert.ok(answered > 3);
      assert.equal(await page.locator('#progress').textContent(), `Question ${answered + 1}`);
      await answer(page, { ...HOUSING_OFFICER_DECLINES, consent_to_nrm: 'given' });
      assert.ok(await page.locator('#outcome').isVisible());

      // Change an earlier answer: consent declined.
      const consentRow = page.locator('#answers-list .answer-row', { hasText: /consent/i }).last();
      await consentRow.getByRole('button', { name: /^Change/ }).click();
      assert.match(await page.locator('#progress').textContent(), /^Changing the answer to question \d+$/);
      assert.equal(await page.locator('#q-input input[value="given"]').isChecked(), true, 'the old answer is selected');
      await page.locator('#q-input input[value="declined"]').check();
      await page.locator('#continue').click();
      // The walk goes on from the changed answer: answer whatever it needs now.
      await walkToOutcomeFrom(page, HOUSING_OFFICER_DECLINES);
      codes = await shownCodes(page);
      assert.deepEqual(codes, expectedCodes(HOUSING_OFFICER_DECLINES));
      assert.ok(codes.includes('duty_to_notify'), `declined: ${codes}`);
      assert.ok(!codes.includes('nrm_referral'), `declined: ${codes}`);

      // The printable view: the summary and the answers, no controls.
      await page.emulateMedia({ media: 'print' });
      for (const hidden of ['#quick-exit', '#print', '#save', '#outcome-back', '#answers-list button', '#flowchart']) {
        assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} hidden in print`);
      }
      for (const shown of ['#o-title', '#o-actions', '#answers-list']) {
        assert.ok(await page.locator(shown).isVisible(), `${shown} shown in print`);
      }
      await page.screenshot({ path: join(artifacts, 'print-outcome.png'), fullPage: true });
      await page.emulateMedia({ media: 'screen' });

      // Save the session to a file, start again, open the file: the same outcome.
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#save').click()]);
      const saved = readFileSync(await download.path(), 'utf8');
      assert.equal(JSON.parse(saved).format, 'pathway-session/v1');
      await page.locator('#restart').click();
      assert.ok(await page.locator('#start').isVisible());
      await page.locator('#open-file').setInputFiles({ name: 'session.json', mimeType: 'application/json', buffer: Buffer.from(saved) });
      await page.locator('#outcome').waitFor();
      assert.deepEqual(await shownCodes(page), codes);

      // No storage was used.
      const storage = await page.evaluate(async () => ({
        local: localStorage.length,
        session: sessionStorage.length,
        cookies: document.cookie,
        idb: (await indexedDB.databases()).length,
      }));
      assert.deepEqual(storage, { local: 0, session: 0, cookies: '', idb: 0 });
      assert.deepEqual(errors, []);
      assertLocal(requests, origin);
    } finally {
      await context.close();
    }
  });

  test('quick exit: one press leaves a neutral page with no trace of the pathway', async () => {
    const { context, page, requests, errors } = await open(`${origin}/index.html?today=${TODAY}`);
    try {
      await start(page, 0);
      await answer(page, AR_AT_17);
      await Promise.all([page.waitForURL(`${origin}/neutral.html`), page.locator('#quick-exit').click()]);
      await assertNeutral(page);
      assert.deepEqual(errors, []);
      assertLocal(requests, origin);
    } finally {
      await context.close();
    }
  });

  test('quick exit by pressing Esc twice', async () => {
    const { context, page, requests } = await open(`${origin}/index.html?today=${TODAY}`);
    try {
      await start(page, 0);
      await page.keyboard.press('Escape');
      await Promise.all([page.waitForURL(`${origin}/neutral.html`), page.keyboard.press('Escape')]);
      await assertNeutral(page);
      assertLocal(requests, origin);
    } finally {
      await context.close();
    }
  });

  test('accessibility: axe-core finds no serious or critical violation; screenshots', async () => {
    // The axe script is injected inline, which the page's CSP rightly blocks: bypass it here only.
    for (const [name, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
      const { context, page } = await open(`${origin}/index.html?today=${TODAY}`, { viewport, bypassCSP: true });
      try {
        await axe(page, `${name}: start`);
        await page.screenshot({ path: join(artifacts, `${name}-start.png`), fullPage: true });
        await start(page, 0);
        await answer(page, AR_AT_17);
        await page.locator('#q-help summary').click();
        await axe(page, `${name}: a question`);
        await page.screenshot({ path: join(artifacts, `${name}-question.png`), fullPage: true });
        await page.locator('#continue').click(); // nothing chosen: the error state
        await axe(page, `${name}: a question with an error`);
        await walkToOutcomeFrom(page, AR_AT_17);
        await page.locator('#flowchart-details > summary').click();
        await axe(page, `${name}: the outcome`);
        await page.screenshot({ path: join(artifacts, `${name}-outcome.png`), fullPage: true });
      } finally {
        await context.close();
      }
    }
  });
});

describe('self-contained pathway-offline.html from file://', () => {
  test('walks to an outcome with no server and no request', async () => {
    const file = join(www, 'pathway-offline.html');
    const url = `${pathToFileURL(file)}?today=${TODAY}`;
    const { context, page, requests, errors } = await open(url);
    try {
      await start(page, 0);
      await walkToOutcome(page, HOUSING_OFFICER_DECLINES);
      assert.deepEqual(await shownCodes(page), expectedCodes(HOUSING_OFFICER_DECLINES));
      await page.locator('#flowchart-details > summary').click();
      await page.locator('#flowchart-image img').first().waitFor();
      await page.screenshot({ path: join(artifacts, 'offline-outcome.png'), fullPage: true });
      assert.deepEqual(errors, [], 'no console error (a CSP hash mismatch would show here)');
      assertLocal(requests, pathToFileURL(file).href);

      // Quick exit works in place there too.
      await page.locator('#quick-exit').click();
      await assertNeutral(page);
    } finally {
      await context.close();
    }
  });
});

// ---------------------------------------------------------------- more helpers

/** Like walkToOutcome, without checking the question numbers (after a change). */
async function walkToOutcomeFrom(page, facts) {
  for (let i = 0; i < 40 && !(await page.locator('#outcome').isVisible()); i++) await answer(page, facts);
  assert.ok(await page.locator('#outcome').isVisible(), 'the walk did not finish');
}

async function assertNeutral(page) {
  await page.waitForFunction(() => document.title === 'Easy vegetable soup');
  const text = (await page.locator('html').innerText()).toLowerCase();
  for (const word of ['slavery', 'pathway', 'nrm', 'referral', 'exit', 'question', 'traffick', 'exploit']) {
    assert.ok(!text.includes(word), `"${word}" still on the page after quick exit`);
  }
  const html = (await page.content()).toLowerCase();
  assert.ok(!html.includes('pathway') && !html.includes('slavery'), 'no trace in the DOM');
  assert.ok(!page.url().includes('today='), page.url());
}
