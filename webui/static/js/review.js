// Review page: the whole round after the fact. Each finding is marked at
// its evidence words in the answer text (code-point spans from the
// analyzer), and clicking a finding scrolls to its words and, when the
// answer's audio was kept, plays from the moment they were said.
import { $, h, api, pathID, kindLabel, humanize, formatDate, num, pct, confirmDialog, toast } from './lib.js';
import { highlight, evidenceQuote, lowConfidenceRanges } from './highlight.js';
import { findingState, faults, isQuestion, questionText, resolvedBy, QUESTION_BELOW } from './findings.js';
import { usesStar, checklist } from './kinds.js';

const SIGNAL = {
  strong_hire: ['Strong hire', 'ok'],
  hire: ['Hire', 'ok'],
  lean_hire: ['Lean hire', 'accent'],
  lean_no_hire: ['Lean no hire', 'warn'],
  no_hire: ['No hire', 'bad'],
  strong_no_hire: ['Strong no hire', 'bad'],
};
const STAR_NAMES = { S: 'Situation', T: 'Task', A: 'Action', R: 'Result' };
const TURN_LABEL = { question: 'Question', probe: 'Follow-up', cutin: 'Cut-in', closing: 'Wrapping up' };
// A transcript heard with less confidence than this is flagged beside
// the engine's name.
const LOW_TRANSCRIPT = 0.6;

const roundID = pathID();
const base = `/api/rounds/${encodeURIComponent(roundID)}`;

// labels maps answer seq -> "question 2" / "follow-up 1 on question 2",
// filled by render from the grouping, so every link names an answer the
// way its heading does.
const labels = new Map();

function answerLink(seq, answers, text) {
  if (!answers.some((t) => t.seq === seq)) return null;
  return h('a', { href: `#answer-${seq}` }, text || `your answer to ${labels.get(seq) || 'this question'}`);
}

/** debriefSeq reads strongest/weakest: the API sends strongest_turn_seq
 * (-1 for none); rounds stored by older servers had "strongest". */
function debriefSeq(d, which) {
  const v = d[`${which}_turn_seq`] ?? d[which];
  return Number.isInteger(v) && v >= 0 ? v : null;
}

function renderDebrief(d, answers) {
  if (!d) return;
  const [label, cls] = SIGNAL[d.signal] || [humanize(d.signal || 'no signal'), ''];
  const body = $('#debrief-body');
  body.replaceChildren(h('div', {},
    // Only loop and Bar Raiser rounds get an overall signal, like a real
    // debrief; a single practice round gets the reasons alone.
    d.signal ? h('p', { class: 'signal' }, 'Overall signal: ', h('span', { class: `badge ${cls}`, 'data-signal': d.signal }, label)) : null,
    d.reasons && d.reasons.length ? [h('h3', {}, 'Why'), h('ul', {}, d.reasons.map((r) => h('li', {}, r)))] : null,
    d.principles && d.principles.length ? [h('h3', {}, 'Leadership Principles shown'),
      h('ul', {}, d.principles.map((p) => h('li', {},
        h('strong', {}, p.principle), p.quote ? ` “${p.quote}” ` : ' ', answerLink(p.turn_seq, answers, '(see answer)'))))] : null,
    strongWeak(d, answers),
    d.practise && d.practise.length ? [h('h3', {}, 'Practise next'), h('ul', {}, d.practise.map((p) => h('li', {}, p)))] : null,
  ));
  $('#debrief').hidden = false;
}

function strongWeak(d, answers) {
  const best = debriefSeq(d, 'strongest');
  const worst = debriefSeq(d, 'weakest');
  const a = best !== null ? answerLink(best, answers) : null;
  const b = worst !== null && worst !== best ? answerLink(worst, answers) : null;
  if (!a && !b) return null;
  return h('p', { class: 'strong-weak' },
    a ? [h('strong', {}, 'Strongest: '), h('span', { 'data-strongest': best }, a), '. '] : null,
    b ? [h('strong', {}, 'Weakest: '), h('span', { 'data-weakest': worst }, b), '.'] : null);
}

function renderSummary(answers, groups) {
  const reports = answers.map((t) => t.report).filter(Boolean);
  // The same count as each answer's list and the history page: faults
  // only, not findings put as questions nor those a follow-up resolved.
  const findings = answers.reduce((n, t) => n + (t.report ? faults(t.report, t).length : 0), 0);
  const asks = reports.reduce((n, r) => n + (r.findings || []).filter(isQuestion).length, 0);
  const follow = answers.filter((t) => labels.get(t.seq) && labels.get(t.seq).startsWith('follow-up')).length;
  const timed = reports.filter((r) => r.metrics && r.metrics.has_timings);
  const avg = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const withMetric = reports.filter((r) => (r.metrics.metric_mentions || []).length > 0).length;
  // Ownership as the analyzer counts it (i_count/we_count: clauses whose
  // work is done by "I" against "we", the team, the passive or a helper
  // verb), the numbers its weak_ownership finding and each scorecard quote.
  const starReports = reports.filter((r) => usesStar(r.round || 'behavioral'));
  const i = starReports.reduce((n, r) => n + (r.metrics.i_count || 0), 0);
  const we = starReports.reduce((n, r) => n + (r.metrics.we_count || 0), 0);
  const fillers = reports.reduce((n, r) => n + (r.metrics.fillers || 0), 0);
  // The embedded recogniser drops most filled pauses, so its counts are a
  // floor; say so rather than let a low number pass for fluency.
  const sphinx = answers.some((t) => (t.source || '').startsWith('sphinx'));
  const fillerNote = sphinx ? ' · a lower bound: pocketsphinx rarely writes "um" or "uh"' : '';
  const rows = [
    ['Answers', groups.length && follow ? `${answers.length} (${plural(groups.filter((g) => g.answers > 0).length, 'question')}, ${plural(follow, 'follow-up')})` : String(answers.length)],
    ['Findings', asks ? `${findings} to work on, ${asks} to check` : String(findings)],
    ['Answers with a number', reports.length ? `${withMetric} of ${reports.length}` : '—'],
    starReports.length ? ['Ownership (I share)', i + we ? `${pct(i / (i + we))} (I ×${i}, we ×${we} in what you did)` : '—'] : null,
    ['Fillers', (timed.length ? `${fillers} (${num(avg(timed.map((r) => r.metrics.fillers_per_min)), 1)}/min)` : String(fillers)) + fillerNote],
    ['Pace', timed.length ? `${num(avg(timed.map((r) => r.metrics.wpm)))} wpm` : 'typed answers have no pace'],
  ];
  $('#summary').replaceChildren(...rows.filter(Boolean).flatMap(([k, v]) => [h('dt', {}, k), h('dd', { 'data-row': k }, v)]));
}

function scorecard(report, kind, coverage, seq) {
  const m = report.metrics || {};
  const mm0 = m.metric_mentions || [];
  if (!usesStar(kind)) {
    const items = checklist(kind, coverage);
    const mine = items.filter((p) => p.covered && p.turn_seq === seq).map((p) => p.label);
    const before = items.filter((p) => p.covered && p.turn_seq && p.turn_seq < seq).map((p) => p.label);
    const after = items.filter((p) => p.covered && p.turn_seq > seq).map((p) => p.label);
    const missing = items.filter((p) => !p.covered).map((p) => p.label);
    const rows = [
      ['Covered here', mine.length ? mine.join(', ') : (coverage && coverage.length ? 'no new phase' : 'not tracked by this server')],
      before.length ? ['Covered earlier', before.join(', ')] : null,
      after.length ? ['Covered later', after.join(', ')] : null,
      coverage && coverage.length ? ['Not yet covered', missing.length ? missing.join(', ') : 'nothing: every phase covered'] : null,
      ['Numbers', mm0.length ? mm0.map((x) => x.text).join(', ') : 'none'],
      ['Delivery', [`${m.words || 0} words`, m.has_timings ? `${num(m.wpm)} wpm` : null,
        `${m.fillers || 0} fillers${m.has_timings ? ` (${num(m.fillers_per_min, 1)}/min)` : ''}`].filter(Boolean).join(' · ')],
    ].filter(Boolean);
    return h('dl', { class: 'scorecard', 'data-kind': kind }, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }
  const parts = new Map();
  for (const p of m.star || []) parts.set(p.part, (parts.get(p.part) || 0) + (p.share || 0));
  const star = h('span', { class: 'star' }, ['S', 'T', 'A', 'R'].map((p) =>
    h('span', { class: parts.has(p) ? 'seen' : '', title: `${STAR_NAMES[p]}${parts.has(p) ? `: ${pct(parts.get(p))}` : ': missing'}` }, p)));
  const mm = m.metric_mentions || [];
  const rows = [
    ['STAR', star],
    ['Ownership', `I ×${m.i_count || 0} · we ×${m.we_count || 0}${m.scope ? ` · scope: ${humanize(m.scope)}` : ''}`],
    ['Numbers', mm.length ? mm.map((x) => x.text).join(', ') : 'none'],
    ['Delivery', [
      `${m.words || 0} words`,
      m.has_timings ? `${num(m.wpm)} wpm` : null,
      `${m.fillers || 0} fillers${m.has_timings ? ` (${num(m.fillers_per_min, 1)}/min)` : ''}`,
      m.hedges ? `${m.hedges} hedges` : null,
      m.pauses_over_3s ? `${m.pauses_over_3s} pauses over 3 s` : null,
    ].filter(Boolean).join(' · ')],
  ];
  return h('dl', { class: 'scorecard', 'data-kind': kind }, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', { 'data-row': k }, v)]));
}

// ---------- charts ----------

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** chartAlts says in words what each server-drawn chart of an answer
 * shows, from the same report, for screen readers and for a broken image. */
function chartAlts(report, n) {
  const m = report.metrics || {};
  const star = new Map();
  for (const p of m.star || []) star.set(p.part, (star.get(p.part) || 0) + (p.share || 0));
  const starText = ['S', 'T', 'A', 'R'].filter((p) => star.has(p)).map((p) => `${STAR_NAMES[p]} ${pct(star.get(p))}`).join(', ');
  const missing = ['S', 'T', 'A', 'R'].filter((p) => !star.has(p)).map((p) => STAR_NAMES[p]);
  const windows = (m.wpm_windows || []).filter((v) => v > 0);
  return {
    timeline: `Timeline of answer ${n}: ${plural(m.fillers || 0, 'filler')}` +
      `${m.has_timings ? `, ${plural(m.pauses_over_3s || 0, 'pause')} over 3 s` : ''}; ` +
      `STAR: ${starText || 'no parts heard'}${missing.length && starText ? `; missing ${missing.join(', ')}` : ''}.`,
    pace: m.has_timings
      ? `Pace of answer ${n}: ${num(m.wpm)} words per minute on average (aim for 100 to 165)` +
        `${windows.length > 1 ? `, from ${num(Math.min(...windows))} to ${num(Math.max(...windows))} across 30-second stretches` : ''}.`
      : `Pace of answer ${n}: typed answers have no timing.`,
    ownership: `Who did the work in answer ${n}: I ×${m.i_count || 0}, we ×${m.we_count || 0} (“we”, the team, the passive or “I helped”).`,
  };
}

// CHARTS are the answer charts (GET /api/rounds/{id}/charts/{seq}/{name}.svg),
// in reading order: where the words and fillers fell, then how fast, then
// whose work it was.
const CHARTS = [
  ['timeline', 'Timeline: STAR parts, fillers and long pauses'],
  ['pace', 'Pace over the answer'],
  ['ownership', '“I” versus “we”'],
];

/** timelineCaption names the rows the server drew (charts.Timeline draws
 * pauses only with timings and STAR parts only for stories). */
function timelineCaption(star, timed) {
  if (star && timed) return 'Timeline: STAR parts, fillers and long pauses';
  if (star) return 'Timeline: STAR parts and fillers';
  return 'Timeline: fillers and long pauses';
}

function answerCharts(t, n, kind) {
  const report = t.report;
  if (!report) return null;
  const alts = chartAlts(report, n);
  const m = report.metrics || {};
  // Pace is drawn per 30-second window (analysis Metrics.WPMWindows): a
  // typed answer has none, and neither has a very short spoken one. The
  // chart would be an empty box then, which a line of text says better.
  const paced = m.has_timings && (m.wpm_windows || []).length > 0;
  const star = usesStar(kind);
  // STAR parts and "I" versus "we" judge stories; a design or coding
  // answer gets its timeline only when spoken (fillers and pauses).
  const shown = CHARTS.filter(([name]) => (name !== 'pace' || paced) &&
    (name !== 'ownership' || star) && (name !== 'timeline' || star || m.has_timings));
  if (!shown.length) return null;
  return h('div', { class: 'answer-charts', 'data-seq': t.seq },
    shown.map(([name, caption]) => h('figure', { class: `chart chart-${name}`, 'data-chart': name },
      h('img', {
        src: `${base}/charts/${t.seq}/${name}.svg`, alt: alts[name], width: 600, height: name === 'timeline' ? 150 : 180, loading: 'eager',
      }),
      h('figcaption', {}, name === 'timeline' ? timelineCaption(star, m.has_timings) : caption))),
    paced || !m.has_timings ? null : h('p', { class: 'muted small chart-note' },
      `Pace: ${num(m.wpm)} words per minute on average; the answer is too short for a pace chart.`));
}

function showEvidence(block, id, finding) {
  const marks = block.querySelectorAll(`mark[data-finding="${CSS.escape(id)}"]`);
  if (marks.length) {
    marks[0].scrollIntoView({ behavior: 'smooth', block: 'center' });
    for (const m of marks) {
      m.classList.remove('flash');
      void m.offsetWidth; // restart the animation on a second click
      m.classList.add('flash');
    }
  }
  const audio = block.querySelector('audio');
  const span = (finding.evidence || [])[0];
  if (audio && span && (span.t0 || span.t1)) {
    audio.currentTime = span.t0 || 0;
    audio.play().catch(() => {});
  }
}

/** sourceLine names the engine that heard a spoken answer and how sure it
 * was (Metrics.transcript_confidence, 1 when unknown). */
function sourceLine(t) {
  if (!t.source) return null;
  const m = (t.report && t.report.metrics) || {};
  const c = m.transcript_confidence;
  const spoken = t.source !== 'typed';
  const known = spoken && typeof c === 'number' && c > 0 && c < 1;
  return h('span', { class: 'muted small source' }, spoken ? `heard by ${t.source}` : 'typed',
    known ? [' · ', h('span', {
      class: `confidence${c < LOW_TRANSCRIPT ? ' low' : ''}`, 'data-confidence': c,
      title: 'The recognizer’s average confidence in the words of this answer; greyed words are the ones it was unsure of',
    }, `transcript confidence ${pct(c)}`)] : null);
}

function findingItem(block, report, f, id, state, resolvedSeq) {
  const quote = report.text ? evidenceQuote(report.text, f) : '';
  const hasEvidence = (f.evidence || []).some((s) => s.end > s.start);
  const tag = hasEvidence ? 'button' : 'div';
  const cls = state === 'question' ? 'finding as-question' : `finding sev-${f.severity || 'medium'}${state === 'resolved' ? ' resolved' : ''}`;
  return h(tag, {
    class: cls, 'data-code': f.code, 'data-finding': id, 'data-state': state,
    type: hasEvidence ? 'button' : null,
    onclick: hasEvidence ? () => showEvidence(block, id, f) : null,
    title: hasEvidence ? 'Show the words this is about' : null,
  },
  state === 'question'
    ? [h('span', { class: 'head' }, h('strong', {}, 'Worth checking'), h('span', { class: 'badge accent' }, 'not counted')),
      h('span', { class: 'msg', role: 'none' }, ' ', questionText(f))]
    : [h('span', { class: 'head' }, h('strong', {}, humanize(f.code)),
      state === 'resolved'
        ? h('span', { class: 'badge ok' }, resolvedSeq ? h('a', { href: `#answer-${resolvedSeq}` }, 'resolved by a follow-up') : 'resolved by a follow-up')
        : h('span', { class: 'badge' }, f.severity || '')),
    h('span', { class: 'msg', role: 'none' }, ' ', f.message)],
  quote ? h('span', { class: 'quote' }, quote) : null,
  f.suggestion && state === 'fault' ? h('span', { class: 'suggest' }, h('strong', {}, 'Try: '), f.suggestion) : null);
}

function answerBlock(t, label, n, kind, coverage) {
  const report = t.report;
  const id = (i) => `t${t.seq}-f${i}`;
  const low = report && report.text ? lowConfidenceRanges(report.text, report.words, QUESTION_BELOW) : [];
  const text = report && report.text ? highlight(report.text, report.findings, id, low) : t.text;
  const findings = (report && report.findings) || [];
  const res = resolvedBy(t);
  const block = h('article', { class: 'card answer-block', id: `answer-${t.seq}`, 'data-seq': t.seq, 'data-kind': kind });
  const head = h('div', { class: 'card-title answer-head' },
    h('h3', {}, label.startsWith('follow-up') ? 'Your follow-up answer' : 'Your answer'),
    sourceLine(t));
  const left = h('div', {},
    t.audio_path ? h('audio', { controls: true, preload: 'metadata', src: `${base}/audio/${t.seq}`, class: 'no-print' }) : null,
    h('p', { class: 'answer-text' }, text),
    low.length ? h('p', { class: 'muted small' }, h('span', { class: 'word-lowconf' }, 'Greyed words'), ' are ones the recognizer was unsure of.') : null,
    report ? [h('h3', { class: 'sub' }, 'Scorecard'), scorecard(report, kind, coverage, t.seq)] : null);
  const order = { fault: 0, question: 1, resolved: 2 };
  const items = findings.map((f, i) => ({ f, i, st: findingState(f, res) })).sort((a, b) => order[a.st] - order[b.st] || a.i - b.i);
  const list = findings.length
    ? h('div', { class: 'findings' }, items.map(({ f, i, st }) => findingItem(block, report, f, id(i), st, res.get(f.code))))
    : h('p', { class: 'badge ok' }, report ? 'Nothing flagged in this answer.' : 'Not analysed.');
  const right = h('div', {}, h('h3', { class: 'sub first' }, 'Findings'), list);
  block.append(...[head, answerCharts(t, n, kind), left, right].filter(Boolean));
  return block;
}

/** groupTurns puts each main question with its follow-ups and answers:
 * [{idx, question (interviewer turn), info (API questions entry), turns}].
 * The API's "questions" gives text, kind and coverage when the server
 * sends it; otherwise a question starts at each main-question turn. */
export function groupTurns(turns, questions) {
  const byIdx = new Map((Array.isArray(questions) ? questions : []).map((q) => [q.idx, q]));
  const bySeq = new Map();
  for (const q of byIdx.values()) for (const seq of q.turn_seqs || []) bySeq.set(seq, q.idx);
  const groups = [];
  const tail = [];
  let cur = null;
  const open = (idx) => {
    cur = { idx, question: null, info: byIdx.get(idx) || null, turns: [], answers: 0 };
    groups.push(cur);
  };
  for (const t of turns) {
    if (t.role === 'interviewer' && t.kind === 'closing') {
      tail.push(t);
      continue;
    }
    const mainQ = t.role === 'interviewer' && t.kind === 'question';
    const idx = bySeq.has(t.seq) ? bySeq.get(t.seq) : mainQ ? t.question_idx ?? groups.length : cur ? cur.idx : t.question_idx ?? 0;
    // A design or coding question moves through its phases with new
    // "question" turns under the same index: they stay in its group.
    if (!cur || idx !== cur.idx) open(idx);
    if (mainQ && !cur.question) cur.question = t;
    else cur.turns.push(t);
    if (t.role === 'candidate') cur.answers++;
  }
  return { groups, tail };
}

/** unanswered lists the follow-ups whose answers did not give what they
 * asked (the API's questions[].unanswered), when the server says. */
function unanswered(info) {
  const misses = Array.isArray(info && info.unanswered) ? info.unanswered.filter((m) => m && m.probe) : [];
  if (!misses.length) return null;
  return h('div', { class: 'banner warn unanswered' }, h('span', {},
    h('strong', {}, misses.length === 1 ? 'A follow-up was not answered: ' : 'Follow-ups not answered: '),
    misses.map((m, i) => [i ? '; ' : '', `“${m.probe}”`, m.turn ? [' (', h('a', { href: `#answer-${m.turn}` }, 'your reply'), ')'] : null])));
}

function interviewerTurn(t, inGroup = false) {
  const label = t.kind === 'question' ? (inGroup ? 'Next part' : '') : TURN_LABEL[t.kind] || humanize(t.kind || '');
  return h('div', { class: 'turn interviewer', 'data-seq': t.seq, 'data-kind': t.kind },
    h('div', { class: 'who' }, 'Interviewer', label ? h('span', { class: 'badge' }, label) : null),
    h('p', {}, t.text));
}

function render(data) {
  const round = data.round || {};
  const turns = (data.turns || []).slice().sort((a, b) => a.seq - b.seq);
  const answers = turns.filter((t) => t.role === 'candidate');
  document.title = `Review: ${kindLabel(round.kind)} · mockloop`;
  $('#title').textContent = `${kindLabel(round.kind)} review`;
  const ENGINE_NAMES = { stt: 'speech to text', tts: 'voice engine', llm: 'interviewer', voice: 'voice' };
  const engines = round.engines ? Object.entries(round.engines).filter(([, v]) => v)
    .map(([k, v]) => `${ENGINE_NAMES[k] || k}: ${v}`).join(' · ') : '';
  $('#subtitle').textContent = [formatDate(round.created_at), round.minutes ? `${round.minutes} min` : '',
    round.status === 'active' ? 'still in progress' : '', engines].filter(Boolean).join(' · ');
  if (round.status === 'active') {
    $('#subtitle').append(' ', h('a', { href: `/round/${encodeURIComponent(round.id)}` }, 'Resume'));
  }
  const { groups, tail } = groupTurns(turns, data.questions);
  labels.clear();
  groups.forEach((g, gi) => {
    let f = 0;
    let first = true;
    for (const t of g.turns) {
      if (t.role !== 'candidate') continue;
      labels.set(t.seq, first ? `question ${gi + 1}` : `follow-up ${++f} on question ${gi + 1}`);
      first = false;
    }
  });
  renderDebrief(round.debrief, answers);
  renderSummary(answers, groups);
  let n = 0;
  const nodes = groups.map((g, gi) => {
    const info = g.info || {};
    const qturn = g.question;
    const kind = info.kind || ((g.turns.find((t) => t.report) || {}).report || {}).round || (round.kind === 'loop' ? 'behavioral' : round.kind);
    const coverage = info.coverage || [];
    const body = [];
    const follow = [];
    let seenAnswer = false;
    for (const t of g.turns) {
      const node = t.role === 'candidate' ? answerBlock(t, labels.get(t.seq) || '', ++n, kind, coverage) : interviewerTurn(t, true);
      // The main answer sits under the question; everything after it
      // (follow-ups, cut-ins and their answers) is indented below.
      if (!seenAnswer) body.push(node);
      else follow.push(node);
      if (t.role === 'candidate') seenAnswer = true;
    }
    const principle = info.principle || (qturn && qturn.principle) || '';
    const items = usesStar(kind) ? [] : checklist(kind, coverage);
    return h('section', { class: 'question-group', 'data-question': g.idx, 'data-kind': kind },
      h('div', { class: 'group-head' },
        h('h3', {}, `Question ${gi + 1}`),
        principle ? h('span', { class: 'badge accent' }, principle) : null,
        // The bank's question when the API gives it; the spoken turn (with
        // its greeting or transition) otherwise.
        h('p', { class: 'q-text' }, info.text || (qturn && qturn.text) || '')),
      coverage.length && items.length ? h('ul', { class: 'checklist inline', 'aria-label': 'Phases covered across this question' },
        items.map((p) => h('li', { class: p.covered ? 'covered' : '', 'data-phase': p.phase },
          h('span', { class: 'tick', 'aria-hidden': 'true' }, p.covered ? '✓' : ''), p.label,
          h('span', { class: 'visually-hidden' }, p.covered ? ' (covered)' : ' (not covered)')))) : null,
      body,
      g.answers === 0 ? h('p', { class: 'muted small' }, 'Not answered: the question was skipped or the round ended.') : null,
      unanswered(info),
      follow.length ? h('div', { class: 'follow-ups', 'aria-label': `Follow-ups on question ${gi + 1}` }, follow) : null);
  });
  for (const t of tail) nodes.push(interviewerTurn(t));
  $('#transcript').replaceChildren(...(nodes.length ? nodes : [h('p', { class: 'card empty' }, 'Nothing was said in this round.')]));
  $('#transcript').classList.add('conversation');
  if (location.hash) {
    const target = document.getElementById(location.hash.slice(1));
    if (target) target.scrollIntoView();
  }
}

async function del() {
  const ok = await confirmDialog({
    title: 'Delete this round?',
    body: 'Its transcript, findings and any kept audio are removed from this machine. This cannot be undone.',
    confirm: 'Delete round',
  });
  if (!ok) return;
  try {
    await api('DELETE', base);
    location.assign('/history');
  } catch (e) {
    toast(`Could not delete: ${e.message}`, 'error');
  }
}

async function main() {
  $('#export-md').href = `${base}/export.md`;
  $('#export-json').href = `${base}/export.json`;
  $('#print').addEventListener('click', () => window.print());
  $('#delete').addEventListener('click', del);
  try {
    render(await api('GET', base));
    document.body.dataset.ready = 'true';
  } catch (e) {
    const b = $('#banner');
    b.textContent = e.status === 404 ? 'This round does not exist (it may have been deleted).' : `Could not load the round: ${e.message}`;
    b.hidden = false;
    $('#summary-card').hidden = true;
  }
}

main();
