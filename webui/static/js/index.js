// Home page: pick a round and its length, start it, and see which engines
// will hear and speak for you (with a warning when one is not local).
import { $, $$, h, api, kindLabel, formatDate } from './lib.js';
import { engineName, engineStatus, remoteWarning } from './engines.js';

const ENGINE_ROLE = { stt: 'speech to text', tts: 'voice', llm: 'interviewer' };

function renderEngines(cfg) {
  const engines = (cfg && cfg.engines) || {};
  let remote = 0;
  for (const dd of $$('#engines dd')) {
    const key = dd.dataset.engine;
    const e = engines[key];
    dd.replaceChildren();
    if (!e || !e.name || e.name === 'none') {
      dd.append(h('span', { class: 'muted' }, engineName(key, e)));
      continue;
    }
    dd.append(h('span', {}, e.name));
    if (e.local === false) {
      remote++;
      dd.append(h('span', {
        class: 'badge warn',
        title: `Your ${ENGINE_ROLE[key]} data is sent to ${e.url || 'a remote server'}`,
        'data-remote': key,
      }, '⚠ not local'));
      if (e.url) dd.append(h('span', { class: 'muted small' }, e.url));
    } else {
      dd.append(h('span', { class: 'badge ok' }, 'local'));
    }
    const st = engineStatus(e);
    if (st) {
      dd.append(h('span', { class: `badge ${st.cls}`, 'data-status': st.status, title: st.reason || null }, st.label));
      if (st.status !== 'ok' && (st.reason || st.fix)) {
        dd.append(h('span', { class: 'engine-why small' }, st.reason, st.reason && st.fix ? ' ' : '',
          st.fix ? h('span', { class: 'fix' }, st.fix) : null));
      }
    }
  }
  renderVoices(cfg);
  remoteWarning($('#remote-warning'), cfg);
  if (cfg && cfg.version) $('#version').textContent = `v${cfg.version}`;
  $('#engines-note').textContent = remote
    ? 'An engine marked “not local” sends what it processes to that address.'
    : 'All engines run on this machine; nothing leaves it.';
  if (Array.isArray(cfg && cfg.kinds) && cfg.kinds.length) {
    for (const input of $$('input[name=kind]')) {
      input.disabled = !cfg.kinds.includes(input.value);
      if (input.disabled && input.checked) input.checked = false;
    }
    if (!$('input[name=kind]:checked')) {
      const first = $('input[name=kind]:not(:disabled)');
      if (first) first.checked = true;
    }
  }
}

// renderVoices fills the voice picker from GET /api/config "voices"
// ([{id, label}]) with "voice" as the default id; a server without the
// list hides the picker, and the round uses the server's voice.
function renderVoices(cfg) {
  const voices = Array.isArray(cfg && cfg.voices) ? cfg.voices.filter((v) => v && v.id) : [];
  const field = $('#voice-field');
  const sel = $('#voice');
  if (!voices.length) {
    field.hidden = true;
    return;
  }
  // The default voice's id: "default_voice", or "voice" when it is a
  // string (an earlier draft of the contract; a boolean "voice" is the
  // microphone flag).
  const named = [cfg.default_voice, cfg.voice].find((v) => typeof v === 'string' && voices.some((x) => x.id === v));
  const def = named || voices[0].id;
  sel.replaceChildren(...voices.map((v) => h('option', { value: v.id, selected: v.id === def }, v.label || v.id)));
  field.hidden = false;
}

async function showResume() {
  let rounds;
  try {
    rounds = await api('GET', '/api/rounds?limit=5');
  } catch {
    return; // the history link still works; this is a convenience
  }
  const list = Array.isArray(rounds) ? rounds : (rounds && rounds.rounds) || [];
  const active = list.find((r) => r.status === 'active');
  if (!active) return;
  const box = $('#resume');
  box.replaceChildren(
    h('span', {}, `You have a ${kindLabel(active.kind).toLowerCase()} round in progress from ${formatDate(active.created_at)}.`),
    h('span', { class: 'spacer' }),
    h('a', { class: 'button', href: `/round/${encodeURIComponent(active.id)}` }, 'Resume'));
  box.hidden = false;
}

const COUNT_WORDS = ['no', 'one', 'two', 'three', 'four'];
const SHORT_KIND = { behavioral: 'behavioral', system_design: 'system design', coding: 'coding', bar_raiser: 'Bar Raiser' };
const shortKind = (k) => SHORT_KIND[k] || kindLabel(k).toLowerCase();

function followUps(n) {
  return `at least ${COUNT_WORDS[n] || n} follow-up${n === 1 ? '' : 's'}`;
}

function questions(n) {
  return `${n} question${n === 1 ? '' : 's'}`;
}

// planText says what GET /api/plan's preview holds: "5 questions, each
// with at least one follow-up"; a design or coding question is asked in
// parts, each part a main answer with its own follow-ups.
function planText(p) {
  const blocks = (p && Array.isArray(p.blocks) ? p.blocks : []).filter((b) => b && b.questions > 0);
  if (!blocks.length) return '';
  if (blocks.length === 1) {
    const b = blocks[0];
    if (b.stages > 1) {
      return `${questions(b.questions)}, ${b.questions > 1 ? 'each ' : ''}in ${b.stages} parts, each part with ${followUps(b.min_follow_ups)}.`;
    }
    return `${questions(b.questions)}, each with ${followUps(b.min_follow_ups)}.`;
  }
  const total = blocks.reduce((n, b) => n + b.questions, 0);
  const least = Math.min(...blocks.map((b) => b.min_follow_ups));
  const more = blocks.filter((b) => b.min_follow_ups > least)
    .map((b) => `${shortKind(b.kind)}: ${COUNT_WORDS[b.min_follow_ups] || b.min_follow_ups}`);
  return `${questions(total)} (${blocks.map((b) => `${b.questions} ${shortKind(b.kind)}`).join(', ')}), ` +
    `each answer with ${followUps(least)}${more.length ? ` (${more.join(', ')})` : ''}.`;
}

// showPlan asks the server how many questions fit the chosen round and
// length. It is a hint: a server without /api/plan, or any failure, hides
// the line and logs nothing. Only the latest choice's answer is shown.
let planAsked = 0;
async function showPlan() {
  const line = $('#plan');
  const kind = ($('input[name=kind]:checked') || {}).value;
  const minutes = Number($('#minutes').value);
  const asked = ++planAsked;
  if (!kind) {
    line.hidden = true;
    return;
  }
  let text = '';
  try {
    text = planText(await api('GET', `/api/plan?kind=${encodeURIComponent(kind)}&minutes=${minutes}`));
  } catch {
    text = '';
  }
  if (asked !== planAsked) return;
  line.textContent = text;
  line.hidden = !text;
}

async function start(ev) {
  ev.preventDefault();
  const btn = $('#start');
  const err = $('#start-error');
  const kind = ($('input[name=kind]:checked') || {}).value;
  const minutes = Number($('#minutes').value);
  err.textContent = '';
  if (!kind) {
    err.textContent = 'Pick a round first.';
    return;
  }
  btn.disabled = true;
  btn.textContent = 'Starting…';
  try {
    const nudges = $('#nudges').checked;
    const body = { kind, minutes, nudges };
    if (!$('#voice-field').hidden && $('#voice').value) body.voice = $('#voice').value;
    const res = await api('POST', '/api/rounds', body);
    const round = res && (res.round || res);
    location.assign(`/round/${encodeURIComponent(round.id)}`);
  } catch (e) {
    err.textContent = e.message;
    btn.disabled = false;
    btn.textContent = 'Start round';
  }
}

async function main() {
  $('#start-form').addEventListener('submit', start);
  for (const input of $$('input[name=kind]')) input.addEventListener('change', showPlan);
  $('#minutes').addEventListener('change', showPlan);
  showResume();
  try {
    renderEngines(await api('GET', '/api/config'));
  } catch (e) {
    const b = $('#banner');
    b.textContent = `Could not read the server's configuration: ${e.message}`;
    b.hidden = false;
  }
  // After the config, which may disable kinds and change the choice.
  showPlan();
}

main();
