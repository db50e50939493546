// Round page: the live interview. Everything live arrives on one websocket
// (docs/protocol.md); this file keeps a small state object, applies each
// server message to it and redraws the parts that changed.
import { $, $$, h, api, pathID, kindLabel, humanize, clock, num, toast, confirmDialog, stripLeadIn } from './lib.js';
import { RoundSocket } from './socket.js';
import { highlight, evidenceQuote } from './highlight.js';
import { Voice, voiceSupport, micErrorMessage } from './voice.js';
import { engineSummary, remoteWarning, sttHint } from './engines.js';
import { findingState, faults, isQuestion, questionText as findingQuestion, resolvedBy } from './findings.js';
import { answerKind, usesStar, placeholder, checklist } from './kinds.js';
import * as drafts from './drafts.js';

// Answer timeboxes by round kind, used when the server does not send one.
// Behavioral: 2-3 minutes per STAR story is the usual coaching advice for
// Amazon loops; design and coding answers are longer explanations.
const TIMEBOX_SEC = { behavioral: 180, bar_raiser: 180, system_design: 300, coding: 240, loop: 180 };
// The timer turns amber at this share of the timebox.
const NEAR_SHARE = 0.8;
// Drafts are sent this long after the last keystroke so live meters follow
// typing without a message per key.
const DRAFT_DEBOUNCE_MS = 300;
// After "finished", go to the review page after this long unless the user
// chooses to stay (they may want to read the closing words).
const REVIEW_REDIRECT_MS = 3000;
// Without an ack this long after Submit, the page stops saying "Saving…"
// and gives the button back: a spinner must always have a way out.
const ACK_TIMEOUT_MS = 15000;
// The server's limits (mockloop.MaxAnswerWords, MaxMessageBytes); GET
// /api/config may send its own under "limits".
const LIMITS = { answer_words: 20000, message_bytes: 256 << 10 };
// Room in a message for everything but the answer text.
const MESSAGE_OVERHEAD_BYTES = 512;

const TURN_LABEL = { question: 'Question', probe: 'Follow-up', cutin: 'Cut-in', closing: 'Wrapping up' };
const LISTEN_LABEL = {
  listening: 'Listening…',
  speaking: 'Hearing you',
  pause: 'Thinking pause, take your time',
  ended: 'Your turn ended',
  interrupted: 'You cut in; the interviewer is listening',
};

const roundID = pathID();
const S = {
  round: null,
  turns: [],
  phase: '',
  question: null,
  deltas: new Map(), // interviewer seq -> caption text so far
  pending: new Map(), // client answer id -> text, until ack
  answerStart: 0, // ms epoch when the current answer began; 0 = not answering
  timeboxSec: 0,
  targetSec: 0,
  nextID: 1,
  hadOpen: false,
  closed: false,
  redirectTimer: 0,
  bargeIn: false, // the candidate cut into the interviewer's current reply
  remoteSpeaking: false, // the interviewer's audio is arriving now
  latency: new Map(), // interviewer turn seq -> stage timings (ms)
  promptSeq: -1, // the interviewer turn being answered; -1 before the first
  coverage: [], // PhaseState list of the current question
  ackTimer: 0,
  overLimit: '', // why the text in the box cannot be sent, or ''
};

const socket = new RoundSocket(roundID, { onMessage: handle, onStatus: connStatus });
const voice = new Voice({
  send: (m) => socket.send(m),
  audio: $('#remote-audio'),
  onLevel: (l) => {
    $('#mic-level').style.width = `${Math.round(l * 100)}%`;
    $('#mic-level-wrap').setAttribute('aria-valuenow', String(Math.round(l * 100)));
  },
  onState: voiceState,
  onRemote: (r) => {
    if (r.speaking === S.remoteSpeaking) return;
    S.remoteSpeaking = r.speaking;
    renderSpeaking();
  },
});
// Tests and curious users can reach the live objects from the console.
window.mockloop = { socket, voice, state: S };

// ---------- connection ----------

function connStatus(status, info) {
  const el = $('#conn');
  const set = (text, cls) => { el.textContent = text; el.className = `badge ${cls}`; };
  switch (status) {
    case 'connecting': set('Connecting…', ''); break;
    case 'reconnecting': set('Reconnecting…', 'warn'); break;
    case 'waiting':
      set(`Offline, retrying in ${Math.ceil(info.delayMs / 1000)} s`, 'warn');
      if (S.pending.size) {
        // Checked against the server's record when it is back (onState).
        answerStatus('The connection dropped before the server confirmed your answer. It is still in the box; mockloop checks whether it arrived once it reconnects.', true);
        $('#submit').disabled = false;
      }
      break;
    case 'garbled': toast('The server sent a message this page could not read.', 'error'); break;
    case 'open':
      set('Connected', 'ok');
      if (S.hadOpen && voice.active) {
        // The server's half of WebRTC ended with the old connection.
        voice.negotiate().catch((e) => micStatus(`Could not restart the microphone: ${e.message}`, true));
      }
      S.hadOpen = true;
      break;
    case 'closed': set(S.round && S.round.status === 'finished' ? 'Round over' : 'Disconnected', ''); break;
  }
}

// ---------- messages ----------

function handle(msg) {
  switch (msg.type) {
    case 'state': onState(msg); break;
    case 'ack': onAck(msg); break;
    case 'interviewer_delta': onDelta(msg); break;
    case 'interviewer': onInterviewer(msg.turn, msg.question); break;
    case 'coverage': onCoverage(msg); break;
    case 'feedback': onFeedback(msg); break;
    case 'live': onLive(msg); break;
    case 'nudge': showNudge(msg.text); break;
    case 'notice': notice(msg.level, msg.text); break;
    case 'partial': onPartial(msg.text); break;
    case 'utterance': onUtterance(msg.utterance); break;
    case 'listen': onListen(msg.state); break;
    case 'rtc_answer':
      voice.acceptAnswer(msg.sdp).catch((e) => micStatus(`The voice connection failed: ${e.message}`, true));
      break;
    case 'rtc_ice': voice.addIce(msg.candidate); break;
    case 'latency': onLatency(msg.turn_seq, msg.latency); break;
    case 'finished': onFinished(msg.round); break;
    case 'error': onError(msg); break;
    case 'pong': break;
    default: break; // newer server, older page: ignore what we do not know
  }
}

function onState(msg) {
  S.round = msg.round || S.round;
  S.turns = Array.isArray(msg.turns) ? msg.turns.slice() : [];
  S.phase = msg.phase || '';
  S.question = msg.question || null;
  S.coverage = (S.question && S.question.coverage) || [];
  S.deltas.clear();
  for (const t of S.turns) if (t.role === 'interviewer' && t.latency) S.latency.set(t.seq, t.latency);
  renderLatency();
  if (S.round) {
    $('#round-title').textContent = kindLabel(S.round.kind);
    document.title = `${kindLabel(S.round.kind)} · mockloop`;
  }
  setTimebox();
  reconcilePending();
  const last = lastInterviewer();
  S.promptSeq = last ? last.seq : -1;
  if (S.phase === 'answering') {
    // The clock runs from when this browser saw the answer start (kept
    // with the draft); without that, from the end of the interviewer's
    // turn as stored.
    const saved = drafts.load(roundID, S.promptSeq);
    const t = last && Date.parse(last.ended_at || last.started_at);
    S.answerStart = saved ? saved.started : Number.isFinite(t) && t <= Date.now() ? t : Date.now();
    if (!saved) drafts.save(roundID, S.promptSeq, S.answerStart, $('#answer').value);
    const box = $('#answer');
    if (saved && saved.text && !box.value.trim()) {
      box.value = saved.text;
      answerStatus('Your draft from before the refresh is back in the box.');
    }
    if (box.value.trim()) onType();
  } else {
    S.answerStart = 0;
  }
  applyKind();
  renderAll();
  const lastAnswer = [...S.turns].reverse().find((t) => t.role === 'candidate' && t.report);
  if (lastAnswer) renderFeedback(lastAnswer.seq, lastAnswer.report, false);
  if (S.phase === 'finished') onFinished(S.round, { redirect: false });
}

function onAck(msg) {
  const text = S.pending.get(msg.id);
  S.pending.delete(msg.id);
  if (text === undefined) return;
  clearTimeout(S.ackTimer);
  drafts.clear(roundID, S.promptSeq);
  const box = $('#answer');
  // Clear only what was sent: words typed after Submit stay.
  if (box.value.trim() === text.trim()) box.value = '';
  answerStatus('Saved.');
  $('#submit').disabled = false;
  const q = S.question && typeof S.question === 'object' ? S.question : {};
  upsertTurn({ seq: msg.turn_seq, role: 'candidate', kind: 'answer', text, source: 'typed', question_idx: q.idx, started_at: new Date().toISOString() });
  S.phase = 'asking';
  S.answerStart = 0;
  resetLive();
  renderAll();
}

function onDelta(msg) {
  // seq 0 and empty text are left out on the wire (omitempty). An empty
  // chunk means "start this caption again" (the LLM failed and the
  // scripted interviewer is taking the turn).
  const seq = msg.seq || 0;
  // A chunk still in flight for a reply that is already stored (cut off
  // by barge-in) must not reopen its caption.
  const last = lastInterviewer();
  if (seq && last && seq <= last.seq) return;
  if (!S.deltas.has(seq)) S.bargeIn = false; // a new reply
  S.deltas.set(seq, msg.text ? (S.deltas.get(seq) || '') + msg.text : '');
  S.phase = 'asking';
  renderQuestion();
  renderPhase();
  renderSpeaking();
}

function onInterviewer(turn, question) {
  if (!turn) return;
  for (const seq of S.deltas.keys()) if (seq <= (turn.seq || 0)) S.deltas.delete(seq);
  upsertTurn(turn);
  if (turn.latency) onLatency(turn.seq, turn.latency);
  const prev = S.question && typeof S.question === 'object' ? S.question : {};
  if (question && typeof question === 'object') {
    // The server's question comes with this turn's timebox and kind.
    S.question = question;
  } else if (turn.kind === 'question') {
    // An older server sends only the turn: keep what holds for the whole
    // round, drop what belonged to the last question or follow-up (its
    // timebox, its coverage).
    S.question = { idx: turn.question_idx ?? prev.idx, of: prev.of, kind: prev.kind, text: stripLeadIn(turn.text), principle: turn.principle || '' };
  }
  // Coverage is the question's: a new question starts it again; a design
  // question's next phase (a "question" turn under the same index) or a
  // follow-up keeps it unless the server sends it anew.
  const sameQuestion = S.question && Number.isInteger(S.question.idx) && S.question.idx === prev.idx;
  if (S.question && Array.isArray(S.question.coverage) && S.question.coverage.length) S.coverage = S.question.coverage;
  else if (turn.kind === 'question' && !sameQuestion) S.coverage = [];
  // What was said about the last answer is not about this one.
  answerStatus('');
  if (!$('#mic-status').classList.contains('error')) micStatus(voice.active ? 'Microphone on. Speak when it is your turn.' : '');
  showNudge('');
  S.promptSeq = turn.seq || 0;
  if (turn.kind === 'closing') {
    S.phase = 'finished';
    S.answerStart = 0;
  } else {
    S.phase = 'answering';
    S.answerStart = Date.now();
    drafts.save(roundID, S.promptSeq, S.answerStart, '');
    setTimebox();
    resetLive();
    $('#transcript').replaceChildren(h('p', { id: 'partial', class: 'partial' }));
  }
  applyKind();
  renderAll();
}

function onCoverage(msg) {
  if (!Array.isArray(msg.coverage)) return;
  S.coverage = msg.coverage;
  if (S.question && typeof S.question === 'object') S.question.coverage = msg.coverage;
  renderChecklist();
}

// reconcilePending settles answers sent before a reconnect: one the
// server stored is acknowledged; one it never got is handed back.
function reconcilePending() {
  if (!S.pending.size) return;
  clearTimeout(S.ackTimer);
  const stored = new Set(S.turns.filter((t) => t.role === 'candidate').map((t) => (t.text || '').trim()));
  let lost = false;
  for (const [id, text] of S.pending) {
    if (stored.has(text.trim())) {
      if ($('#answer').value.trim() === text.trim()) $('#answer').value = '';
      drafts.clear(roundID, S.promptSeq);
      answerStatus('Saved.');
    } else {
      lost = true;
    }
    S.pending.delete(id);
  }
  $('#submit').disabled = false;
  if (lost) answerStatus('The server did not get your answer before the connection dropped. It is still in the box; submit it again.', true);
}

function onFeedback(msg) {
  const t = S.turns.find((x) => x.role === 'candidate' && x.seq === msg.turn_seq);
  if (t) t.report = msg.report;
  else upsertTurn({ seq: msg.turn_seq, role: 'candidate', kind: 'answer', text: (msg.report && msg.report.text) || '', report: msg.report });
  renderConversation();
  renderFeedback(msg.turn_seq, msg.report, true);
}

function onLive(msg) {
  renderMeters(msg.metrics || {}, 'live');
  const list = $('#live-findings');
  list.replaceChildren(...(msg.findings || []).slice(0, 3).map((f) => (isQuestion(f)
    ? h('li', { 'data-code': f.code, class: 'as-question' }, findingQuestion(f))
    : h('li', { 'data-code': f.code }, f.message || humanize(f.code)))));
}

function onPartial(text) {
  $('#transcript-wrap').hidden = false;
  let p = $('#partial');
  if (!p) {
    p = h('p', { id: 'partial', class: 'partial' });
    $('#transcript').append(p);
  }
  p.textContent = text || '';
}

function onUtterance(u) {
  if (!u) return;
  $('#transcript-wrap').hidden = false;
  const p = $('#partial');
  const line = h('p', { 'data-seq': u.seq }, u.text);
  if (p) {
    p.before(line);
    p.textContent = '';
  } else {
    $('#transcript').append(line);
  }
  line.scrollIntoView({ block: 'nearest' });
}

function onListen(state) {
  $('#transcript-wrap').hidden = false;
  $('#listen').textContent = LISTEN_LABEL[state] || humanize(state || '');
  $('#listen').dataset.state = state || '';
  if (state === 'interrupted') {
    // Barge-in: the server cancelled the reply and dropped its queued
    // audio; say so, so a half-spoken question is not a mystery.
    S.bargeIn = true;
    renderSpeaking();
  }
}

function onLatency(seq, l) {
  if (!l) return;
  S.latency.set(seq || 0, l);
  renderLatency();
}

// ms formats a stage timing; 0 means the stage did not happen (a typed
// answer has no transcript, captions-only has no audio).
function ms(v) {
  return v > 0 ? `${num(v)} ms` : '—';
}

function renderLatency() {
  const rows = [...S.latency.entries()].sort((a, b) => a[0] - b[0]);
  $('#latency-table').hidden = rows.length === 0;
  $('#latency').hidden = rows.length > 0;
  // Servers that stamp the end of speech measure every stage from it
  // (speech_end_to_commit_ms); older ones from the commit.
  const fromSpeech = rows.some(([, l]) => typeof l.speech_end_to_commit_ms === 'number');
  $('#latency-commit').hidden = !fromSpeech;
  $('#latency-origin').textContent = fromSpeech
    ? 'Per interviewer turn, from the end of your speech.'
    : 'Per interviewer turn, from the moment your answer was committed.';
  $('#latency-rows').replaceChildren(...rows.map(([seq, l]) => h('tr', { 'data-seq': seq },
    h('td', {}, `#${seq}`),
    fromSpeech ? h('td', { class: 'num', 'data-stage': 'commit' }, ms(l.speech_end_to_commit_ms)) : null,
    h('td', { class: 'num', 'data-stage': 'transcript' }, ms(l.transcript_ms)),
    h('td', { class: 'num', 'data-stage': 'first_token' }, ms(l.first_token_ms)),
    h('td', { class: 'num', 'data-stage': 'first_audio' }, ms(l.first_audio_ms)))));
}

// renderSpeaking shows the interviewer as speaking while its reply is
// being captioned or its audio is arriving, unless the candidate cut in.
function renderSpeaking() {
  const captioning = S.phase === 'asking' && S.deltas.size > 0;
  const speaking = !S.bargeIn && (S.remoteSpeaking || captioning);
  $('#speaking').hidden = !speaking;
  $('#speaking').dataset.source = S.remoteSpeaking ? 'audio' : 'captions';
  $('#barge-in').hidden = !S.bargeIn;
  document.body.dataset.interviewer = S.bargeIn ? 'interrupted' : speaking ? 'speaking' : 'quiet';
}

function onFinished(round, opts = { redirect: true }) {
  if (round) S.round = round;
  S.phase = 'finished';
  S.answerStart = 0;
  renderAll();
  const panel = $('#finished');
  const link = $('#review-link');
  link.href = `/review/${encodeURIComponent(roundID)}`;
  panel.hidden = false;
  for (const id of ['#submit', '#skip', '#end', '#answer', '#mic-start']) $(id).disabled = true;
  if (voice.active) voice.stop();
  if (!S.closed) {
    S.closed = true;
    socket.stop();
  }
  if (opts.redirect && !S.redirectTimer) {
    $('#finished-text').textContent = 'The round is over. Opening your review…';
    S.redirectTimer = setTimeout(() => location.assign(link.href), REVIEW_REDIRECT_MS);
    $('#stay').hidden = false;
  } else {
    $('#stay').hidden = true;
  }
  link.focus();
}

function onError(msg) {
  const text = msg.message || humanize(msg.code || 'error');
  switch (msg.code) {
    case 'taken_over':
      S.closed = true;
      socket.stop();
      if (voice.active) voice.stop();
      $('#takeover').hidden = false;
      $('#conn').textContent = 'Open in another tab';
      for (const id of ['#submit', '#skip', '#end', '#mic-start']) $(id).disabled = true;
      break;
    case 'storage':
    case 'empty_answer':
    case 'too_long': {
      // The text stays in the box so the user can retry.
      S.pending.clear();
      $('#submit').disabled = false;
      answerStatus(msg.code === 'storage' ? `Your answer could not be saved: ${text} It is still in the box; submit again.` : text, true);
      break;
    }
    case 'round_finished':
      onFinished(S.round, { redirect: false });
      break;
    case 'not_found':
      S.closed = true;
      socket.stop();
      notice('warn', 'This round does not exist (it may have been deleted).', h('a', { href: '/' }, 'Start a new one'));
      break;
    case 'rtc':
      micStatus(`Voice connection problem: ${text}`, true);
      break;
    default:
      toast(`${text} (${msg.code || 'error'})`, 'error');
  }
}

// ---------- rendering ----------

function upsertTurn(turn) {
  const i = S.turns.findIndex((t) => t.seq === turn.seq);
  if (i >= 0) S.turns[i] = { ...S.turns[i], ...turn };
  else S.turns.push(turn);
  S.turns.sort((a, b) => a.seq - b.seq);
}

function lastInterviewer() {
  for (let i = S.turns.length - 1; i >= 0; i--) if (S.turns[i].role === 'interviewer') return S.turns[i];
  return null;
}

function questionText(q) {
  if (!q) return '';
  if (typeof q === 'string') return q;
  return q.text || q.question || '';
}

// setTimebox takes the answer's target and hard timebox from the server's
// question when it sends them, else the defaults above: amber from the
// target, red past the timebox.
function setTimebox() {
  const q = S.question && typeof S.question === 'object' ? S.question : {};
  S.timeboxSec = q.timebox_sec > 0 ? q.timebox_sec : TIMEBOX_SEC[S.round && S.round.kind] || 180;
  S.targetSec = q.target_sec > 0 && q.target_sec < S.timeboxSec ? q.target_sec : S.timeboxSec * NEAR_SHARE;
}

function renderAll() {
  renderQuestion();
  renderPhase();
  renderSpeaking();
  renderConversation();
  tickTimer();
}

function renderQuestion() {
  const el = $('#question');
  const eyebrow = $('#q-eyebrow');
  const ctx = $('#q-context');
  const streaming = [...S.deltas.entries()].sort((a, b) => a[0] - b[0]).pop();
  const q = S.question && typeof S.question === 'object' ? S.question : null;
  const n = questionNumber();
  // One number for the badge and the eyebrow; "of" only when the server's
  // count agrees with it.
  $('#qcount').textContent = n ? (q && q.of >= n ? `Question ${n} of ${q.of}` : `Question ${n}`) : '';
  $('#principle').textContent = q && q.principle ? q.principle : '';
  $('#principle').title = q && q.principle ? `Leadership Principle this question probes: ${q.principle}` : '';
  $('#principle').hidden = !(q && q.principle);
  if (streaming) {
    eyebrow.textContent = 'Interviewer is speaking';
    el.textContent = streaming[1];
    el.classList.add('streaming');
    ctx.hidden = true;
    return;
  }
  el.classList.remove('streaming');
  const last = lastInterviewer();
  if (!last) {
    eyebrow.textContent = 'Waiting for the interviewer';
    el.textContent = questionText(S.question);
    ctx.hidden = true;
    return;
  }
  const labels = { question: n ? `Question ${n}` : 'Question', probe: 'Follow-up', cutin: 'The interviewer cut in', closing: 'Wrapping up' };
  eyebrow.textContent = labels[last.kind] || 'Interviewer';
  el.textContent = last.text;
  const main = stripLeadIn(questionText(S.question));
  ctx.hidden = !(last.kind !== 'question' && main && main !== last.text);
  ctx.textContent = `On: ${main}`;
}

/** questionNumber is the current main question counted from 1: the
 * server's index when it sends one, else the questions asked so far. */
function questionNumber() {
  const q = S.question && typeof S.question === 'object' ? S.question : null;
  if (q && Number.isInteger(q.idx)) return q.idx + 1;
  return S.turns.filter((t) => t.role === 'interviewer' && t.kind === 'question').length;
}

/** answerLabel says which question an answer was to ("question 2",
 * "follow-up on question 2"), counted the way the header counts. */
function answerLabel(seq) {
  const i = S.turns.findIndex((t) => t.seq === seq);
  if (i < 0) return '';
  const t = S.turns[i];
  let prompt = null;
  for (let j = i - 1; j >= 0; j--) if (S.turns[j].role === 'interviewer') { prompt = S.turns[j]; break; }
  const idx = Number.isInteger(t.question_idx) ? t.question_idx : prompt && Number.isInteger(prompt.question_idx) ? prompt.question_idx : null;
  const qn = idx !== null ? idx + 1 : questionNumber();
  // Any answer after the question's first is a follow-up, as the review
  // counts them (a design question's later phases included).
  const earlier = S.turns.slice(0, i).some((x) => x.role === 'candidate' && idx !== null && x.question_idx === idx);
  const follow = earlier || (prompt && prompt.kind !== 'question');
  return qn ? `${follow ? 'follow-up on ' : ''}question ${qn}` : '';
}

function renderPhase() {
  const el = $('#phase');
  const labels = { asking: ['Interviewer speaking', 'accent'], answering: ['Your turn', 'ok'], finished: ['Round over', ''] };
  const [text, cls] = labels[S.phase] || ['', ''];
  el.textContent = text;
  el.className = `badge ${cls}`;
  el.hidden = !text;
}

function renderConversation() {
  const box = $('#conversation');
  const nodes = S.turns.map((t) => {
    if (t.role === 'interviewer') {
      return h('div', { class: 'turn interviewer', 'data-seq': t.seq, 'data-kind': t.kind },
        h('div', { class: 'who' }, 'Interviewer', h('span', { class: 'badge' }, TURN_LABEL[t.kind] || humanize(t.kind || ''))),
        h('p', {}, t.text));
    }
    const body = t.report && t.report.text ? highlight(t.report.text, t.report.findings, (i) => `t${t.seq}-f${i}`) : t.text;
    const n = t.report ? faults(t.report, t).length : null;
    const asks = t.report ? (t.report.findings || []).filter(isQuestion).length : 0;
    return h('div', { class: 'turn candidate', 'data-seq': t.seq },
      h('div', { class: 'who' }, 'You',
        t.source && t.source !== 'typed' ? h('span', { class: 'badge' }, 'spoken') : null,
        n !== null ? h('span', { class: `badge ${n ? 'warn' : 'ok'}`, 'data-faults': n }, n ? `${n} to work on` : asks ? 'nothing certain to fix' : 'no issues found') : null,
        asks ? h('span', { class: 'badge accent', 'data-questions': asks }, `${asks} to check`) : null),
      h('p', {}, body));
  });
  box.replaceChildren(...(nodes.length ? nodes : [h('p', { class: 'muted small' }, 'The conversation appears here.')]));
}

function renderFeedback(seq, report, fresh) {
  const box = $('#feedback');
  const label = answerLabel(seq);
  $('#fb-for').textContent = label ? `on your answer to ${label}` : '';
  const turn = S.turns.find((t) => t.seq === seq);
  const res = resolvedBy(turn);
  const findings = (report && report.findings) || [];
  if (report && report.metrics) renderMeters(report.metrics, 'last answer');
  if (!findings.length) {
    box.replaceChildren(h('p', { class: 'badge ok' }, 'Nothing to flag in that answer. Keep it up.'));
    return;
  }
  // Faults first, then what the page is not sure of.
  const order = { fault: 0, question: 1, resolved: 2 };
  const sorted = findings.map((f) => ({ f, st: findingState(f, res) })).sort((a, b) => order[a.st] - order[b.st]);
  box.replaceChildren(...sorted.map(({ f, st }) => findingCard(report.text, f, fresh, st)));
}

function findingCard(text, f, fresh, state = 'fault') {
  const quote = evidenceQuote(text, f);
  if (state === 'question') {
    return h('article', { class: `finding as-question${fresh ? ' fresh' : ''}`, 'data-code': f.code, 'data-state': state },
      h('div', { class: 'head' }, h('strong', {}, 'Worth checking'), h('span', { class: 'code' }, f.code)),
      h('p', { class: 'msg' }, findingQuestion(f)),
      quote ? h('p', { class: 'quote' }, quote) : null);
  }
  return h('article', { class: `finding sev-${f.severity || 'medium'}${fresh ? ' fresh' : ''}${state === 'resolved' ? ' resolved' : ''}`, 'data-code': f.code, 'data-state': state },
    h('div', { class: 'head' },
      h('strong', {}, humanize(f.code)),
      state === 'resolved' ? h('span', { class: 'badge ok' }, 'resolved by a follow-up') : h('span', { class: 'code' }, f.code)),
    h('p', { class: 'msg' }, f.message),
    quote ? h('p', { class: 'quote' }, quote) : null,
    f.suggestion && state !== 'resolved' ? h('p', { class: 'suggest' }, h('strong', {}, 'Try: '), f.suggestion) : null);
}

function renderMeters(m, source) {
  $('#meters-src').textContent = source === 'live' ? 'as you answer' : 'last answer';
  // Typed answers have no timings, so pace becomes a word count.
  $('#m-wpm-label').textContent = m.has_timings ? 'Words / min' : 'Words';
  $('#m-wpm').textContent = m.has_timings ? num(m.wpm) : (m.words ? String(m.words) : '—');
  if (m.has_timings) {
    $('#m-fillers-label').textContent = 'Fillers / min';
    $('#m-fillers').textContent = num(m.fillers_per_min, 1);
  } else {
    $('#m-fillers-label').textContent = 'Fillers';
    $('#m-fillers').textContent = m.words ? String(m.fillers || 0) : '—';
  }
  // The analyzer's ownership count (clauses whose work is done by "I"
  // against "we", the team, the passive or a helper verb): the number its
  // finding, the scorecard and the chart all quote.
  const i = m.i_count || 0;
  const we = m.we_count || 0;
  $('#m-iwe').textContent = i + we ? `I ×${i} · we ×${we}` : '—';
  $('#m-i-bar').style.width = i + we ? `${(100 * i) / (i + we)}%` : '0';
  $('#m-we-bar').style.width = i + we ? `${(100 * we) / (i + we)}%` : '0';
  const parts = (m.star || []).map((p) => p.part);
  const current = parts[parts.length - 1];
  for (const s of $$('#m-star span')) {
    s.classList.toggle('seen', parts.includes(s.dataset.part));
    s.classList.toggle('current', source === 'live' && s.dataset.part === current);
  }
  const mm = m.metric_mentions || [];
  $('#m-metrics').textContent = mm.length ? mm.slice(-4).map((x) => x.text).join(', ') : 'none yet';
}

// applyKind shows what the current question's round type is judged on:
// STAR and "I" vs "we" for behavioral answers, the phase checklist for
// system design and coding.
function applyKind() {
  const kind = answerKind(S.question, S.round);
  document.body.dataset.answerKind = kind;
  const star = usesStar(kind);
  for (const el of $$('[data-for="star"]')) el.hidden = !star;
  for (const el of $$('[data-for="phases"]')) el.hidden = star;
  $('#answer').placeholder = placeholder(kind);
  renderChecklist();
}

function renderChecklist() {
  const kind = answerKind(S.question, S.round);
  if (usesStar(kind)) return;
  const items = checklist(kind, S.coverage);
  const done = items.filter((p) => p.covered).length;
  $('#m-checklist-label').textContent = `${kind === 'coding' ? 'Coding checklist' : 'Design phases'}: ${done} of ${items.length} covered`;
  $('#m-checklist').replaceChildren(...items.map((p) => h('li', {
    class: p.covered ? 'covered' : '', 'data-phase': p.phase, 'data-covered': String(p.covered),
  }, h('span', { class: 'tick', 'aria-hidden': 'true' }, p.covered ? '✓' : ''), p.label,
  h('span', { class: 'visually-hidden' }, p.covered ? ' (covered)' : ' (not yet)'))));
}

function showNudge(text) {
  const el = $('#nudge');
  el.textContent = text || '';
  el.hidden = !text;
}

function resetLive() {
  renderMeters({}, 'live');
  $('#live-findings').replaceChildren();
}

function tickTimer() {
  const card = $('#timer-card');
  const box = S.timeboxSec || 180;
  const target = S.targetSec || box * NEAR_SHARE;
  $('#timebox').textContent = `aim for ${clock(target)}, at most ${clock(box)}`;
  const sec = S.answerStart ? (Date.now() - S.answerStart) / 1000 : 0;
  $('#timer').textContent = clock(sec);
  card.classList.toggle('timer-state-near', sec >= target && sec <= box);
  card.classList.toggle('timer-state-over', sec > box);
  card.dataset.state = sec > box ? 'over' : sec >= target ? 'near' : 'ok';
  $('#timer-bar').style.width = `${Math.min(100, (100 * sec) / box)}%`;
}

function notice(level, text, extra) {
  const box = h('div', { class: `banner ${level === 'warn' ? 'warn' : ''}`, role: level === 'warn' ? 'alert' : 'status' },
    h('span', {}, text), extra || null, h('span', { class: 'spacer' }));
  box.append(h('button', { type: 'button', class: 'ghost', 'aria-label': 'Dismiss', onclick: () => box.remove() }, '✕'));
  $('#notices').append(box);
}

function answerStatus(text, error = false) {
  const el = $('#answer-status');
  el.textContent = text;
  el.classList.toggle('error', error);
}

function micStatus(text, error = false) {
  const el = $('#mic-status');
  el.textContent = text;
  el.classList.toggle('error', error);
}

// ---------- actions ----------

function submitAnswer() {
  const text = $('#answer').value;
  if (!text.trim()) {
    answerStatus('Type an answer first.', true);
    return;
  }
  clearTimeout(draftTimer); // the answer supersedes any pending draft
  const why = tooLong(text);
  if (why) {
    answerStatus(why, true);
    return;
  }
  const id = `a${Date.now().toString(36)}-${S.nextID++}`;
  if (!socket.send({ type: 'answer', id, text })) {
    answerStatus('Not connected to the server. Your answer is still here; submit again once it says Connected.', true);
    return;
  }
  S.pending.set(id, text);
  $('#submit').disabled = true;
  answerStatus('Saving…');
  clearTimeout(S.ackTimer);
  S.ackTimer = setTimeout(() => {
    if (!S.pending.has(id)) return;
    S.pending.delete(id);
    $('#submit').disabled = false;
    answerStatus('The server has not confirmed your answer. It is still in the box; submit again, or check that mockloop is running.', true);
  }, ACK_TIMEOUT_MS);
}

/** tooLong says why text cannot be sent (over the word limit, or too
 * big for one message), in words, or '' when it can. */
function tooLong(text) {
  const words = (text.match(/\S+/g) || []).length;
  const max = LIMITS.answer_words;
  if (words > max) {
    return `That answer is ${words.toLocaleString('en')} words; an answer can be at most ${max.toLocaleString('en')} words. Cut it down, then submit.`;
  }
  const bytes = new TextEncoder().encode(text).length;
  if (bytes + MESSAGE_OVERHEAD_BYTES > LIMITS.message_bytes) {
    return `That answer is too big to send (${Math.round(bytes / 1024).toLocaleString('en')} KB in ${words.toLocaleString('en')} words). ` +
      `Answers can be at most ${max.toLocaleString('en')} words of ordinary length; cut it down, then submit.`;
  }
  return '';
}

let draftTimer = 0;
function onType() {
  clearTimeout(draftTimer);
  const text = $('#answer').value;
  if (S.phase === 'answering' && S.answerStart) drafts.save(roundID, S.promptSeq, S.answerStart, text);
  const why = tooLong(text);
  if (why) {
    // Never sent: a message over the server's limit closes the socket.
    S.overLimit = why;
    answerStatus(why, true);
    return;
  }
  if (S.overLimit) {
    S.overLimit = '';
    answerStatus('');
  }
  draftTimer = setTimeout(() => socket.send({ type: 'draft', text: $('#answer').value }), DRAFT_DEBOUNCE_MS);
}

function sendDone() {
  if (!voice.active) return;
  if (socket.send({ type: 'done' })) micStatus('Sent: you are done with this answer.');
}

async function endRound() {
  const ok = await confirmDialog({
    title: 'End the round now?',
    body: 'The interviewer stops here and you go to the review of what you answered so far.',
    confirm: 'End round',
  });
  if (ok && !socket.send({ type: 'end' })) toast('Not connected; try again in a moment.', 'error');
}

function voiceState(state, detail) {
  const labels = {
    negotiating: 'Connecting the microphone…',
    connected: 'Microphone on. Speak when it is your turn.',
    disconnected: 'The voice connection dropped; reconnecting…',
    failed: detail || 'The voice connection failed. You can type instead.',
    autoplay_blocked: 'The browser blocked the interviewer’s audio. Click anywhere on the page to allow it.',
    stopped: '',
  };
  if (state in labels) micStatus(labels[state], state === 'failed');
  const on = voice.active;
  $('#mic-start').hidden = on;
  $('#mic-mute').hidden = !on;
  $('#mic-done').hidden = !on;
  $('#mic-stop').hidden = !on;
  $('#mic-level-wrap').hidden = !on;
  if (on) $('#transcript-wrap').hidden = false;
}

async function startMic() {
  const support = voiceSupport();
  if (!support.ok) {
    micStatus(support.why, true);
    return;
  }
  $('#mic-start').disabled = true;
  micStatus('Asking for the microphone…');
  try {
    await voice.start();
    voiceState('negotiating');
  } catch (err) {
    if (voice.active && err.message === 'not connected to the server') {
      micStatus('Microphone ready; it connects when the server is back.');
    } else {
      if (voice.active) voice.stop();
      micStatus(err && err.name && err.name !== 'Error' ? micErrorMessage(err) : `The microphone could not start: ${err.message}`, true);
    }
  } finally {
    $('#mic-start').disabled = S.phase === 'finished';
  }
}

function isTyping(el) {
  return el && (el.tagName === 'TEXTAREA' || el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.isContentEditable);
}

function wire() {
  $('#submit').addEventListener('click', submitAnswer);
  $('#answer').addEventListener('input', onType);
  $('#answer').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      submitAnswer();
    }
  });
  document.addEventListener('keydown', (ev) => {
    if (isTyping(ev.target) || ev.altKey || $('dialog[open]')) return;
    if ((ev.key === 'd' || ev.key === 'D') && !ev.ctrlKey && !ev.metaKey) {
      if (voice.active) { ev.preventDefault(); sendDone(); }
    } else if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey) && voice.active) {
      ev.preventDefault();
      sendDone();
    }
  });
  $('#skip').addEventListener('click', () => {
    if (!socket.send({ type: 'skip' })) toast('Not connected; try again in a moment.', 'error');
  });
  $('#end').addEventListener('click', endRound);
  $('#take-back').addEventListener('click', () => location.reload());
  $('#stay').addEventListener('click', () => {
    clearTimeout(S.redirectTimer);
    $('#finished-text').textContent = 'The round is over.';
    $('#stay').hidden = true;
  });
  $('#mic-start').addEventListener('click', startMic);
  $('#mic-stop').addEventListener('click', () => voice.stop());
  $('#mic-done').addEventListener('click', sendDone);
  $('#mic-mute').addEventListener('click', () => {
    const on = !voice.muted;
    voice.setMuted(on);
    $('#mic-mute').setAttribute('aria-pressed', String(on));
    $('#mic-mute').textContent = on ? 'Unmute' : 'Mute';
    micStatus(on ? 'Muted: the interviewer hears nothing until you unmute.' : 'Microphone on.');
  });
  setInterval(tickTimer, 500);
}

function showEngines(cfg) {
  $('#engines').replaceChildren(engineSummary(cfg));
  remoteWarning($('#remote-warning'), cfg);
  sttHint($('#stt-hint'), cfg);
  const l = cfg && cfg.limits;
  if (l && l.answer_words > 0) LIMITS.answer_words = l.answer_words;
  if (l && l.message_bytes > 0) LIMITS.message_bytes = l.message_bytes;
}

async function checkVoice() {
  const support = voiceSupport();
  if (!support.ok) {
    $('#mic-start').disabled = true;
    micStatus(`${support.why} Type your answers below.`);
    api('GET', '/api/config').then(showEngines, () => {});
    return;
  }
  try {
    const cfg = await api('GET', '/api/config');
    showEngines(cfg);
    // "voice" was a flag; the voice picker's server sends the default
    // voice's id there instead, which means voice is on.
    if (cfg && (cfg.voice === false || cfg.voice === '')) {
      $('#mic-start').disabled = true;
      micStatus('Voice answers are not available on this server; type your answers below.');
    }
  } catch {
    // Without the config we still offer the microphone; the server says
    // "rtc" if it cannot take it.
  }
}

wire();
resetLive();
renderAll();
checkVoice();
if (!roundID) notice('warn', 'No round in the address.', h('a', { href: '/' }, 'Start one'));
else socket.start();
