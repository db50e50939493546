// Review page: the whole round after the fact. Each finding is marked at
// its evidence words in the answer text (code-point spans from the
// analyzer), and clicking a finding scrolls to its words and, when the
// answer's audio was kept, plays from the moment they were said.
import { $, h, api, pathID, kindLabel, humanize, formatDate, num, pct, confirmDialog, toast } from './lib.js';
import { highlight, evidenceQuote } from './highlight.js';

const SIGNAL = {
  strong_hire: ['Strong hire', 'ok'],
  hire: ['Hire', 'ok'],
  lean_hire: ['Lean hire', 'accent'],
  lean_no_hire: ['Lean no hire', 'warn'],
  no_hire: ['No hire', 'bad'],
  strong_no_hire: ['Strong no hire', 'bad'],
};
const STAR_NAMES = { S: 'Situation', T: 'Task', A: 'Action', R: 'Result' };
const TURN_LABEL = { question: 'Question', probe: 'Follow-up', cutin: 'Interviewer', closing: 'Wrapping up' };

const roundID = pathID();
const base = `/api/rounds/${encodeURIComponent(roundID)}`;

function answerLink(seq, answers, text) {
  const n = answers.findIndex((t) => t.seq === seq);
  if (n < 0) return null;
  return h('a', { href: `#answer-${seq}` }, text || `answer ${n + 1}`);
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
    h('p', {},
      d.strongest ? ['Strongest: ', answerLink(d.strongest, answers), '. '] : null,
      d.weakest ? ['Weakest: ', answerLink(d.weakest, answers), '.'] : null),
    d.practise && d.practise.length ? [h('h3', {}, 'Practise next'), h('ul', {}, d.practise.map((p) => h('li', {}, p)))] : null,
  ));
  $('#debrief').hidden = false;
}

function renderSummary(answers) {
  const reports = answers.map((t) => t.report).filter(Boolean);
  const findings = reports.reduce((n, r) => n + (r.findings || []).length, 0);
  const timed = reports.filter((r) => r.metrics && r.metrics.has_timings);
  const avg = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const withMetric = reports.filter((r) => (r.metrics.metric_mentions || []).length > 0).length;
  const i = reports.reduce((n, r) => n + (r.metrics.i_all || 0), 0);
  const we = reports.reduce((n, r) => n + (r.metrics.we_all || 0), 0);
  const fillers = reports.reduce((n, r) => n + (r.metrics.fillers || 0), 0);
  // The embedded recogniser drops most filled pauses, so its counts are a
  // floor; say so rather than let a low number pass for fluency.
  const sphinx = answers.some((t) => (t.source || '').startsWith('sphinx'));
  const fillerNote = sphinx ? ' · a lower bound: pocketsphinx rarely writes "um" or "uh"' : '';
  const rows = [
    ['Answers', String(answers.length)],
    ['Findings', String(findings)],
    ['Answers with a number', reports.length ? `${withMetric} of ${reports.length}` : '—'],
    ['Ownership (I share)', i + we ? `${pct(i / (i + we))} (I ×${i}, we ×${we})` : '—'],
    ['Fillers', (timed.length ? `${fillers} (${num(avg(timed.map((r) => r.metrics.fillers_per_min)), 1)}/min)` : String(fillers)) + fillerNote],
    ['Pace', timed.length ? `${num(avg(timed.map((r) => r.metrics.wpm)))} wpm` : 'typed answers have no pace'],
  ];
  $('#summary').replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function scorecard(report) {
  const m = report.metrics || {};
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
  return h('dl', { class: 'scorecard' }, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
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
    ownership: `“I” and “we” in answer ${n}: I ×${m.i_all || 0}, we ×${m.we_all || 0}` +
      `${(m.i_count || m.we_count) ? `; in the Action part I ×${m.i_count || 0}, we ×${m.we_count || 0}` : ''}.`,
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

function answerCharts(t, n) {
  const report = t.report;
  if (!report) return null;
  const alts = chartAlts(report, n);
  const m = report.metrics || {};
  // Pace is drawn per 30-second window (analysis Metrics.WPMWindows): a
  // typed answer has none, and neither has a very short spoken one. The
  // chart would be an empty box then, which a line of text says better.
  const paced = m.has_timings && (m.wpm_windows || []).length > 0;
  const shown = CHARTS.filter(([name]) => name !== 'pace' || paced);
  return h('div', { class: 'answer-charts', 'data-seq': t.seq },
    shown.map(([name, caption]) => h('figure', { class: `chart chart-${name}`, 'data-chart': name },
      h('img', {
        src: `${base}/charts/${t.seq}/${name}.svg`, alt: alts[name], width: 600, height: name === 'timeline' ? 150 : 180, loading: 'eager',
      }),
      h('figcaption', {}, caption))),
    paced ? null : h('p', { class: 'muted small chart-note' }, m.has_timings
      ? `Pace: ${num(m.wpm)} words per minute on average; the answer is too short for a pace chart.`
      : 'Typed answer: no pace chart (pace needs spoken words with timings).'));
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

function answerBlock(t, n) {
  const report = t.report;
  const id = (i) => `t${t.seq}-f${i}`;
  const text = report && report.text ? highlight(report.text, report.findings, id) : t.text;
  const findings = (report && report.findings) || [];
  const block = h('article', { class: 'card answer-block', id: `answer-${t.seq}`, 'data-seq': t.seq });
  const head = h('div', { class: 'card-title answer-head' },
    h('h3', {}, `Your answer ${n}`),
    h('span', { class: 'muted small' }, t.source ? `${t.source}` : ''));
  const left = h('div', {},
    t.audio_path ? h('audio', { controls: true, preload: 'metadata', src: `${base}/audio/${t.seq}`, class: 'no-print' }) : null,
    h('p', { class: 'answer-text' }, text),
    report ? [h('h3', { class: 'sub' }, 'Scorecard'), scorecard(report)] : null);
  const list = findings.length
    ? h('div', { class: 'findings' }, findings.map((f, i) => {
      const quote = report.text ? evidenceQuote(report.text, f) : '';
      const hasEvidence = (f.evidence || []).some((s) => s.end > s.start);
      const tag = hasEvidence ? 'button' : 'div';
      return h(tag, {
        class: `finding sev-${f.severity || 'medium'}`, 'data-code': f.code, 'data-finding': id(i),
        type: hasEvidence ? 'button' : null,
        onclick: hasEvidence ? () => showEvidence(block, id(i), f) : null,
        title: hasEvidence ? 'Show the words this is about' : null,
      },
      h('span', { class: 'head' }, h('strong', {}, humanize(f.code)), h('span', { class: 'badge' }, f.severity || '')),
      h('span', { class: 'msg', role: 'none' }, ' ', f.message),
      quote ? h('span', { class: 'quote' }, quote) : null,
      f.suggestion ? h('span', { class: 'suggest' }, h('strong', {}, 'Try: '), f.suggestion) : null);
    }))
    : h('p', { class: 'badge ok' }, report ? 'Nothing flagged in this answer.' : 'Not analysed.');
  const right = h('div', {}, h('h3', { class: 'sub first' }, 'Findings'), list);
  block.append(...[head, answerCharts(t, n), left, right].filter(Boolean));
  return block;
}

function render(data) {
  const round = data.round || {};
  const turns = (data.turns || []).slice().sort((a, b) => a.seq - b.seq);
  const answers = turns.filter((t) => t.role === 'candidate');
  document.title = `Review: ${kindLabel(round.kind)} · mockloop`;
  $('#title').textContent = `${kindLabel(round.kind)} review`;
  const engines = round.engines ? Object.entries(round.engines).map(([k, v]) => `${k.toUpperCase()} ${v}`).join(' · ') : '';
  $('#subtitle').textContent = [formatDate(round.created_at), round.minutes ? `${round.minutes} min` : '',
    round.status === 'active' ? 'still in progress' : '', engines].filter(Boolean).join(' · ');
  if (round.status === 'active') {
    $('#subtitle').append(' ', h('a', { href: `/round/${encodeURIComponent(round.id)}` }, 'Resume'));
  }
  renderDebrief(round.debrief, answers);
  renderSummary(answers);
  let n = 0;
  const nodes = turns.map((t) => {
    if (t.role === 'candidate') return answerBlock(t, ++n);
    return h('div', { class: 'turn interviewer', 'data-seq': t.seq },
      h('div', { class: 'who' }, 'Interviewer', h('span', { class: 'badge' }, TURN_LABEL[t.kind] || humanize(t.kind || ''))),
      h('p', {}, t.text));
  });
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
