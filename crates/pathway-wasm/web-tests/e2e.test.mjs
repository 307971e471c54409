// End-to-end tests of the page in real headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core), served by a tiny static server on 127.0.0.1; and of the self-contained
// pathway-offline.html opened from file://. The worker-experience defects of the December
// 2026 review (D1-D12) have their own tests in worker.test.mjs.
//
// Every test records every request and every console error: the page must make no request
// outside its own origin, and a CSP violation shows as a console error, so there must be none.
// Screenshots go to web-tests/artifacts/ (git-ignored).
//
// Run by scripts/test-web after scripts/build-web.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  AR_AT_17,
  DESKTOP,
  HOUSING_OFFICER_DECLINES,
  TODAY,
  answer,
  artifacts,
  assertLocal,
  assertNeutral,
  axe,
  expectedCodes,
  fill,
  launch,
  open,
  serve,
  shownCodes,
  start,
  walkToOutcome,
  www,
} from './helpers.mjs';

let server;
let origin;
let browser;

before(async () => {
  server = await serve();
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe('served page', () => {
  test("AR at 17: referred to children's services and the NRM before the 18th birthday", async () => {
    const { context, page, requests, errors } = await open(browser, `${origin}/index.html?today=${TODAY}`);
    try {
      assert.equal(await page.title(), 'Modern slavery referral pathway');
      assert.ok(await page.locator('#quick-exit').isVisible());
      assert.ok(await page.locator('#review-warning').isHidden(), 'no review is overdue on the test date');
      await start(page);

      // The first question, by keyboard only: the heading has focus; Tab to the answers, Space
      // selects the first, the arrow moves to the second, Tab to Continue, Enter.
      assert.equal(await page.locator('#progress').textContent(), 'Question 1');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'q-text');
      await page.waitForFunction(() => document.getElementById('announcer').textContent.startsWith('Question 1: '));
      for (let i = 0; i < 8 && (await page.evaluate(() => document.activeElement.type)) !== 'radio'; i++) {
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

      // Walk on; a date after today is refused next to the question, GOV.UK style.
      for (let i = 0; i < 40 && (await page.locator('#answer-form').getAttribute('data-kind')) !== 'date'; i++) {
        await answer(page, AR_AT_17);
      }
      await fill(page, 'date', '2027-01-01');
      await page.locator('#continue').click();
      assert.ok(await page.locator('#q-error').isVisible());
      assert.match(await page.locator('#q-error').textContent(), /today or in the past/);
      await walkToOutcome(page, AR_AT_17);
      const codes = await shownCodes(page);
      assert.deepEqual(codes, expectedCodes(AR_AT_17));
      for (const code of ['refer_before_18th_birthday', 'childrens_services_referral', 'nrm_referral']) {
        assert.ok(codes.includes(code), `${code} in ${codes}`);
      }
      assert.ok(!codes.includes('duty_to_notify'));
      assert.match(await page.locator('#o-actions').textContent(), /20 December 2026/);
      assert.doesNotMatch(await page.locator('#o-actions').textContent(), /2026-12-20/);

      // What the advice rests on, and the flowchart, in the "About this advice" fold.
      await page.locator('#about-details > summary').click();
      assert.match(await page.locator('#o-meta').textContent(), /version \d+\.\d+\.\d+, reviewed \d+ [A-Z][a-z]+ \d{4}/);
      const imgs = page.locator('#flowchart-image img');
      await imgs.first().waitFor();
      assert.equal(await imgs.count(), 2, 'one chart per pathway walked: the entry and the child pathway');
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
    const { context, page, requests, errors } = await open(browser, `${origin}/?today=${TODAY}`, { viewport: DESKTOP });
    try {
      await start(page);
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

      // Change an earlier answer: consent declined (the row of the consent question, found by
      // what it asks).
      const consentRow = page.locator('#answers-list .answer-row[data-fact="consent_to_nrm"]');
      assert.equal(await consentRow.count(), 1);
      await consentRow.getByRole('button', { name: /^Change/ }).click();
      assert.match(await page.locator('#progress').textContent(), /^Changing the answer to question \d+$/);
      assert.equal(await page.locator('#q-input input[value="given"]').isChecked(), true, 'the old answer is selected');
      await page.locator('#q-input input[value="declined"]').check();
      await page.locator('#continue').click();
      await walkToOutcome(page, HOUSING_OFFICER_DECLINES);
      codes = await shownCodes(page);
      assert.deepEqual(codes, expectedCodes(HOUSING_OFFICER_DECLINES));
      assert.ok(codes.includes('duty_to_notify'), `declined: ${codes}`);
      assert.ok(!codes.includes('nrm_referral'), `declined: ${codes}`);

      // The printable view: the summary and the answers, no controls.
      await page.emulateMedia({ media: 'print' });
      for (const hidden of ['#quick-exit', '#print', '#save', '#outcome-back', '#answers-list button', '#about']) {
        assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} hidden in print`);
      }
      for (const shown of ['#o-title', '#o-actions', '#answers-list', '#print-header']) {
        assert.ok(await page.locator(shown).isVisible(), `${shown} shown in print`);
      }
      await page.screenshot({ path: join(artifacts, 'print-outcome.png'), fullPage: true });
      await page.emulateMedia({ media: 'screen' });

      // Save the session to a file, start again (confirmed), open the file: the same outcome.
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#save').click()]);
      const saved = readFileSync(await download.path(), 'utf8');
      assert.equal(JSON.parse(saved).format, 'pathway-session/v1');
      await page.locator('#restart').click();
      await page.locator('#confirm-yes').click();
      assert.ok(await page.locator('#start').isVisible());
      await page.locator('#other-starts > summary').click();
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
    const { context, page, requests, errors } = await open(browser, `${origin}/index.html?today=${TODAY}`);
    try {
      await start(page);
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
    const { context, page, requests } = await open(browser, `${origin}/index.html?today=${TODAY}`);
    try {
      await start(page);
      await page.keyboard.press('Escape');
      await Promise.all([page.waitForURL(`${origin}/neutral.html`), page.keyboard.press('Escape')]);
      await assertNeutral(page);
      assertLocal(requests, origin);
    } finally {
      await context.close();
    }
  });
});

describe('monitoring record', () => {
  test('"Download monitoring record": only the allowed fields, no name or date, the same as `decide --monitoring`', async () => {
    const { context, page, requests, errors } = await open(browser, `${origin}/?today=${TODAY}`);
    try {
      // The district select offers exactly the options of the `district` fact of the content.
      const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
      const entry = JSON.parse(readFileSync(join(root, 'pathways', 'hertfordshire', 'entry.json'), 'utf8'));
      const fact = entry.facts.find((f) => f.id === 'district');
      const offered = await page.locator('#district option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
      assert.deepEqual(
        new Set(offered.map(([value, label]) => `${value}=${label}`)),
        new Set(fact.options.map((o) => `${o.value}=${o.label}`)),
      );
      await start(page);
      await walkToOutcome(page, AR_AT_17);
      await page.locator('#district').selectOption('watford');
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-monitoring').click()]);
      assert.equal(download.suggestedFilename(), `monitoring-${TODAY.slice(0, 7)}.json`);
      const text = readFileSync(await download.path(), 'utf8');
      const record = JSON.parse(text);
      assert.deepEqual(Object.keys(record), ['format', 'month', 'district', 'organisation', 'age_group', 'age_doubted', 'exploitation_type', 'consent', 'codes']);
      assert.equal(record.format, 'pathway-monitoring/v1');
      assert.equal(record.month, TODAY.slice(0, 7));
      assert.equal(record.district, 'watford');
      assert.equal(record.organisation, AR_AT_17.reporter_organisation);
      assert.equal(record.age_group, '17');
      assert.equal(record.consent, 'not_asked');
      assert.deepEqual(record.codes, await shownCodes(page));
      assert.doesNotMatch(text, /2008|12-20|\d{4}-\d{2}-\d{2}/, 'no date of birth, no day');
      // The CLI builds the same record from the same answers, when it is built.
      const targetDir = process.env.CARGO_TARGET_DIR || join(root, 'target');
      const cli = ['debug', 'release'].map((p) => join(targetDir, p, 'pathway')).find(existsSync);
      if (cli) {
        const facts = JSON.stringify({ ...AR_AT_17, district: 'watford' });
        const out = spawnSync(cli, ['decide', '--monitoring', '--today', TODAY], { input: facts, encoding: 'utf8' });
        assert.equal(out.status, 0, out.stderr);
        assert.equal(text, out.stdout);
      }
      assert.deepEqual(errors, []);
      assertLocal(requests, origin);
    } finally {
      await context.close();
    }
  });
});

describe('self-contained pathway-offline.html from file://', () => {
  test('walks to an outcome with no server and no request', async () => {
    const file = join(www, 'pathway-offline.html');
    const url = `${pathToFileURL(file)}?today=${TODAY}`;
    const { context, page, requests, errors } = await open(browser, url);
    try {
      await start(page);
      await walkToOutcome(page, HOUSING_OFFICER_DECLINES);
      assert.deepEqual(await shownCodes(page), expectedCodes(HOUSING_OFFICER_DECLINES));
      await page.locator('#about-details > summary').click();
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

test('accessibility: axe-core finds no serious or critical violation in any state', async () => {
  // The axe script is injected inline, which the page's CSP rightly blocks: bypass it here only.
  for (const [name, viewport] of [['phone', undefined], ['desktop', DESKTOP]]) {
    const { context, page } = await open(browser, `${origin}/index.html?today=${TODAY}`, { viewport, bypassCSP: true });
    try {
      await axe(page, `${name}: start`);
      await page.locator('#other-starts > summary').click();
      await axe(page, `${name}: start, other ways open`);
      await start(page);
      // Danger: the interruption page.
      await page.locator('#q-input input[value="true"]').check();
      await page.locator('#continue').click();
      await page.locator('#urgent').waitFor();
      await axe(page, `${name}: urgent interruption`);
      await page.screenshot({ path: join(artifacts, `${name}-urgent.png`), fullPage: true });
      await page.locator('#urgent-continue').click();
      await page.locator('#q-help summary').click();
      await axe(page, `${name}: a question with help open`);
      await page.screenshot({ path: join(artifacts, `${name}-question.png`), fullPage: true });
      await page.locator('#continue').click(); // nothing chosen: the error state
      await axe(page, `${name}: a question with an error`);
      const facts = { ...AR_AT_17, immediate_danger: true };
      for (let i = 0; i < 40 && (await page.locator('#answer-form').getAttribute('data-kind')) !== 'date'; i++) {
        await answer(page, facts);
      }
      await axe(page, `${name}: the date question`);
      await page.locator('#answer-month').fill('13');
      await page.locator('#continue').click();
      await axe(page, `${name}: the date question with an error`);
      await walkToOutcome(page, facts);
      await axe(page, `${name}: the outcome`);
      await page.locator('#about-details > summary').click();
      await page.locator('#flowchart-image img').first().waitFor();
      await axe(page, `${name}: the outcome with "About this advice" open`);
      await page.screenshot({ path: join(artifacts, `${name}-outcome.png`), fullPage: true });
      await page.locator('#restart').click();
      await axe(page, `${name}: start again? (confirm)`);
      await page.locator('#confirm-yes').click();
      await page.locator('#other-starts > summary').click();
      await page.locator('#open-training').click();
      await page.locator('#scenario-list').waitFor();
      await page.locator('#facilitator > summary').click();
      await axe(page, `${name}: training list and facilitator view`);
      await page.locator('#scenario-list button').first().click();
      await axe(page, `${name}: a training scenario's story`);
      await page.locator('#training-start').click();
      const scenario = JSON.parse(readFileSync(join(www, 'training.json'), 'utf8')).scenarios[0].scenario;
      const all = (await import('./helpers.mjs')).completeFacts(scenario.facts, scenario.today, scenario.pathway ?? null);
      await walkToOutcome(page, all);
      await axe(page, `${name}: a training debrief`);
      await page.screenshot({ path: join(artifacts, `${name}-debrief.png`), fullPage: true });
    } finally {
      await context.close();
    }
  }
});
