// The offline referral pathway page: one question at a time over the WASM engine.
//
// Nothing leaves the device: no network request beyond the page's own files, no storage
// (no cookies, localStorage or IndexedDB; the service worker caches only the page's own
// files). A session is kept only in memory, or in a file the user chooses to save; the case
// reference is never kept. `?today=YYYY-MM-DD` fixes the evaluation date (for tests and
// training); otherwise the device's date is used.
//
// History: while a walk is open the page keeps one extra history entry (a "guard"), so the
// browser's Back button and the phone's Back gesture go back one question instead of
// leaving; quick exit takes both entries off the tool, so no Back, Forward or reload shows
// it again.
//
// scripts/build-web inlines this file into pathway-offline.html: it replaces the import line
// below with the inlined module, and defines PATHWAY_WASM_BASE64 and PATHWAY_TRAINING.
import init, {
  WalkSession,
  contact,
  evaluate,
  graphSvg,
  listPathways,
  reviewWarnings,
  segments,
} from './pkg/pathway_wasm.js';

const $ = (id) => document.getElementById(id);
const TITLE = 'Modern slavery referral pathway';
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The evaluation date: `?today=` when given and valid, else the device's local date. */
function todayIso() {
  const param = new URLSearchParams(location.search).get('today');
  if (param && /^\d{4}-\d{2}-\d{2}$/.test(param)) return param;
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function pad(n) {
  return String(n).padStart(2, '0');
}

/** "2026-11-22" as "22 November 2026". */
function human(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso));
  return m ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}` : String(iso);
}

function clockTime() {
  const d = new Date();
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

let today = todayIso();
let session = null; // WalkSession
let view = null; // WalkView
let editing = null; // the fact being changed, when changing an earlier answer
let exited = false;
let screen = 'loading'; // start | question | urgent | outcome | training
let shownUrgent = new Set(); // urgent action codes already shown (each once, when first due)
let walkTime = null; // when the walk started, for the case notes
let training = null; // { scenario, expected } while a trainee walks a scenario
let lastFocusTitle = TITLE;

// ------------------------------------------------------------------ quick exit

const NEUTRAL_TITLE = 'Easy vegetable soup';
const NEUTRAL_HTML = `<main><h1>Easy vegetable soup</h1><p>Serves 4. Ready in 40 minutes.</p>
<h2>Ingredients</h2><ul><li>1 onion</li><li>2 carrots</li><li>2 potatoes</li>
<li>1 litre of stock</li><li>Salt and pepper</li></ul><h2>Method</h2><ol>
<li>Chop the vegetables.</li><li>Soften the onion in a little oil for 5 minutes.</li>
<li>Add the rest and the stock, and simmer for 30 minutes.</li><li>Blend, season and serve.</li>
</ol></main>`;

const served = location.protocol === 'http:' || location.protocol === 'https:';

/** The neutral page in place of this document: content, title and styles (set through the
 * CSSOM, which the Content Security Policy allows, so it is styled from a file too). */
function neutralDocument() {
  const body = document.createElement('body');
  body.innerHTML = NEUTRAL_HTML;
  Object.assign(body.style, {
    margin: '0',
    padding: '1rem',
    font: '18px/1.5 system-ui, sans-serif',
    color: '#222',
    background: '#fff',
  });
  const main = body.querySelector('main');
  Object.assign(main.style, { maxWidth: '40rem', margin: '0 auto' });
  document.body.replaceWith(body);
  const title = document.createElement('title');
  title.textContent = NEUTRAL_TITLE;
  const charset = document.createElement('meta');
  charset.setAttribute('charset', 'utf-8');
  const viewport = document.createElement('meta');
  viewport.setAttribute('name', 'viewport');
  viewport.setAttribute('content', 'width=device-width, initial-scale=1');
  // No icon link would make the browser ask the site for /favicon.ico (a request, and a 404).
  const icon = document.createElement('link');
  icon.setAttribute('rel', 'icon');
  icon.setAttribute('href', 'data:,');
  document.head.replaceChildren(charset, viewport, title, icon);
  document.documentElement.removeAttribute('data-ready');
  document.documentElement.removeAttribute('data-screen');
}

/** Replaces the page with neutral content at once, forgets the session, and takes the
 * tool's history entries with it: served, they become the site's neutral page; from a file,
 * `#recipe`, which shows only the recipe (CSS `:target`) and never the tool. */
function quickExit() {
  if (exited) return;
  exited = true;
  try {
    session?.free();
  } catch {
    // Already freed: nothing to forget.
  }
  session = null;
  view = null;
  training = null;
  neutralDocument();
  const exitUrl = served ? new URL('neutral.html', location.href).href : `${location.pathname}#recipe`;
  const rename = () => {
    try {
      history.replaceState(null, '', exitUrl);
    } catch {
      // Some file:// contexts refuse replaceState: the content is replaced regardless.
    }
  };
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    rename();
    // Served: load the neutral page itself, replacing this entry (no history entry added).
    if (served) location.replace('neutral.html');
  };
  if (history.state?.pw === 'walk') {
    // On the guard entry: rename it, then go back to the first entry and rename that too.
    rename();
    window.addEventListener('popstate', finish, { once: true });
    history.back();
    setTimeout(finish, 500);
  } else {
    finish();
  }
}

// A reload, Back or Forward after quick exit from the single file: the recipe only (CSS
// shows only #recipe until boot replaces the document).
if (!served && location.hash === '#recipe') exited = true;

let lastEscape = 0;
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape') return;
  const now = Date.now();
  if (now - lastEscape < 1000) quickExit();
  lastEscape = now;
});
$('quick-exit')?.addEventListener('click', quickExit);

// ------------------------------------------------------------------ history and leaving

/** One extra history entry while a walk is open: Back comes to the page, not away from it. */
function guard() {
  if (history.state?.pw !== 'walk') history.pushState({ pw: 'walk' }, '');
}

/** Leaves the guard entry quietly when the page goes back to its start. */
let ignorePop = false;
function unguard() {
  if (history.state?.pw === 'walk') {
    ignorePop = true;
    history.back();
  }
}

window.addEventListener('popstate', () => {
  if (exited) return;
  if (ignorePop) {
    ignorePop = false;
    return;
  }
  if (history.state?.pw === 'walk') return;
  // The browser's Back: one step back inside the page.
  if (screen === 'start' || screen === 'loading') return;
  stepBack({ fromHistory: true });
  if (screen !== 'start') guard();
});

function hasAnswers() {
  return Boolean(session && view && view.answers.length > 0);
}

window.addEventListener('beforeunload', (e) => {
  if (exited || !hasAnswers()) return;
  // Reloading or leaving would lose the case: the browser asks first.
  e.preventDefault();
  e.returnValue = '';
});

// ------------------------------------------------------------------ helpers

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k in node && typeof v !== 'string') node[k] = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

function show(id, visible) {
  $(id).hidden = !visible;
}

const SCREENS = ['start', 'question', 'urgent', 'outcome', 'answers', 'about', 'tools', 'training'];

function only(...ids) {
  for (const id of SCREENS) show(id, ids.includes(id));
}

function announce(text) {
  const region = $('announcer');
  region.textContent = '';
  // A fresh text node after a tick makes screen readers announce repeated text too.
  setTimeout(() => {
    region.textContent = text;
  }, 50);
}

function setTitle(text) {
  lastFocusTitle = text ? `${text} – ${TITLE}` : TITLE;
  document.title = lastFocusTitle;
}

/** Library messages name facts as `fact_id`: a worker reads "This answer". */
function friendly(message) {
  return String(message).replace(/`[a-z0-9_]+`/g, 'This answer');
}

/** An engine text with every phone number, e-mail and web address as a link (the engine
 * marks them: `segments`); the rest is text, never markup. */
function rich(text) {
  const frag = document.createDocumentFragment();
  if (text === undefined || text === null) return frag;
  for (const s of segments(String(text))) {
    if (!s.href) {
      frag.append(s.text);
      continue;
    }
    const a = el('a', { href: s.href, text: s.text });
    if (/^https?:/.test(s.href)) {
      a.target = '_blank';
      a.rel = 'noreferrer noopener';
    }
    frag.append(a);
  }
  return frag;
}

/** Paragraphs of a text with blank-line breaks, links marked. */
function paragraphs(text) {
  const frag = document.createDocumentFragment();
  for (const p of String(text).split(/\n\s*\n/)) frag.append(el('p', {}, rich(p.trim())));
  return frag;
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name, class: 'visually-hidden' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Moves to the top of a new screen and focuses its heading, clear of the sticky header. */
function focusHeading(id) {
  window.scrollTo(0, 0);
  $(id).focus({ preventScroll: true });
}

function measureBar() {
  const bar = $('bar');
  if (bar) document.documentElement.style.setProperty('--bar-h', `${bar.offsetHeight}px`);
}
window.addEventListener('resize', measureBar);

// ------------------------------------------------------------------ start screen

function renderStart({ focus = true } = {}) {
  editing = null;
  training = null;
  screen = 'start';
  document.documentElement.dataset.screen = 'start';
  only('start');
  $('other-starts').open = false;
  setTitle('');
  const box = $('pathway-options');
  box.replaceChildren();
  const metas = listPathways();
  const entry = metas.find((m) => m.entry) ?? metas[0];
  const ordered = [entry, ...metas.filter((m) => m !== entry)];
  ordered.forEach((meta, i) => {
    const id = `pathway-${i}`;
    const hint =
      meta === entry
        ? 'Recommended. The first questions route to the adult or the child pathway by age.'
        : meta.description ?? '';
    const label = meta === entry ? 'Not sure yet, or either: start with the age check' : meta.title;
    box.append(
      el(
        'div',
        { class: 'option' },
        el('input', {
          type: 'radio',
          name: 'pathway',
          id,
          value: meta.id,
          checked: meta === entry,
          'aria-describedby': hint ? `${id}-hint` : null,
        }),
        el('label', { for: id, text: label }),
        hint ? el('p', { id: `${id}-hint`, class: 'option-hint', text: hint }) : null,
      ),
    );
  });
  if (focus) focusHeading('start-title');
}

function startWalk(pathway, day = todayIso()) {
  try {
    today = day;
    session?.free();
    session = new WalkSession(pathway, today);
    shownUrgent = new Set();
    walkTime = clockTime();
    guard();
    render(session.current());
  } catch (err) {
    fatal(err);
  }
}

$('start-form').addEventListener('submit', (e) => {
  e.preventDefault();
  if (!performance.getEntriesByName('pathway-start').length) performance.mark('pathway-start');
  training = null;
  startWalk(null);
});

$('choose-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const chosen = $('choose-form').querySelector('input[name="pathway"]:checked');
  training = null;
  startWalk(chosen ? chosen.value : null);
});

$('open-file').addEventListener('change', async (e) => {
  const file = e.target.files?.[0];
  $('open-error').textContent = '';
  if (!file) return;
  try {
    const text = await file.text();
    const opened = WalkSession.fromJson(text);
    session?.free();
    session = opened;
    training = null;
    shownUrgent = new Set();
    walkTime = clockTime();
    guard();
    render(session.current());
    announce('Saved session opened.');
  } catch (err) {
    $('open-error').textContent = `This file cannot be opened. ${sessionProblem(err)}`;
  } finally {
    e.target.value = '';
  }
});

/** Why a saved session file cannot be opened, in a worker's words. */
function sessionProblem(err) {
  const message = String(err?.message ?? err);
  if (/recorded|content|version/i.test(message) && err?.type === 'saved_session_error' && !/not a saved session/.test(message)) {
    return `It was saved with a different version of the pathways, so it cannot be replayed: ${friendly(message)}`;
  }
  if (err?.type === 'saved_session_error' || err?.type === 'invalid_input') {
    return 'It is not a session saved by this page, or it has been changed since. Choose the .json file you saved with "Save session to a file".';
  }
  return friendly(message);
}

// ------------------------------------------------------------------ the walk

function render(next) {
  view = next;
  editing = null;
  const state = view.state;
  if (state.status === 'needs_answer') {
    const urgent = (view.due ?? []).filter((a) => a.urgent && !shownUrgent.has(a.code));
    if (urgent.length > 0) {
      for (const a of urgent) shownUrgent.add(a.code);
      renderUrgent(urgent);
    } else {
      renderQuestion(state, null);
    }
  } else if (state.status === 'finished') {
    for (const a of state.actions) if (a.urgent) shownUrgent.add(a.code);
    renderOutcome(state);
  } else {
    fatal(new Error(state.message));
  }
}

/** Shows the common panels around a walk screen. */
function around(main) {
  only(main, 'answers', 'about', 'tools');
  renderAnswers();
  renderAbout();
  show('answers', view.answers.length > 0);
}

/** A title said as urgent, saying "Urgent" once: not before a title that already says it. */
function urgently(title) {
  return /^urgent\b/i.test(title) ? title : `Urgent: ${title}`;
}

/** GOV.UK interruption page: an urgent action due now, before the next question. */
function renderUrgent(actions) {
  screen = 'urgent';
  document.documentElement.dataset.screen = 'urgent';
  around('urgent');
  const first = actions[0];
  $('urgent-title').textContent = first.title;
  const body = $('urgent-body');
  body.replaceChildren();
  actions.forEach((a, i) => {
    const item = el('div', { class: 'urgent-item', 'data-code': a.code });
    if (i > 0) item.append(el('h2', { text: a.title }));
    item.append(paragraphs(a.instructions));
    if (a.detail) item.append(el('p', {}, rich(a.detail)));
    const phone = a.contact?.phone;
    if (phone) {
      item.append(
        el('a', {
          class: 'call',
          href: `tel:${phone.replace(/[^\d+]/g, '')}`,
          text: `Call ${phone}`,
          'aria-label': `Call ${phone}: ${a.contact.name}`,
        }),
      );
    }
    body.append(item);
  });
  setTitle(urgently(first.title));
  focusHeading('urgent-title');
  announce(urgently(actions.map((a) => a.title).join('. ')));
}

$('urgent-continue').addEventListener('click', () => {
  renderQuestion(view.state, null);
});

/** Shows a question: the current one, or (when `previous` is given) an earlier one to change. */
function renderQuestion(q, previous) {
  screen = 'question';
  document.documentElement.dataset.screen = 'question';
  around('question');
  const number = previous ? view.answers.findIndex((a) => a.fact === previous.fact) + 1 : q.answered + 1;
  $('progress').textContent = previous ? `Changing the answer to question ${number}` : `Question ${number}`;
  $('q-text').textContent = q.text;
  $('q-note').hidden = !q.note;
  $('q-note').replaceChildren(rich(q.note ?? ''));
  $('q-help').hidden = !q.help;
  $('q-help').open = false;
  $('q-help-text').replaceChildren(q.help ? paragraphs(q.help) : '');
  $('q-more').hidden = !q.more;
  $('q-more').open = false;
  $('q-more-text').replaceChildren(q.more ? paragraphs(q.more) : '');
  clearError();
  $('cancel-change').hidden = !previous;
  const atFirst = view.answers.length === 0 && !previous;
  $('back').textContent = atFirst ? 'Back to the start' : 'Back';

  const box = $('q-input');
  box.replaceChildren();
  box.className = 'options';
  const current = previous ? previous.value : undefined;
  const kind = q.answer;
  const radio = (value, label, hint, i) => {
    const id = `answer-${i}`;
    return el(
      'div',
      { class: 'option' },
      el('input', {
        type: 'radio',
        name: 'answer',
        id,
        value: String(value),
        checked: current !== undefined && current === value,
        'aria-describedby': hint ? `${id}-hint` : null,
      }),
      el('label', { for: id, text: label }),
      hint ? el('p', { id: `${id}-hint`, class: 'option-hint' }, rich(hint)) : null,
    );
  };
  if (kind.type === 'bool') {
    box.append(radio(true, kind.yes, null, 0), radio(false, kind.no, null, 1));
  } else if (kind.type === 'choice') {
    kind.options.forEach((o, i) => box.append(radio(o.value, o.label, o.help, i)));
  } else if (kind.type === 'integer') {
    box.append(
      el('label', { for: 'answer-input', class: 'input-label', text: 'A whole number' }),
      el('p', { class: 'hint', id: 'answer-input-hint', text: `From ${kind.min} to ${kind.max}` }),
      el('input', {
        type: 'text',
        id: 'answer-input',
        class: 'text-input',
        inputmode: 'numeric',
        spellcheck: 'false',
        value: current !== undefined ? String(current) : null,
        autocomplete: 'off',
        'aria-describedby': 'answer-input-hint',
      }),
    );
  } else {
    // GOV.UK date input: day, month and year in three fields, with an example.
    const [y, m, d] = typeof current === 'string' ? current.split('-') : [];
    const part = (name, label, value, cls) =>
      el(
        'div',
        { class: 'date-part' },
        el('label', { for: `answer-${name}`, class: 'input-label', text: label }),
        el('input', {
          type: 'text',
          id: `answer-${name}`,
          name,
          class: `text-input ${cls}`,
          inputmode: 'numeric',
          spellcheck: 'false',
          autocomplete: 'off',
          value: value ? String(Number(value)) : null,
          'aria-describedby': 'date-hint',
        }),
      );
    box.className = '';
    box.append(
      el('p', { class: 'hint', id: 'date-hint', text: 'For example, 27 3 2007' }),
      el('div', { class: 'date-input' }, part('day', 'Day', d, 'day'), part('month', 'Month', m, 'month'), part('year', 'Year', y, 'year')),
    );
  }
  editing = previous ? previous.fact : null;
  $('answer-form').dataset.fact = q.fact;
  $('answer-form').dataset.kind = kind.type;
  questionTitle = `${$('progress').textContent}: ${q.text}`;
  setTitle(questionTitle);
  focusHeading('q-text');
  announce(`${$('progress').textContent}: ${q.text}`);
  if (!performance.getEntriesByName('pathway-question').length) performance.mark('pathway-question');
}

let questionTitle = '';

function clearError() {
  show('error-summary', false);
  $('error-summary-list').replaceChildren();
  $('q-error').hidden = true;
  $('q-error').replaceChildren();
  $('q-group').classList.remove('form-group-error');
  $('q-fieldset').removeAttribute('aria-describedby');
  for (const input of $('q-input').querySelectorAll('input')) input.removeAttribute('aria-invalid');
  if (questionTitle) setTitle(questionTitle);
}

/** GOV.UK error pattern: summary at the top (focused), the message by the question, the
 * field marked, and "Error: " before the page title. `fields` are the inputs at fault. */
function showError(message, fields) {
  const inputs = fields?.length ? fields : [...$('q-input').querySelectorAll('input')];
  const target = inputs[0]?.id ?? 'q-input';
  const link = el('a', { href: `#${target}`, text: message });
  link.addEventListener('click', (e) => {
    e.preventDefault();
    $(target)?.focus();
  });
  $('error-summary-list').replaceChildren(el('li', {}, link));
  show('error-summary', true);
  const box = $('q-error');
  box.replaceChildren(el('span', { class: 'visually-hidden', text: 'Error: ' }), message);
  box.id = 'q-error';
  box.hidden = false;
  $('q-group').classList.add('form-group-error');
  $('q-fieldset').setAttribute('aria-describedby', 'q-error');
  for (const input of inputs) input.setAttribute('aria-invalid', 'true');
  document.title = `Error: ${questionTitle} – ${TITLE}`;
  window.scrollTo(0, 0);
  $('error-summary').focus({ preventScroll: true });
}

/** The value the form holds, or undefined with an error shown (specific, GOV.UK style). */
function formValue() {
  const kind = $('answer-form').dataset.kind;
  const q = view.state;
  if (kind === 'bool' || kind === 'choice') {
    const chosen = $('q-input').querySelector('input[name="answer"]:checked');
    if (!chosen) {
      const labels = [...$('q-input').querySelectorAll('label')].map((l) => `‘${l.textContent}’`);
      showError(kind === 'bool' ? `Select ${labels.join(' or ')}` : `Select the answer that fits best: ${labels.length} answers are listed`);
      return undefined;
    }
    if (kind === 'bool') return chosen.value === 'true';
    return chosen.value;
  }
  if (kind === 'integer') {
    const raw = $('answer-input').value.trim();
    const kindInfo = (editing ? view.answers.find((a) => a.fact === editing)?.answer : q.answer) ?? {};
    const range = `from ${kindInfo.min} to ${kindInfo.max}`;
    if (raw === '') {
      showError(`Enter a whole number ${range}, for example 17`);
      return undefined;
    }
    if (!/^-?\d+$/.test(raw)) {
      showError(`Enter a whole number ${range} using digits only, for example 17`);
      return undefined;
    }
    const n = Number(raw);
    if (n < kindInfo.min || n > kindInfo.max) {
      showError(`Enter a whole number ${range}: ${raw} is not in that range`);
      return undefined;
    }
    return n;
  }
  return dateValue();
}

function dateValue() {
  const fields = ['day', 'month', 'year'].map((n) => $(`answer-${n}`));
  const [d, m, y] = fields.map((f) => f.value.trim());
  const missing = fields.filter((f) => f.value.trim() === '');
  if (missing.length === 3) {
    showError('Enter the date: the day, month and year, for example 27 3 2007', fields);
    return undefined;
  }
  if (missing.length > 0) {
    const names = missing.map((f) => f.name);
    showError(`The date must include a ${names.join(' and a ')}`, missing);
    return undefined;
  }
  const notNumber = fields.filter((f) => !/^\d+$/.test(f.value.trim()));
  if (notNumber.length > 0) {
    showError('The date must be in numbers only, for example 27 3 2007', notNumber);
    return undefined;
  }
  if (y.length !== 4) {
    showError('The year must include 4 numbers, for example 2007', [fields[2]]);
    return undefined;
  }
  const day = Number(d);
  const month = Number(m);
  const year = Number(y);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || day < 1 || date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) {
    showError('The date must be a real date, for example 27 3 2007', month < 1 || month > 12 ? [fields[1]] : [fields[0]]);
    return undefined;
  }
  const iso = `${y}-${pad(month)}-${pad(day)}`;
  if (iso > today) {
    showError(`The date must be today or in the past (today is ${human(today)})`, fields);
    return undefined;
  }
  return iso;
}

$('answer-form').addEventListener('submit', (e) => {
  e.preventDefault();
  clearError();
  const value = formValue();
  if (value === undefined) return;
  const fact = $('answer-form').dataset.fact;
  try {
    render(editing ? session.edit(fact, value) : session.answer(fact, value));
  } catch (err) {
    if (err && (err.type === 'fact_error' || err.type === 'session_error')) showError(friendly(err.message));
    else fatal(err);
  }
});

/** One step back: from a change, the question in hand; else the last answer; from the
 * first question, the start (or the training list). */
function stepBack({ fromHistory = false } = {}) {
  if (!session || !view) {
    if (screen === 'training' && training === null) renderStart();
    else if (screen === 'training') renderTrainingList();
    else renderStart();
    return;
  }
  if (editing || screen === 'urgent') {
    if (screen === 'urgent') {
      render(session.back());
      return;
    }
    render(session.current());
    return;
  }
  if (view.answers.length === 0) {
    session.free();
    session = null;
    view = null;
    if (training) {
      // Back to the scenario's story: still inside the page, so the guard entry stays.
      renderTrainingScenario(training.scenario);
    } else {
      renderStart();
      if (!fromHistory) unguard();
    }
    return;
  }
  render(session.back());
}

$('back').addEventListener('click', () => stepBack());
$('back-link').addEventListener('click', () => stepBack());
$('cancel-change').addEventListener('click', () => render(session.current()));
$('outcome-back').addEventListener('click', () => stepBack());
$('outcome-back-link').addEventListener('click', () => stepBack());

function renderOutcome(o) {
  screen = 'outcome';
  document.documentElement.dataset.screen = 'outcome';
  around('outcome');
  // A trainee's walk is not a case: no monitoring record.
  $('monitoring-record').hidden = Boolean(training);
  $('monitoring-status').textContent = '';
  if (training) {
    renderDebrief(o);
    return;
  }
  $('o-title').textContent = view.headline ?? o.title;
  $('o-summary').replaceChildren(paragraphs(o.summary));
  const list = $('o-actions');
  list.replaceChildren();
  const seenContacts = new Set();
  for (const a of o.actions) list.append(actionItem(a, seenContacts));
  $('o-next').hidden = o.next_steps.length === 0;
  $('o-next-list').replaceChildren(...o.next_steps.map((s) => el('li', {}, rich(s))));
  $('copy-status').textContent = '';
  setTitle(`Outcome: ${view.headline ?? o.title}`);
  focusHeading('o-title');
  announce(`Outcome: ${view.headline ?? o.title}. ${o.actions.length} actions.`);
}

function actionItem(a, seenContacts) {
  const item = el('li', { class: a.urgent ? 'action urgent' : 'action', 'data-code': a.code });
  // "Urgent" once: not as a tag before a title that already says it.
  const tag = a.urgent && !/^urgent\b/i.test(a.title) ? el('span', { class: 'tag', text: 'Urgent' }) : null;
  item.append(el('h3', {}, tag, tag ? ' ' : null, a.title));
  item.append(paragraphs(a.instructions));
  if (a.detail) item.append(el('p', { class: 'detail' }, rich(a.detail)));
  if (a.contact) {
    if (seenContacts.has(a.contact.id)) {
      item.append(el('p', { class: 'contact-again' }, 'Contact: ', a.contact.name, a.contact.phone ? ', ' : '', a.contact.phone ? phoneLink(a.contact.phone) : '', ' (details above)'));
    } else {
      seenContacts.add(a.contact.id);
      item.append(contactBlock(a.contact));
    }
  }
  if (a.form) {
    const name = a.form.url ? webLink(a.form.url, a.form.name) : rich(a.form.name);
    item.append(el('p', { class: 'form' }, el('strong', { text: 'Form: ' }), name));
  }
  // Each action's own reason (the route's reasons are under "About this advice").
  if (a.reason) item.append(el('p', { class: 'reason' }, el('strong', { text: 'Why: ' }), rich(a.reason)));
  return item;
}

/** A web address from the content as a link only when it is http(s): never `javascript:`. */
function webLink(url, text = url) {
  if (!/^https?:\/\//i.test(String(url))) return document.createTextNode(text);
  return el('a', { href: url, target: '_blank', rel: 'noreferrer noopener', text });
}

function phoneLink(phone) {
  return el('a', { href: `tel:${phone.replace(/[^\d+]/g, '')}`, class: 'tel', text: phone });
}

function contactBlock(c) {
  const box = el('div', { class: 'contact' });
  box.append(el('p', {}, el('strong', { text: c.name })));
  if (c.phone) box.append(el('p', {}, 'Phone: ', phoneLink(c.phone), c.hours ? ` (${c.hours})` : ''));
  if (c.email) box.append(el('p', {}, 'Email: ', /^[^\s:/]+@[^\s:/]+$/.test(c.email) ? el('a', { href: `mailto:${c.email}`, text: c.email }) : c.email));
  if (c.web) box.append(el('p', {}, 'Web: ', webLink(c.web)));
  if (c.notes) box.append(el('p', {}, rich(c.notes)));
  if (!c.verified) box.append(el('p', { class: 'unverified', text: 'Details not confirmed: check locally.' }));
  // Where the details come from, when the directory gives it.
  if (c.url) box.append(el('p', { class: 'hint' }, 'Source: ', webLink(c.url)));
  return box;
}

function renderAnswers() {
  const list = $('answers-list');
  list.replaceChildren();
  view.answers.forEach((a, i) => {
    const change = el('button', {
      type: 'button',
      class: 'link-button controls',
      text: 'Change',
      'aria-label': `Change your answer to question ${i + 1}: ${a.question}`,
    });
    change.addEventListener('click', () => {
      renderQuestion({ fact: a.fact, text: a.question, help: a.help, answer: a.answer }, a);
    });
    list.append(
      el('div', { class: 'answer-row', 'data-fact': a.fact }, el('dt', { text: `${i + 1}. ${a.question}` }), el('dd', {}, el('span', { class: 'answer-value', text: a.label }), ' ', change)),
    );
  });
}

/** "About this advice": what the advice rests on, the route's reasons, the action codes and
 * the flowchart: for whoever checks the advice, folded away from the worker. */
function renderAbout() {
  const box = $('about-text');
  box.replaceChildren();
  const pathway = view.state.pathway ?? view.pathway;
  const meta = listPathways().find((m) => m.id === pathway);
  if (meta) {
    box.append(
      el('p', { id: 'o-meta' }, `${meta.title}, version ${meta.version}, reviewed ${human(meta.reviewed)}. Ages were worked out on ${human(view.today)}.`),
    );
    if (meta.guidance) box.append(el('p', {}, `It follows ${meta.guidance}.`));
  }
  const reasons = [...new Set(view.trail.map((v) => v.reason).filter(Boolean))];
  if (reasons.length) {
    box.append(el('h2', { text: 'How the pathway decided' }), el('ul', {}, ...reasons.map((r) => el('li', {}, rich(r)))));
  }
  const actions = view.state.status === 'finished' ? view.state.actions : view.due ?? [];
  if (actions.length) box.append(el('p', { id: 'o-codes' }, `Action codes: ${actions.map((a) => a.code).join(', ')}.`));
  const cites = [...new Set(actions.flatMap((a) => a.cites))];
  if (cites.length) box.append(el('p', {}, `Sources: ${cites.join('; ')}.`));
  if ($('about-details').open) drawFlowchart();
  else $('flowchart-image').replaceChildren();
}

/** One flowchart per pathway the walk went through (the entry hands over to adult or child). */
function drawFlowchart() {
  if (!session || !view) return;
  $('flowchart-image').replaceChildren(...flowcharts(view.pathway, view.trail, 'the steps taken so far'));
}

function flowcharts(start, trail, what) {
  const pathways = [...new Set([start, ...trail.map((v) => v.pathway)])];
  const titles = new Map(listPathways().map((m) => [m.id, m.title]));
  return pathways.map((id) =>
    el('img', {
      src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(graphSvg(id, trail))}`,
      alt: `Flowchart of ${titles.get(id) ?? id}, with ${what} highlighted.`,
    }),
  );
}

$('about-details').addEventListener('toggle', () => {
  if ($('about-details').open) drawFlowchart();
});

// ------------------------------------------------------------------ case notes, print, save

function notes() {
  const reference = $('case-reference').value.trim();
  return session.caseNotes(reference || null, walkTime);
}

$('copy-summary').addEventListener('click', async () => {
  const text = notes();
  let copied = false;
  try {
    await navigator.clipboard.writeText(text);
    copied = true;
  } catch {
    // No clipboard permission (or an old browser): copy through a selected text area.
    const area = el('textarea', { class: 'visually-hidden', 'aria-hidden': 'true' });
    area.value = text;
    document.body.append(area);
    area.select();
    copied = document.execCommand('copy');
    area.remove();
  }
  $('copy-status').textContent = copied
    ? 'Summary copied. Paste it into your case notes.'
    : 'The summary could not be copied: use "Download summary" instead.';
});

$('download-summary').addEventListener('click', () => {
  download(`case-notes-${today}.txt`, notes(), 'text/plain;charset=utf-8');
  $('copy-status').textContent = 'Summary downloaded as a text file.';
});

/**
 * The anonymised monitoring record of the finished walk (`pathway-monitoring/v1`, README
 * "Monitoring records"), built here from the answers the walk read exactly as the library's
 * `monitoring_record` builds it for `pathway walk --monitoring` and `decide --monitoring`:
 * the month, the district chosen beside the button, organisation, age group, doubt about the
 * age, exploitation type, consent and the outcome codes. Never a name, date or free text.
 */
function monitoringRecord(v, district) {
  const read = new Map();
  for (const step of v.trail) if (step.answer) read.set(step.answer.fact, step.answer.value);
  const text = (fact) => (typeof read.get(fact) === 'string' ? read.get(fact) : null);
  let age = null;
  if (text('age_basis') === 'date_of_birth' && text('date_of_birth')) {
    const [by, bm, bd] = text('date_of_birth').split('-').map(Number);
    const [y, m, d] = v.today.split('-').map(Number);
    // A birthday is reached on its day (29 February on 1 March in a common year).
    age = y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
  } else if (text('age_basis') === 'stated_age' && Number.isInteger(read.get('age'))) {
    age = read.get('age');
  }
  const consent = text('consent_to_nrm');
  return {
    format: 'pathway-monitoring/v1',
    month: v.today.slice(0, 7),
    district,
    organisation: text('reporter_organisation') ?? 'not_known',
    age_group: age === null ? 'unknown' : age < 17 ? 'under_17' : age === 17 ? '17' : age <= 24 ? '18_to_24' : '25_and_over',
    age_doubted: read.get('may_be_under_18') === true,
    exploitation_type: text('exploitation_type') ?? 'not_known',
    consent: ['given', 'declined', 'not_yet'].includes(consent) ? consent : 'not_asked',
    codes: v.state.actions.map((a) => a.code),
  };
}

$('download-monitoring').addEventListener('click', () => {
  if (view?.state?.status !== 'finished') return;
  const record = monitoringRecord(view, $('district').value);
  download(`monitoring-${record.month}.json`, `${JSON.stringify(record)}\n`, 'application/json');
  $('monitoring-status').textContent = 'Monitoring record downloaded. It holds no name, date of birth or notes.';
});

$('print').addEventListener('click', () => {
  preparePrint();
  window.print();
});

function preparePrint() {
  $('print-when').textContent = `Date: ${human(today)}${walkTime ? `, ${walkTime}` : ''}`;
  const reference = $('case-reference').value.trim();
  $('print-reference').textContent = reference ? `Case reference: ${reference}` : 'Case reference: ____________________';
}
window.addEventListener('beforeprint', preparePrint);

$('save').addEventListener('click', () => {
  download(`session-${today}.json`, session.toJson(), 'application/json');
  announce('Session saved to a file.');
});

$('restart').addEventListener('click', () => {
  if (!hasAnswers()) {
    restart();
    return;
  }
  const dialog = $('confirm');
  dialog.showModal();
  $('confirm-no').focus();
});

$('confirm-yes').addEventListener('click', () => {
  $('confirm').close();
  restart();
});
$('confirm-no').addEventListener('click', () => $('confirm').close());

function restart() {
  session?.free();
  session = null;
  view = null;
  $('case-reference').value = '';
  unguard();
  renderStart();
}

// ------------------------------------------------------------------ training

let trainingBundle = null;

/** The bundled scenarios and their coverage: inlined in the single file, else fetched from
 * this site on first use (kept out of the first load). */
async function loadTraining() {
  if (trainingBundle) return trainingBundle;
  // eslint-disable-next-line no-undef
  if (typeof PATHWAY_TRAINING === 'object') trainingBundle = PATHWAY_TRAINING;
  else trainingBundle = await (await fetch('training.json')).json();
  return trainingBundle;
}

$('open-training').addEventListener('click', async () => {
  guard();
  await renderTrainingList();
});

async function renderTrainingList() {
  screen = 'training';
  training = null;
  document.documentElement.dataset.screen = 'training';
  only('training');
  setTitle('Training scenarios');
  const body = $('training-body');
  body.replaceChildren(el('p', { text: 'Loading the scenarios…' }));
  let bundle;
  try {
    bundle = await loadTraining();
  } catch (err) {
    body.replaceChildren(el('p', { class: 'error-message', text: `The scenarios cannot be loaded: ${err?.message ?? err}` }));
    return;
  }
  const list = el('ul', { class: 'scenario-list', id: 'scenario-list' });
  for (const s of bundle.scenarios) {
    const button = el('button', { type: 'button', class: 'secondary', text: 'Practise this case', 'aria-label': `Practise this case: ${s.scenario.title}` });
    button.addEventListener('click', () => renderTrainingScenario(s.scenario));
    list.append(el('li', { 'data-file': s.file }, el('h3', { text: s.scenario.title }), el('p', { class: 'hint', text: (s.scenario.tags ?? []).join(', ') }), button));
  }
  const file = el('input', { type: 'file', id: 'scenario-file', class: 'file-input', accept: '.json,application/json' });
  const fileError = el('p', { class: 'error-message', id: 'scenario-error', role: 'alert' });
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    fileError.textContent = '';
    if (!f) return;
    try {
      renderTrainingScenario(parseScenario(await f.text()));
    } catch (err) {
      fileError.textContent = `This file cannot be used: ${err.message}`;
    }
  });
  const facilitator = el('details', { class: 'help', id: 'facilitator' }, el('summary', { text: 'Facilitator view: what each scenario covers' }), facilitatorTable(bundle));
  const back = el('button', { type: 'button', class: 'secondary', text: 'Back to the start' });
  back.addEventListener('click', () => {
    unguard();
    renderStart();
  });
  body.replaceChildren(
    el('p', { class: 'lead', text: 'Choose a case study. Answer each question as you would at work; the debrief then compares each answer with the expected route.' }),
    list,
    el('h2', { text: 'Open a scenario file' }),
    el('label', { class: 'file-label', for: 'scenario-file', text: 'A scenario file (scenario/v1 JSON)' }),
    file,
    fileError,
    facilitator,
    el('div', { class: 'buttons' }, back),
  );
  focusHeading('training-title');
}

/** A scenario file: checked for what the page needs (the CLI checks the rest). */
function parseScenario(text) {
  let s;
  try {
    s = JSON.parse(text);
  } catch {
    throw new Error('it is not JSON.');
  }
  if (s?.format !== 'scenario/v1') throw new Error('it is not a scenario file ("format": "scenario/v1").');
  for (const key of ['title', 'today', 'story', 'facts', 'expect', 'debrief']) {
    if (!(key in s)) throw new Error(`it has no "${key}".`);
  }
  return s;
}

function facilitatorTable(bundle) {
  const total = bundle.coverage;
  const rows = bundle.scenarios.map((s) =>
    el(
      'tr',
      {},
      el('td', { text: s.scenario.title }),
      el('td', { text: `${s.steps} of ${total.steps_total}` }),
      el('td', { text: `${s.edges} of ${total.edges_total}` }),
      el('td', { text: String(s.unique_edges) }),
      el('td', { text: s.scenario.expect.codes.join(', ') }),
    ),
  );
  return el(
    'div',
    {},
    el('p', { text: `Together the ${bundle.scenarios.length} scenarios visit ${total.steps_visited} of ${total.steps_total} steps and take ${total.edges_taken} of ${total.edges_total} routes of the pathways.` }),
    el(
      'div',
      { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Scenario coverage (scrolls)' },
      el(
        'table',
        { id: 'coverage-table' },
        el('caption', { class: 'visually-hidden', text: 'What each scenario covers' }),
        el('thead', {}, el('tr', {}, ...['Scenario', 'Steps', 'Routes', 'Routes only it takes', 'Expected actions'].map((h) => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, ...rows),
      ),
    ),
  );
}

function renderTrainingScenario(scenario) {
  screen = 'training';
  training = { scenario };
  document.documentElement.dataset.screen = 'training';
  only('training');
  setTitle(`Training: ${scenario.title}`);
  const start = el('button', { type: 'button', class: 'primary', id: 'training-start', text: 'Start the scenario' });
  start.addEventListener('click', () => {
    training = { scenario };
    startWalk(scenario.pathway ?? null, scenario.today);
  });
  const back = el('button', { type: 'button', class: 'secondary', text: 'Back to the scenarios' });
  back.addEventListener('click', () => renderTrainingList());
  $('training-body').replaceChildren(
    el('h2', { text: scenario.title }),
    el('div', { class: 'story' }, paragraphs(scenario.story)),
    el('p', { text: `The date in this case is ${human(scenario.today)}. Answer as the worker in the story would.` }),
    el('div', { class: 'buttons' }, start, back),
  );
  focusHeading('training-title');
}

/** The debrief: each answer against the expected route, the actions, and both walks. */
function renderDebrief(o) {
  const scenario = training.scenario;
  let expected;
  try {
    expected = evaluate(scenario.pathway ?? null, scenario.facts, scenario.today, true);
  } catch (err) {
    fatal(err);
    return;
  }
  const expectedAnswers = new Map(expected.trail.filter((v) => v.answer).map((v) => [v.answer.fact, v.answer.value]));
  const rows = view.answers.map((a) => {
    const want = expectedAnswers.get(a.fact);
    const same = want !== undefined && JSON.stringify(want) === JSON.stringify(a.value);
    const wantText = want === undefined ? 'Not asked on the expected route' : labelOf(a.answer, want);
    return el(
      'tr',
      { class: same ? 'row-match' : 'row-mismatch' },
      el('td', { text: a.question }),
      el('td', { text: a.label }),
      el('td', { text: wantText }),
      el('td', { class: same ? 'match' : 'mismatch', text: same ? 'Same' : 'Different' }),
    );
  });
  const got = o.actions.map((a) => a.code);
  const want = scenario.expect.codes;
  const titles = new Map(o.actions.map((a) => [a.code, a.title]));
  for (const a of expected.outcome?.actions ?? []) titles.set(a.code, a.title);
  const missed = want.filter((c) => !got.includes(c));
  const extra = got.filter((c) => !want.includes(c));
  const right = missed.length === 0 && extra.length === 0 && got.join() === want.join();
  $('o-title').textContent = right ? 'Debrief: you reached the expected outcome' : 'Debrief: your route differs from the expected one';
  const summary = el('div', {});
  summary.append(el('p', { text: scenario.title }));
  if (missed.length) summary.append(el('p', { class: 'mismatch' }, `Missed: ${missed.map((c) => titles.get(c) ?? c).join('; ')}.`));
  if (extra.length) summary.append(el('p', { class: 'mismatch' }, `Not expected: ${extra.map((c) => titles.get(c) ?? c).join('; ')}.`));
  summary.append(
    el('h2', { text: 'Your answers and the expected route' }),
    el(
      'div',
      { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Answers compared (scrolls)' },
      el(
        'table',
        { id: 'debrief-table' },
        el('caption', { class: 'visually-hidden', text: 'Your answers compared with the expected route' }),
        el('thead', {}, el('tr', {}, ...['Question', 'Your answer', 'Expected', ''].map((h) => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, ...rows),
      ),
    ),
    el('h2', { text: 'Why' }),
    paragraphs(scenario.debrief),
    el('h2', { text: 'Both walks on the flowchart' }),
    el('p', { class: 'walk-legend', text: 'Your walk' }),
    el('div', { class: 'flowchart-image', id: 'debrief-yours', tabindex: '0', role: 'region', 'aria-label': 'Your walk (scrolls)' }, ...flowcharts(view.pathway, view.trail, 'your walk')),
    el('p', { class: 'walk-legend', text: 'The expected walk' }),
    el('div', { class: 'flowchart-image', id: 'debrief-expected', tabindex: '0', role: 'region', 'aria-label': 'The expected walk (scrolls)' }, ...flowcharts(expected.pathway ?? view.pathway, expected.trail, 'the expected walk')),
  );
  $('o-summary').replaceChildren(summary);
  const list = $('o-actions');
  list.replaceChildren();
  const seen = new Set();
  for (const a of o.actions) list.append(actionItem(a, seen));
  $('o-next').hidden = true;
  setTitle(`Debrief: ${scenario.title}`);
  focusHeading('o-title');
}

function labelOf(kind, value) {
  if (kind.type === 'bool') return value ? kind.yes : kind.no;
  if (kind.type === 'choice') return kind.options.find((o) => o.value === value)?.label ?? String(value);
  if (kind.type === 'date') return human(value);
  return String(value);
}

// ------------------------------------------------------------------ boot

function fatal(err) {
  const box = $('fatal');
  const helpline = safeHelpline();
  box.replaceChildren(
    `Something went wrong: ${err?.message ?? err}. `,
    helpline ? el('span', {}, `Call the ${helpline.name} on `, phoneLink(helpline.phone), ' for advice.') : 'Call the Modern Slavery Helpline for advice.',
  );
  box.hidden = false;
}

function safeHelpline() {
  try {
    return contact('ms_helpline');
  } catch {
    return undefined;
  }
}

/** The Helpline in the header, from the contacts directory (never typed in here). */
function showHelpline() {
  const h = safeHelpline();
  if (!h?.phone) return;
  const link = $('helpline-phone');
  link.href = `tel:${h.phone.replace(/[^\d+]/g, '')}`;
  link.textContent = h.phone;
  link.setAttribute('aria-label', `${h.name}: ${h.phone}${h.hours ? `, ${h.hours}` : ''}`);
  $('helpline-hours').textContent = h.hours ?? '';
  show('helpline', true);
  measureBar();
}

function showReviewWarnings() {
  const warnings = reviewWarnings(today);
  if (warnings.length === 0) return;
  const dates = (text) => text.replace(/\b\d{4}-\d{2}-\d{2}\b/g, human);
  $('review-warning-list').replaceChildren(...warnings.map((w) => el('li', {}, rich(dates(`${w.message}: ${w.hint ?? ''}`)))));
  $('review-warning').hidden = false;
}

function base64Bytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function boot() {
  if (exited) {
    neutralDocument();
    return;
  }
  try {
    // eslint-disable-next-line no-undef
    if (typeof PATHWAY_WASM_BASE64 === 'string') await init({ module_or_path: base64Bytes(PATHWAY_WASM_BASE64) });
    else await init();
    performance.mark('pathway-init');
    if (exited) return;
    show('loading', false);
    showHelpline();
    showReviewWarnings();
    // A reload lands on the first entry: the guard of an earlier visit is left behind.
    if (history.state?.pw === 'walk') history.replaceState({ pw: 'base' }, '');
    else history.replaceState({ pw: 'base' }, '');
    renderStart({ focus: false });
    measureBar();
    performance.mark('pathway-ready');
    document.documentElement.dataset.ready = 'true';
    if (served && 'serviceWorker' in navigator) {
      // Installable and offline: the worker caches this site's own files, nothing else.
      navigator.serviceWorker.register('sw.js').catch(() => {});
    }
  } catch (err) {
    show('loading', false);
    fatal(err);
  }
}

boot();
