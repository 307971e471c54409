// The worker's experience of the page (issue 13): one test per defect of the December 2026
// review (../shared/reviews/web-2026-12.md, D1-D12; D13 is the terminal's, in
// crates/pathway-cli/tests/worker.rs), with the help fold behind "More" and each action's own
// "Why" (content 2.0.0), then the installable offline app, training in the browser and the
// time to the first question on a throttled CPU.
//
// Questions are answered by what they ask (the fact and the answer type, from the facts of a
// case), never by their wording or order. Each D-test failed on the commit before issue 13
// (9fa65b9): run it against that build with PATHWAY_WWW and PATHWAY_PKG_NODE.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  AR_AT_17,
  DESKTOP,
  HOUSING_OFFICER_DECLINES,
  PHONE,
  SMALL,
  TODAY,
  answer,
  artifacts,
  assertLocal,
  assertNeutral,
  axe,
  completeFacts,
  launch,
  open,
  pastUrgent,
  root,
  serve,
  start,
  unlinkedText,
  walkToOutcome,
  wasm,
  www,
} from './helpers.mjs';

let server;
let origin;
let browser;

/** Text with its blank space run together, to compare what the page shows with the content. */
const norm = (text) => String(text).replace(/\s+/g, ' ').trim();

before(async () => {
  server = await serve();
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

const url = (today = TODAY) => `${origin}/index.html?today=${today}`;
const IN_DANGER = { ...AR_AT_17, immediate_danger: true };
const CONSENTS = { ...HOUSING_OFFICER_DECLINES, consent_to_nrm: 'given' };

/** The scenario whose outcome is longest (most text to print), with every fact it reads. */
function longestOutcome() {
  const dir = join(root, 'fixtures', 'scenarios');
  let best = null;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const s = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    if (s.pathway) continue;
    const r = wasm.evaluate(null, s.facts, s.today, true);
    if (r.status !== 'finished') continue;
    const size = JSON.stringify(r.outcome).length;
    if (!best || size > best.size) best = { size, file: f, today: s.today, facts: completeFacts(s.facts, s.today) };
  }
  return best;
}

describe('the review of December 2026, defect by defect', () => {
  test('D1: an urgent action is shown at once as an interruption page, once; the outcome leads with it', async () => {
    const { context, page, errors } = await open(browser, url());
    try {
      await start(page);
      assert.equal(await page.locator('#answer-form').getAttribute('data-fact'), 'immediate_danger');
      await page.locator('#q-input input[value="true"]').check();
      await page.locator('#continue').click();
      // Before the next question: a GOV.UK interruption page with a full-width call button.
      assert.ok(await page.locator('#urgent').isVisible(), 'no interruption page after "in danger now"');
      assert.ok(await page.locator('#question').isHidden(), 'the next question is not shown yet');
      const call = page.locator('#urgent a.call[href="tel:999"]');
      assert.ok(await call.isVisible(), 'a tel:999 button');
      const [callBox, panelBox] = [await call.boundingBox(), await page.locator('#urgent').boundingBox()];
      assert.ok(callBox.width >= panelBox.width * 0.8, `full width: ${callBox.width} of ${panelBox.width}`);
      assert.match(await page.locator('#urgent-title').textContent(), /999/);
      assert.match(await page.title(), /^Urgent: /);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'urgent-title');
      await page.locator('#urgent-continue', { hasText: 'Continue when they are safe' }).click();
      assert.ok(await page.locator('#question').isVisible());
      assert.equal(await page.locator('#progress').textContent(), 'Question 2');
      // Once: back to the first question and the same answer again go straight on.
      await page.locator('#back-link').click();
      await page.locator('#q-input input[value="true"]').check();
      await page.locator('#continue').click();
      assert.ok(await page.locator('#question').isVisible() && (await page.locator('#urgent').isHidden()), 'shown once');
      // The outcome's heading leads with the danger.
      await walkToOutcome(page, IN_DANGER);
      const first = wasm.evaluate(null, IN_DANGER, TODAY).outcome.actions.find((a) => a.urgent && a.code === 'call_999');
      assert.ok((await page.locator('#o-title').textContent()).startsWith(first.title), await page.locator('#o-title').textContent());
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('D2: every new question scrolls to its heading, clear of the sticky header, on a phone', async () => {
    const { context, page } = await open(browser, url(), { viewport: PHONE });
    try {
      await start(page);
      for (let i = 0; i < 6 && (await page.locator('#question').isVisible()); i++) {
        // Read the help first (it scrolls the page down), as the reviewer did.
        if (await page.locator('#q-help').isVisible()) {
          await page.locator('#q-help summary').click();
          await page.locator('#continue').scrollIntoViewIfNeeded();
        }
        await answer(page, AR_AT_17);
        await pastUrgent(page);
        if (!(await page.locator('#question').isVisible())) break;
        const { top, bottom, bar, height } = await page.evaluate(() => {
          const h = document.getElementById('q-text').getBoundingClientRect();
          return { top: h.top, bottom: h.bottom, bar: document.querySelector('.bar').getBoundingClientRect().bottom, height: innerHeight };
        });
        assert.ok(top >= bar && bottom <= height, `question ${i + 2}: heading at ${top}-${bottom}, header to ${bar}`);
      }
    } finally {
      await context.close();
    }
  });

  test("D3: the browser's Back goes back one question; reload and Start again ask before losing answers", async () => {
    const { context, page } = await open(browser, url());
    try {
      await start(page);
      await answer(page, AR_AT_17);
      await answer(page, AR_AT_17);
      assert.equal(await page.locator('#progress').textContent(), 'Question 3');
      await page.goBack();
      await page.waitForTimeout(300);
      assert.ok(page.url().startsWith(origin), `Back left the page for ${page.url()}`);
      assert.equal(await page.locator('#progress').textContent(), 'Question 2');
      assert.equal(await page.locator('#answers-list .answer-row').count(), 1, 'the first answer is kept');
      await page.goBack();
      await page.waitForFunction(() => document.getElementById('progress')?.textContent === 'Question 1');
      // Reload with answers: the browser asks first (beforeunload); dismissed, nothing is lost.
      await answer(page, AR_AT_17);
      const dialogs = [];
      page.on('dialog', async (d) => {
        dialogs.push(d.type());
        await d.dismiss();
      });
      await page.reload({ timeout: 2000 }).catch(() => {});
      assert.deepEqual(dialogs, ['beforeunload']);
      assert.equal(await page.locator('#progress').textContent(), 'Question 2');
      // Start again asks first too; "No" keeps the answers.
      await page.locator('#restart').click();
      assert.ok(await page.locator('#confirm').isVisible(), 'Start again asks first');
      await page.locator('#confirm-no').click();
      assert.equal(await page.locator('#progress').textContent(), 'Question 2');
      await page.locator('#restart').click();
      await page.locator('#confirm-yes').click();
      assert.ok(await page.locator('#start').isVisible());
    } finally {
      await context.close();
    }
  });

  test('D4: quick exit from the single file leaves nothing: reload, Back and Forward never show the tool', async () => {
    const file = join(www, 'pathway-offline.html');
    const { context, page, requests, errors } = await open(browser, `${pathToFileURL(file)}?today=${TODAY}`);
    try {
      await start(page);
      await answer(page, AR_AT_17);
      await answer(page, AR_AT_17);
      await page.locator('#quick-exit').click();
      await assertNeutral(page);
      await page.waitForTimeout(600); // the history entries are renamed after a tick
      const neverTheTool = async (what) => {
        const text = (await page.locator('body').innerText().catch(() => '')).toLowerCase();
        for (const word of ['slavery', 'referral', 'quick exit', 'question']) {
          assert.ok(!text.includes(word), `${what}: "${word}" is on the page again`);
        }
        assert.ok(!page.url().includes('today='), `${what}: ${page.url()}`);
      };
      await page.reload();
      await page.waitForTimeout(300);
      await neverTheTool('reload');
      await assertNeutral(page);
      await page.goBack().catch(() => {});
      await page.waitForTimeout(300);
      await neverTheTool('Back');
      await page.goForward().catch(() => {});
      await page.waitForTimeout(300);
      await neverTheTool('Forward');
      await page.goForward().catch(() => {});
      await page.waitForTimeout(300);
      await neverTheTool('Forward again');
      assertLocal(requests, pathToFileURL(file).href);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('D4: quick exit when served leaves no Back or Forward to the tool', async () => {
    const { context, page } = await open(browser, url());
    try {
      await start(page);
      await answer(page, AR_AT_17);
      await Promise.all([page.waitForURL(`${origin}/neutral.html`), page.locator('#quick-exit').click()]);
      for (const move of ['goBack', 'goForward', 'goForward']) {
        await page[move]().catch(() => {});
        await page.waitForTimeout(300);
        const text = (await page.locator('body').innerText().catch(() => '')).toLowerCase();
        assert.ok(!text.includes('slavery') && !text.includes('question'), `${move}: the tool is back (${page.url()})`);
      }
    } finally {
      await context.close();
    }
  });

  test('D5: at 200% text and at 320 px wide nothing scrolls sideways and the header takes at most a fifth', async () => {
    for (const [name, viewport, fontSize] of [
      ['320 px wide', SMALL, 16],
      ['phone, 200% text', PHONE, 32],
      ['320 px wide, 200% text', { width: 320, height: 640 }, 32],
    ]) {
      const { context, page } = await open(browser, url(), { viewport, ready: false, bypassCSP: true });
      try {
        // Text size as the browser's setting sets it (the default font size), before load.
        const cdp = await context.newCDPSession(page);
        await cdp.send('Page.setFontSizes', { fontSizes: { standard: fontSize, fixed: Math.round(fontSize * 0.8) } });
        await page.reload();
        await page.waitForSelector('html[data-ready="true"]');
        const check = async (where) => {
          const m = await page.evaluate(() => ({
            scroll: document.documentElement.scrollWidth,
            width: innerWidth,
            bar: document.querySelector('.bar').getBoundingClientRect().height,
            height: innerHeight,
            root: parseFloat(getComputedStyle(document.documentElement).fontSize),
          }));
          assert.ok(m.scroll <= m.width, `${name}, ${where}: the page is ${m.scroll} px wide on a ${m.width} px screen`);
          assert.ok(m.bar <= m.height / 5, `${name}, ${where}: the header is ${m.bar} of ${m.height} px`);
          return m;
        };
        const m = await check('start');
        assert.equal(m.root, fontSize, 'the text size took');
        await axe(page, `${name}: start`);
        await start(page);
        await check('first question');
        await page.locator('#q-input input[value="true"]').check();
        await page.locator('#continue').click();
        assert.ok(await page.locator('#urgent').isVisible());
        await check('urgent');
        await axe(page, `${name}: urgent`);
        await walkToOutcome(page, IN_DANGER);
        await check('outcome');
        await axe(page, `${name}: outcome`);
        await page.screenshot({ path: join(artifacts, `large-text-${viewport.width}-${fontSize}.png`) });
      } finally {
        await context.close();
      }
    }
  });

  test('D6: every number is a tel: link and every address a link; the Helpline is always in view', async () => {
    const { context, page } = await open(browser, url());
    try {
      // (From the directory file too, so the test also runs against builds without `contact`.)
      const helpline = wasm.contact?.('ms_helpline') ?? JSON.parse(readFileSync(join(root, 'pathways', 'hertfordshire', 'contacts.json'), 'utf8')).contacts.ms_helpline;
      const tel = `tel:${helpline.phone.replace(/\D/g, '')}`;
      const helplineInView = async (where) => {
        const link = page.locator(`#helpline a[href="${tel}"]`);
        assert.ok(await link.isVisible(), `${where}: the Helpline is shown`);
        const box = await link.boundingBox();
        const height = await page.evaluate(() => innerHeight);
        assert.ok(box.y >= 0 && box.y + box.height <= height, `${where}: the Helpline is in view (${box.y} of ${height})`);
        assert.match(await page.locator('#helpline').innerText(), new RegExp(helpline.hours));
      };
      await helplineInView('start');
      await start(page);
      await helplineInView('question');
      await walkToOutcome(page, CONSENTS);
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await helplineInView('outcome, scrolled to the end');
      const loose = await unlinkedText(page, '#outcome');
      const number = /(?<![\w§.-])(0\d{3,4} ?\d{2,3} ?\d{2,4}(?: \d\d)?|999|101)(?![\w-])/g;
      assert.deepEqual(loose.match(number) ?? [], [], 'numbers that cannot be tapped');
      assert.deepEqual(loose.match(/[\w.+-]+@[\w-]+\.[\w.-]+|https?:\/\/\S+|www\.\S+/g) ?? [], [], 'addresses that are not links');
      // Every phone link is big enough to tap (the review found 101 at 38 px).
      for (const a of await page.locator('#outcome a[href^="tel:"], #helpline a[href^="tel:"]').all()) {
        const box = await a.boundingBox();
        assert.ok(box.width >= 44, `${await a.textContent()} is ${box.width} px wide`);
      }
    } finally {
      await context.close();
    }
  });

  test('D6: the engine marks every phone number and address in every text of every scenario', () => {
    const dir = join(root, 'fixtures', 'scenarios');
    const number = /(?<![\w§.-])(0\d{3,4} ?\d{2,3} ?\d{2,4}(?: \d\d)?|999|101)(?![\w-])/g;
    const address = /[\w.+-]+@[\w-]+\.[\w.-]+|https?:\/\/\S+|www\.\S+/g;
    let texts = 0;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      const sc = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const r = wasm.evaluate(sc.pathway ?? null, sc.facts, sc.today, true);
      const o = r.outcome ?? { actions: [], next_steps: [] };
      const all = [o.summary, ...o.next_steps, r.question?.help, r.question?.text];
      for (const a of o.actions) all.push(a.title, a.instructions, a.detail, a.reason, a.contact?.notes);
      for (const text of all.filter(Boolean)) {
        texts++;
        const plain = wasm.segments(text).filter((seg) => !seg.href).map((seg) => seg.text).join(' ');
        assert.deepEqual(plain.match(number) ?? [], [], `${f}: a number not marked in: ${text}`);
        assert.deepEqual(plain.match(address) ?? [], [], `${f}: an address not marked in: ${text}`);
        assert.equal(wasm.segments(text).map((seg) => seg.text).join(''), text, 'segments join back to the text');
      }
    }
    assert.ok(texts > 100, `${texts} texts checked`);
  });

  test('D7: a "Why" line belongs to its action: no two actions give the same reason', async () => {
    const { context, page } = await open(browser, url());
    try {
      await start(page);
      await walkToOutcome(page, CONSENTS);
      const whys = await page.locator('#o-actions .reason').allTextContents();
      assert.equal(whys.length, await page.locator('#o-actions > li').count(), 'every action says why');
      assert.equal(new Set(whys).size, whys.length, `the same reason on several actions: ${whys.join(' | ')}`);
    } finally {
      await context.close();
    }
  });

  test("D7: each action's \"Why\" is that action's own reason", async () => {
    const { context, page, errors } = await open(browser, url());
    try {
      await start(page);
      await walkToOutcome(page, AR_AT_17);
      const actions = wasm.evaluate(null, AR_AT_17, TODAY).outcome.actions;
      const shown = await page.locator('#o-actions > li').evaluateAll((items) =>
        items.map((li) => ({ code: li.dataset.code, why: li.querySelector('.reason')?.textContent ?? null })),
      );
      assert.deepEqual(
        shown.map((a) => a.code),
        actions.map((a) => a.code),
      );
      for (const [i, a] of actions.entries()) {
        assert.ok(a.reason, `${a.code} has a reason`);
        assert.equal(shown[i].why, `Why: ${a.reason}`, a.code);
      }
      // Two different actions give two different reasons (not the reason of the route).
      const [first, second] = shown.filter((a) => a.why);
      assert.ok(second, 'at least two actions say why');
      assert.notEqual(first.why, second.why);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the fold behind "More": shown for a question with more, closed, with its text; not for one without', async () => {
    // (axe-core is injected inline, which the page's CSP rightly blocks: bypassed here only.)
    const { context, page } = await open(browser, url(), { bypassCSP: true });
    try {
      await start(page);
      let withMore = false;
      let without = false;
      const given = {};
      for (let i = 0; i < 40 && !(withMore && without) && (await page.locator('#question').isVisible()); i++) {
        const fact = await page.locator('#answer-form').getAttribute('data-fact');
        // The question the engine asks after the answers given so far: its help and more.
        const q = wasm.evaluate(null, given, TODAY).question;
        assert.equal(q.fact, fact);
        const more = page.locator('#q-more');
        if (q.more) {
          withMore = true;
          assert.ok(await more.isVisible(), `${fact}: no "More"`);
          assert.equal(await more.evaluate((d) => d.open), false, `${fact}: "More" starts folded`);
          assert.ok(await page.locator('#q-more-text').isHidden(), `${fact}: the more text shows folded`);
          await more.locator('summary').click();
          assert.equal(await more.evaluate((d) => d.open), true);
          assert.equal(norm(await page.locator('#q-more-text').innerText()), norm(q.more));
          // The short help stays apart, behind its own fold.
          if (q.help) {
            await page.locator('#q-help summary').click();
            assert.equal(norm(await page.locator('#q-help-text').innerText()), norm(q.help));
          }
          await axe(page, `${fact}: help and more open`);
        } else {
          without = true;
          assert.ok(await more.isHidden(), `${fact}: "More" shown with nothing behind it`);
        }
        given[fact] = AR_AT_17[fact];
        await answer(page, AR_AT_17);
        await pastUrgent(page);
      }
      assert.ok(withMore && without, 'the walk met a question with more and one without');
    } finally {
      await context.close();
    }
  });

  test('D8: a three-field date of birth with an example; human dates wherever a person reads', async () => {
    const { context, page } = await open(browser, url());
    try {
      await start(page);
      for (let i = 0; i < 40 && (await page.locator('#answer-form').getAttribute('data-kind')) !== 'date'; i++) {
        await answer(page, AR_AT_17);
      }
      for (const part of ['Day', 'Month', 'Year']) assert.ok(await page.getByLabel(part, { exact: true }).isVisible(), part);
      assert.match(await page.locator('#date-hint').textContent(), /For example, \d+ \d+ \d{4}/);
      await walkToOutcome(page, AR_AT_17);
      const shown = await page.locator('main').innerText();
      assert.doesNotMatch(shown, /\d{4}-\d\d-\d\d/, 'an ISO date shown to the worker');
      assert.match(shown, /20 December 2026/);
      assert.match(shown, /20 December 2008/);
    } finally {
      await context.close();
    }
  });

  test('D9: errors follow GOV.UK: summary, "Error:" title, a title per question, specific messages', async () => {
    const { context, page } = await open(browser, url());
    try {
      await start(page);
      const title1 = await page.title();
      await page.locator('#continue').click();
      assert.ok(await page.locator('#error-summary').isVisible(), 'an error summary');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
      assert.match(await page.title(), /^Error: /);
      const message = await page.locator('#error-summary li').textContent();
      const labels = await page.locator('#q-input label').allTextContents();
      assert.ok(labels.some((l) => message.includes(l)), `a specific message: ${message}`);
      assert.equal((await page.locator('#q-error').textContent()).replace(/^Error:\s*/, ''), message);
      await answer(page, AR_AT_17);
      assert.doesNotMatch(await page.title(), /^Error/);
      assert.notEqual(await page.title(), title1, 'each question has its own title');
      assert.match(await page.title(), new RegExp((await page.locator('#q-text').textContent()).slice(0, 20).replace(/[?()]/g, '.')));
      // A date that does not exist is refused with a message about the date, GOV.UK style.
      for (let i = 0; i < 40 && (await page.locator('#answer-form').getAttribute('data-kind')) !== 'date'; i++) {
        await answer(page, AR_AT_17);
      }
      await page.locator('#answer-day').fill('31');
      await page.locator('#answer-month').fill('2');
      await page.locator('#answer-year').fill('2008');
      await page.locator('#continue').click();
      assert.match(await page.locator('#error-summary').textContent(), /real date/);
    } finally {
      await context.close();
    }
  });

  test('D10: the first screen mentions 999 and its Start button is above the fold', async () => {
    for (const viewport of [PHONE, DESKTOP, SMALL]) {
      const { context, page } = await open(browser, url(), { viewport });
      try {
        const button = page.getByRole('button', { name: /^Start/ }).first();
        const box = await button.boundingBox();
        assert.ok(box && box.y + box.height <= viewport.height, `${viewport.width}x${viewport.height}: Start ends at ${box?.y + box?.height}`);
        assert.ok(await page.locator('#start a[href="tel:999"]').isVisible(), '999 on the first screen');
      } finally {
        await context.close();
      }
    }
  });

  test('D11: copy summary and a plain-text download for case notes, in words', async () => {
    const { context, page } = await open(browser, url(), { context: { permissions: ['clipboard-read', 'clipboard-write'] } });
    try {
      await start(page);
      await walkToOutcome(page, AR_AT_17);
      assert.ok(await page.locator('#copy-summary').isVisible(), 'no "Copy summary"');
      await page.locator('#case-reference').fill('HX/2026/117');
      await page.locator('#copy-summary').click();
      await page.waitForFunction(() => document.getElementById('copy-status').textContent.includes('copied'));
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-summary').click()]);
      assert.match(download.suggestedFilename(), /\.txt$/);
      const saved = readFileSync(await download.path(), 'utf8');
      for (const text of [copied, saved]) {
        assert.match(text, /Case reference: HX\/2026\/117/);
        assert.match(text, /Date: 22 November 2026, \d\d:\d\d/);
        assert.match(text, /20 December 2008/);
        const body = text.split('ABOUT THIS ADVICE')[0];
        assert.doesNotMatch(body, /`|\*\*|immediate_danger|date_of_birth|nrm_referral|= (true|false)/, 'codes or Markdown in the notes');
        assert.match(body, /QUESTIONS AND ANSWERS/);
      }
      assert.equal(copied, saved);
      // The reference is not kept: a saved session does not hold it.
      const [session] = await Promise.all([page.waitForEvent('download'), page.locator('#save').click()]);
      assert.ok(!readFileSync(await session.path(), 'utf8').includes('HX/2026/117'));
    } finally {
      await context.close();
    }
  });

  test('D12: no repeated "Urgent", each contact box once, codes only in "About this advice", arrows on disclosures', async () => {
    const { context, page } = await open(browser, url());
    try {
      await start(page);
      // The interruption for a 17-year-old's referral, whose title already says "Urgent":
      // said once in its heading and the page's title.
      for (let i = 0; i < 40 && (await page.locator('#urgent').isHidden()); i++) await answer(page, AR_AT_17);
      assert.ok(await page.locator('#urgent').isVisible(), 'no interruption for a 17-year-old');
      const urgentTitle = await page.locator('#urgent-title').textContent();
      assert.match(urgentTitle, /^urgent\b/i);
      for (const text of [urgentTitle, await page.title()]) assert.doesNotMatch(text, /urgent\W+urgent/i);
      await page.waitForFunction(() => document.getElementById('announcer').textContent.length > 0);
      assert.doesNotMatch(await page.locator('#announcer').textContent(), /urgent\W+urgent/i);
      await walkToOutcome(page, AR_AT_17);
      const headings = await page.locator('#o-actions h3').allInnerTexts();
      assert.ok(!headings.some((h) => /urgent\W+urgent/i.test(h)), headings.join(' | '));
      const boxes = await page.locator('#o-actions .contact p:first-child').allTextContents();
      assert.equal(new Set(boxes).size, boxes.length, `a contact box shown twice: ${boxes.join(' | ')}`);
      const visible = await page.locator('main').innerText();
      assert.doesNotMatch(visible, /Action codes|refer_before_18th_birthday/, 'codes shown outside the fold');
      await page.locator('#about-details > summary').click();
      assert.match(await page.locator('#about-details').innerText(), /Action codes: refer_before_18th_birthday/);
      const arrow = await page.locator('#about-details > summary').evaluate((s) => {
        const before = getComputedStyle(s, '::before');
        return before.content !== 'none' && parseFloat(before.borderTopWidth) + parseFloat(before.borderLeftWidth) > 0;
      });
      assert.ok(arrow, 'the disclosure shows an arrow');
    } finally {
      await context.close();
    }
  });

  test('D12: on a touch phone no "press Esc" hint; a bad session file gets a plain message', async () => {
    const { context, page } = await open(browser, url(), { context: { hasTouch: true, isMobile: true } });
    try {
      assert.ok(await page.locator('#quick-exit-hint').isHidden(), 'the Esc hint on a phone');
      const details = page.locator('#other-starts');
      if (await details.count()) await details.locator('summary').click();
      await page.locator('#open-file').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
      await page.waitForFunction(() => document.getElementById('open-error').textContent.length > 0);
      const message = await page.locator('#open-error').textContent();
      assert.doesNotMatch(message, /missing field|This answer|`/, message);
      assert.match(message, /not a session saved by this page/);
    } finally {
      await context.close();
    }
  });

  test('D12: the longest outcome prints on at most two A4 pages, with title, date, time and reference', async () => {
    const longest = longestOutcome();
    const { context, page } = await open(browser, url(longest.today));
    try {
      await start(page);
      await walkToOutcome(page, longest.facts);
      if (await page.locator('#case-reference').count()) await page.locator('#case-reference').fill('REF-42');
      await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4', printBackground: false });
      writeFileSync(join(artifacts, `print-${longest.file}.pdf`), pdf);
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
      assert.ok(pages >= 1 && pages <= 2, `${longest.file} prints on ${pages} pages`);
      assert.ok(await page.locator('#print-header').count(), 'no printed header');
      const header = await page.locator('#print-header').innerText();
      assert.match(header, /case summary/i);
      assert.match(header, /\d+ [A-Z][a-z]+ \d{4}, \d\d:\d\d/);
      assert.match(header, /REF-42/);
    } finally {
      await context.close();
    }
  });

  test('D12: index.html opened from a file says what to open instead of loading forever', async () => {
    const { context, page } = await open(browser, pathToFileURL(join(www, 'index.html')).href, { ready: false });
    try {
      await page.waitForTimeout(3500);
      const text = await page.locator('main').innerText();
      assert.match(text, /pathway-offline\.html/, text);
    } finally {
      await context.close();
    }
  });
});

describe('installable and offline (served)', () => {
  test('a manifest and a service worker: installs, then opens and walks with the network off', async () => {
    const { context, page, requests, errors } = await open(browser, url());
    try {
      const manifestUrl = await page.locator('link[rel="manifest"]').getAttribute('href');
      const manifest = JSON.parse(readFileSync(join(www, manifestUrl), 'utf8'));
      assert.equal(manifest.display, 'standalone');
      assert.ok(manifest.start_url && manifest.name && manifest.icons.some((i) => i.sizes === '512x512'));
      await page.waitForFunction(async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated', null, { timeout: 15000 });
      // The worker controls the page once reloaded; then the network goes off.
      // Chromium now and then loads the first reload before the worker takes it (seen about
      // one run in ten), as a browser may; a page the worker controls after none of three
      // reloads fails here.
      let controlled = false;
      for (let attempt = 0; attempt < 3 && !controlled; attempt++) {
        await page.reload();
        await page.waitForSelector('html[data-ready="true"]');
        controlled = await page
          .waitForFunction(() => Boolean(navigator.serviceWorker.controller), null, { timeout: 5000 })
          .then(() => true, () => false);
      }
      assert.ok(controlled, 'the service worker controls the reloaded page');
      await context.setOffline(true);
      await page.reload();
      await page.waitForSelector('html[data-ready="true"]');
      await start(page);
      await walkToOutcome(page, AR_AT_17);
      await page.locator('#other-starts').count();
      assert.deepEqual(errors, []);
      assertLocal(requests, origin);
      const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      assert.match(csp, /default-src 'none'/);
    } finally {
      await context.close();
    }
  });
});

describe('training in the browser', () => {
  test('a trainee answers a bundled scenario; the debrief compares each answer; the facilitator sees coverage', async () => {
    const { context, page, requests } = await open(browser, url());
    try {
      assert.ok(!requests.some((r) => r.includes('training.json')), 'the training bundle is not in the first load');
      await page.locator('#other-starts > summary').click();
      await page.locator('#open-training').click();
      await page.locator('#scenario-list').waitFor();
      const bundle = JSON.parse(readFileSync(join(www, 'training.json'), 'utf8'));
      assert.equal(await page.locator('#scenario-list > li').count(), bundle.scenarios.length);
      await page.locator('#facilitator > summary').click();
      assert.equal(await page.locator('#coverage-table tbody tr').count(), bundle.scenarios.length);
      assert.match(await page.locator('#facilitator').innerText(), /visit \d+ of \d+ steps/);
      // AR at 17; the trainee misses the "chaperone" and that AR needs an interpreter, and so
      // the private conversation through an independent interpreter.
      await page.locator('#scenario-list > li[data-file="ar-at-17"] button').click();
      assert.match(await page.locator('.story').innerText(), /chaperone/);
      await page.locator('#training-start').click();
      const s = bundle.scenarios.find((x) => x.file === 'ar-at-17').scenario;
      const facts = { ...completeFacts(s.facts, s.today), someone_speaks_for_them: false, language_barrier: false };
      await walkToOutcome(page, facts);
      assert.match(await page.locator('#o-title').textContent(), /differs/);
      const different = page.locator('#debrief-table tr.row-mismatch');
      assert.equal(await different.count(), 2);
      const missed = wasm.evaluate(null, s.facts, s.today, true).outcome.actions.find((a) => a.code === 'arrange_independent_interpreter');
      assert.ok(missed, 'the case expects the interpreter');
      assert.match(await page.locator('#outcome').innerText(), new RegExp(`Missed: ${missed.title}`));
      assert.ok((await page.locator('#debrief-yours img').count()) > 0 && (await page.locator('#debrief-expected img').count()) > 0, 'both walks on the flowchart');
      // Or open a scenario file: a bad one is refused in words, a good one shows its story.
      await page.locator('#restart').click();
      await page.locator('#confirm-yes').click();
      await page.locator('#other-starts > summary').click();
      await page.locator('#open-training').click();
      await page.locator('#scenario-file').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "other"}') });
      await page.waitForFunction(() => document.getElementById('scenario-error').textContent.length > 0);
      assert.match(await page.locator('#scenario-error').textContent(), /not a scenario file/);
      const own = { ...s, title: 'Our own case study', story: 'A worker at a nail bar meets Q.' };
      await page.locator('#scenario-file').setInputFiles({ name: 'own.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(own)) });
      await page.locator('.story', { hasText: 'nail bar' }).waitFor();
    } finally {
      await context.close();
    }
  });
});

describe('fast on a cheap phone', () => {
  test('navigation to the first question, cold cache, 4x CPU throttling (recorded, not asserted)', async () => {
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const context = await browser.newContext({ viewport: PHONE });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await page.goto(url());
      await page.waitForSelector('html[data-ready="true"]');
      const ready = await page.evaluate(() => performance.getEntriesByName('pathway-ready')[0].startTime);
      await page.locator('#start-now').click();
      await page.waitForSelector('#q-text:focus');
      const [question, click] = await page.evaluate(() => ['pathway-question', 'pathway-start'].map((n) => performance.getEntriesByName(n)[0].startTime));
      // The page's own time: navigation to the start screen usable, plus the press of Start
      // to the first question usable (the test driver's time between the two left out).
      runs.push({ ready: Math.round(ready), start_to_question: Math.round(question - click), question: Math.round(ready + question - click) });
      await context.close();
    }
    const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[1];
    const result = { runs, median_ready_ms: median('ready'), median_start_to_question_ms: median('start_to_question'), median_question_ms: median('question') };
    writeFileSync(join(artifacts, 'first-question.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`first screen ready ${result.median_ready_ms} ms; Start to the first question ${result.median_start_to_question_ms} ms; together ${result.median_question_ms} ms (median of 3, 4x CPU throttling, cold cache)`);
    assert.ok(result.median_question_ms > 0);
  });
});
