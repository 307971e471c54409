// The offline referral pathway page: one question at a time over the WASM engine.
//
// Nothing leaves the device: no network request beyond the page's own files, no storage
// (no cookies, localStorage or IndexedDB). A session is kept only in memory, or in a file the
// user chooses to save. `?today=YYYY-MM-DD` fixes the evaluation date (for tests and
// training); otherwise the device's date is used.
//
// scripts/build-web inlines this file into pathway-offline.html: it replaces the import line
// below with the inlined module, and defines PATHWAY_WASM_BASE64.
import init, {
  WalkSession,
  graphSvg,
  listPathways,
  reviewWarnings,
} from './pkg/pathway_wasm.js';

const $ = (id) => document.getElementById(id);

/** The evaluation date: `?today=` when given and valid, else the device's local date. */
function todayIso() {
  const param = new URLSearchParams(location.search).get('today');
  if (param && /^\d{4}-\d{2}-\d{2}$/.test(param)) return param;
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const today = todayIso();
let session = null; // WalkSession
let view = null; // WalkView
let editing = null; // the fact being changed, when changing an earlier answer
let exited = false;

// ------------------------------------------------------------------ quick exit

const NEUTRAL_TITLE = 'Easy vegetable soup';
const NEUTRAL_HTML = `<main><h1>Easy vegetable soup</h1><p>Serves 4. Ready in 40 minutes.</p>
<h2>Ingredients</h2><ul><li>1 onion</li><li>2 carrots</li><li>2 potatoes</li>
<li>1 litre of stock</li><li>Salt and pepper</li></ul><h2>Method</h2><ol>
<li>Chop the vegetables.</li><li>Soften the onion in a little oil for 5 minutes.</li>
<li>Add the rest and the stock, and simmer for 30 minutes.</li><li>Blend, season and serve.</li>
</ol></main>`;

/** Replaces the page with neutral content at once and forgets the session. */
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
  // In place first: instant, and works from file:// with no server.
  const body = document.createElement('body');
  body.className = 'neutral';
  body.innerHTML = NEUTRAL_HTML;
  document.body.replaceWith(body);
  // The head too: the page's scripts and styles leave the document (the CSP stays in force).
  const title = document.createElement('title');
  title.textContent = NEUTRAL_TITLE;
  const charset = document.createElement('meta');
  charset.setAttribute('charset', 'utf-8');
  document.head.replaceChildren(charset, title);
  try {
    // Drop the query and fragment from the address bar.
    history.replaceState(null, '', location.pathname);
  } catch {
    // Some file:// contexts refuse replaceState: the content is replaced regardless.
  }
  // Served over http(s): also load the neutral page itself (a local file of this site), so a
  // reload or a look at the history shows it too. `replace` leaves no history entry.
  if (location.protocol === 'http:' || location.protocol === 'https:') {
    location.replace('neutral.html');
  }
}

let lastEscape = 0;
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape') return;
  const now = Date.now();
  if (now - lastEscape < 1000) quickExit();
  lastEscape = now;
});
$('quick-exit').addEventListener('click', quickExit);

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
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function show(id, visible) {
  $(id).hidden = !visible;
}

function announce(text) {
  const region = $('announcer');
  region.textContent = '';
  // A fresh text node after a tick makes screen readers announce repeated text too.
  setTimeout(() => {
    region.textContent = text;
  }, 50);
}

/** Library messages name facts as `fact_id`: a worker reads "This answer". */
function friendly(message) {
  return String(message).replace(/`[a-z0-9_]+`/g, 'This answer');
}

/** Paragraphs of a text with blank-line breaks. */
function paragraphs(text) {
  const frag = document.createDocumentFragment();
  for (const p of String(text).split(/\n\s*\n/)) frag.append(el('p', { text: p.trim() }));
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

// ------------------------------------------------------------------ start screen

function renderStart({ focus = true } = {}) {
  editing = null;
  for (const id of ['question', 'outcome', 'answers', 'flowchart', 'tools']) show(id, false);
  show('start', true);
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
  if (focus) $('start-title').focus();
}

$('start-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const chosen = $('start-form').querySelector('input[name="pathway"]:checked');
  try {
    session?.free();
    session = new WalkSession(chosen ? chosen.value : null, today);
    render(session.current());
  } catch (err) {
    fatal(err);
  }
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
    render(session.current());
    announce('Saved session opened.');
  } catch (err) {
    $('open-error').textContent = `This file cannot be opened: ${friendly(err.message ?? err)}`;
  } finally {
    e.target.value = '';
  }
});

// ------------------------------------------------------------------ the walk

function render(next) {
  view = next;
  editing = null;
  show('start', false);
  const state = view.state;
  if (state.status === 'needs_answer') {
    renderQuestion(state, null);
  } else if (state.status === 'finished') {
    renderOutcome(state);
  } else {
    fatal(new Error(state.message));
  }
  renderAnswers();
  renderFlowchart();
  show('tools', true);
}

/** Shows a question: the current one, or (when `previous` is given) an earlier one to change. */
function renderQuestion(q, previous) {
  show('outcome', false);
  show('question', true);
  const number = previous ? view.answers.findIndex((a) => a.fact === previous.fact) + 1 : q.answered + 1;
  $('progress').textContent = previous ? `Changing the answer to question ${number}` : `Question ${number}`;
  $('q-text').textContent = q.text;
  $('q-note').hidden = !q.note;
  $('q-note').textContent = q.note ?? '';
  $('q-help').hidden = !q.help;
  $('q-help').open = false;
  $('q-help-text').replaceChildren(q.help ? paragraphs(q.help) : '');
  clearError();
  $('cancel-change').hidden = !previous;
  $('back').textContent = view.answers.length === 0 && !previous ? 'Back to the start' : 'Back';

  const box = $('q-input');
  box.replaceChildren();
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
      hint ? el('p', { id: `${id}-hint`, class: 'option-hint', text: hint }) : null,
    );
  };
  if (kind.type === 'bool') {
    box.append(radio(true, kind.yes, null, 0), radio(false, kind.no, null, 1));
  } else if (kind.type === 'choice') {
    kind.options.forEach((o, i) => box.append(radio(o.value, o.label, o.help, i)));
  } else if (kind.type === 'integer') {
    box.append(
      el('label', { for: 'answer-input', class: 'input-label', text: `A whole number from ${kind.min} to ${kind.max}` }),
      el('input', {
        type: 'number',
        id: 'answer-input',
        class: 'text-input',
        inputmode: 'numeric',
        min: String(kind.min),
        max: String(kind.max),
        step: '1',
        value: current !== undefined ? String(current) : null,
        autocomplete: 'off',
      }),
    );
  } else {
    box.append(
      el('label', { for: 'answer-input', class: 'input-label', text: 'Date (day, month and year)' }),
      el('input', {
        type: 'date',
        id: 'answer-input',
        class: 'text-input',
        max: today,
        value: current ?? null,
        autocomplete: 'off',
      }),
    );
  }
  editing = previous ? previous.fact : null;
  $('answer-form').dataset.fact = q.fact;
  $('answer-form').dataset.kind = kind.type;
  $('q-text').focus();
  announce(`${$('progress').textContent}: ${q.text}`);
}

function clearError() {
  $('q-error').hidden = true;
  $('q-error').textContent = '';
  $('q-fieldset').removeAttribute('aria-describedby');
  for (const input of $('q-input').querySelectorAll('input')) input.removeAttribute('aria-invalid');
}

function showError(message) {
  const box = $('q-error');
  box.textContent = message;
  box.hidden = false;
  $('q-fieldset').setAttribute('aria-describedby', 'q-error');
  const inputs = $('q-input').querySelectorAll('input');
  for (const input of inputs) input.setAttribute('aria-invalid', 'true');
  inputs[0]?.focus();
  announce(`Error: ${message}`);
}

/** The value the form holds, or undefined with an error shown. */
function formValue() {
  const kind = $('answer-form').dataset.kind;
  if (kind === 'bool' || kind === 'choice') {
    const chosen = $('q-input').querySelector('input[name="answer"]:checked');
    if (!chosen) {
      showError('Choose an answer.');
      return undefined;
    }
    if (kind === 'bool') return chosen.value === 'true';
    return chosen.value;
  }
  const raw = $('answer-input').value.trim();
  if (raw === '') {
    showError(kind === 'date' ? 'Enter a date, or go back and choose another way to give the age.' : 'Enter a whole number.');
    return undefined;
  }
  if (kind === 'integer') {
    if (!/^-?\d+$/.test(raw)) {
      showError('Enter a whole number, such as 17.');
      return undefined;
    }
    return Number(raw);
  }
  return raw;
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

function goBack() {
  if (!session) return;
  if (view.answers.length === 0) {
    session.free();
    session = null;
    renderStart();
    return;
  }
  render(session.back());
}

$('back').addEventListener('click', () => {
  if (editing) render(session.current());
  else goBack();
});
$('cancel-change').addEventListener('click', () => render(session.current()));
$('outcome-back').addEventListener('click', goBack);

function renderOutcome(o) {
  show('question', false);
  show('outcome', true);
  $('o-title').textContent = o.title;
  $('o-summary').textContent = o.summary;
  const list = $('o-actions');
  list.replaceChildren();
  for (const a of o.actions) {
    const item = el('li', { class: a.urgent ? 'action urgent' : 'action', 'data-code': a.code });
    item.append(el('h3', {}, a.urgent ? el('span', { class: 'tag', text: 'Urgent' }) : null, a.urgent ? ' ' : null, a.title));
    item.append(el('p', { text: a.instructions }));
    if (a.detail) item.append(el('p', { class: 'detail', text: a.detail }));
    if (a.contact) item.append(contactBlock(a.contact));
    if (a.form) {
      item.append(el('p', { class: 'form' }, el('strong', { text: 'Form: ' }), a.form.name, a.form.url ? ` (${a.form.url})` : ''));
    }
    if (a.reason) item.append(el('p', { class: 'reason' }, el('strong', { text: 'Why: ' }), a.reason));
    list.append(item);
  }
  $('o-next').hidden = o.next_steps.length === 0;
  $('o-next-list').replaceChildren(...o.next_steps.map((s) => el('li', { text: s })));
  // What the advice rests on: the pathway's version and review date, and the guidance it follows.
  const meta = listPathways().find((m) => m.id === o.pathway);
  const rests = meta
    ? ` (${meta.title}, version ${meta.version}, reviewed ${meta.reviewed}${meta.guidance ? `; it follows ${meta.guidance}` : ''})`
    : '';
  $('o-meta').textContent = `Pathway ${o.pathway}${rests}, evaluated on ${view.today}. Action codes: ${o.actions.map((a) => a.code).join(', ')}.`;
  $('o-title').focus();
  announce(`Outcome: ${o.title}. ${o.actions.length} actions.`);
}

function contactBlock(c) {
  const box = el('div', { class: 'contact' });
  box.append(el('p', {}, el('strong', { text: c.name })));
  if (c.phone) {
    box.append(el('p', {}, 'Phone: ', el('a', { href: `tel:${c.phone.replace(/[^\d+]/g, '')}`, class: 'tel', text: c.phone }), c.hours ? ` (${c.hours})` : ''));
  }
  if (c.email) box.append(el('p', { text: `Email: ${c.email}` }));
  if (c.web) box.append(el('p', { text: `Web: ${c.web}` }));
  if (c.notes) box.append(el('p', { text: c.notes }));
  if (!c.verified) box.append(el('p', { class: 'unverified', text: 'Details not confirmed: check locally.' }));
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
      el('div', { class: 'answer-row' }, el('dt', { text: `${i + 1}. ${a.question}` }), el('dd', {}, el('span', { class: 'answer-value', text: a.label }), ' ', change)),
    );
  });
  show('answers', view.answers.length > 0);
}

function renderFlowchart() {
  show('flowchart', true);
  if ($('flowchart-details').open) drawFlowchart();
  else $('flowchart-image').replaceChildren();
}

/** One flowchart per pathway the walk went through (the entry hands over to adult or child). */
function drawFlowchart() {
  if (!session || !view) return;
  const pathways = [...new Set([view.pathway, ...view.trail.map((v) => v.pathway)])];
  const titles = new Map(listPathways().map((m) => [m.id, m.title]));
  const images = pathways.map((id) =>
    el('img', {
      src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(graphSvg(id, view.trail))}`,
      alt: `Flowchart of ${titles.get(id) ?? id}, with the steps taken so far highlighted. Your answers are listed above.`,
    }),
  );
  $('flowchart-image').replaceChildren(...images);
}

$('flowchart-details').addEventListener('toggle', () => {
  if ($('flowchart-details').open) drawFlowchart();
});

// ------------------------------------------------------------------ session tools

$('print').addEventListener('click', () => window.print());
$('download-summary').addEventListener('click', () => {
  download(`summary-${today}.md`, session.outcomeMarkdown(), 'text/markdown');
});
$('save').addEventListener('click', () => {
  download(`session-${today}.json`, session.toJson(), 'application/json');
  announce('Session saved to a file.');
});
$('restart').addEventListener('click', () => {
  session?.free();
  session = null;
  renderStart();
});

// ------------------------------------------------------------------ boot

function fatal(err) {
  const box = $('fatal');
  box.textContent = `Something went wrong: ${err?.message ?? err}. Call the Modern Slavery & Exploitation Helpline on 08000 121 700 for advice.`;
  box.hidden = false;
}

function showReviewWarnings() {
  const warnings = reviewWarnings(today);
  if (warnings.length === 0) return;
  $('review-warning-list').replaceChildren(
    ...warnings.map((w) => el('li', { text: `${w.message}: ${w.hint ?? ''}` })),
  );
  $('review-warning').hidden = false;
}

function base64Bytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function boot() {
  try {
    // eslint-disable-next-line no-undef
    if (typeof PATHWAY_WASM_BASE64 === 'string') await init({ module_or_path: base64Bytes(PATHWAY_WASM_BASE64) });
    else await init();
    show('loading', false);
    showReviewWarnings();
    renderStart({ focus: false });
    document.documentElement.dataset.ready = 'true';
  } catch (err) {
    show('loading', false);
    fatal(err);
  }
}

boot();
