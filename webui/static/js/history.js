// History page: progress across rounds (trend sparklines with their
// direction, the story bank, the 16-principle coverage map and a round
// that practises the gaps), then past rounds with their summary numbers,
// links to review or resume, and deleting everything behind a typed
// confirmation. The charts are server-drawn SVG (GET /api/progress/...),
// so this page only lays them out.
import { $, h, api, kindLabel, formatDate, num, pct, clock, humanize, confirmDialog, toast } from './lib.js';

// The word to type before everything is deleted: deliberate, not a reflex.
const CONFIRM_WORD = 'delete';

// The trends shown, in /api/progress order, with how to read each figure.
// The bands match the server's (server/progress/trends.go): 100-165 wpm is
// Microsoft Speaker Coach guidance; 2-3 minutes is the usual STAR budget.
const TRENDS = {
  fillers_per_min: { label: 'Fillers per minute', fmt: (v) => num(v, 1), aim: 'fewer is better' },
  metric_share: { label: 'Answers with a metric', fmt: pct, aim: 'aim for every answer' },
  ownership: { label: 'Ownership: “I” over “we”', fmt: pct, aim: 'say what you did' },
  answer_sec: { label: 'Average answer length', fmt: (v) => clock(v), aim: 'aim for 2–3 minutes' },
  answer_words: { label: 'Average answer length', fmt: (v) => `${num(v)} words`, aim: 'aim for 200–450 words' },
  wpm: { label: 'Speaking pace', fmt: (v) => `${num(v)} wpm`, aim: 'aim for 100–165 wpm' },
};
const DIRECTION = {
  improving: ['Improving', 'ok', '↗'],
  steady: ['Steady', '', '→'],
  worse: ['Getting worse', 'bad', '↘'],
  unknown: ['Needs two rounds', 'muted-badge', ''],
};
// Figures only a spoken answer has: typed answers carry no word timings.
const SPOKEN_ONLY = new Set(['fillers_per_min', 'answer_sec', 'wpm']);
const STRENGTH = {
  strong: ['Strong', 'ok'],
  weak: ['Needs work', 'warn'],
  none: ['No story', 'bad'],
};

const reviewHref = (roundID, seq) => `/review/${encodeURIComponent(roundID)}${seq ? `#answer-${seq}` : ''}`;

/** figure formats a summary figure; null and undefined (nothing to
 * average) are a dash, but a true zero is shown as zero. */
function figure(v, fmt) {
  return v === null || v === undefined || Number.isNaN(v) ? '—' : fmt(v);
}

// ---------- progress ----------

/** lengthTrend picks one answer-length trend of the two the server sends
 * (time spoken, words): time when any round was spoken, else words, so
 * the page shows one "Average answer length" card, with the other
 * figure beside it. */
export function lengthTrend(list, rounds) {
  const sec = list.find((t) => t.metric === 'answer_sec');
  const words = list.find((t) => t.metric === 'answer_words');
  if (!sec || !words) return list;
  const spoken = rounds.some((r) => r.answer_sec !== null && r.answer_sec !== undefined);
  const keep = spoken ? sec : words;
  const other = spoken ? words : sec;
  return list.filter((t) => t !== other).map((t) => (t === keep ? { ...t, also: other } : t));
}

function trendCard(t, rounds, version) {
  const spec = TRENDS[t.metric] || { label: humanize(t.metric), fmt: (v) => num(v, 1), aim: '' };
  const values = rounds.map((r) => r[t.metric]).filter((v) => v !== null && v !== undefined);
  let [dirLabel, dirClass, arrow] = DIRECTION[t.direction] || DIRECTION.unknown;
  if (t.direction === 'unknown' && !values.length) dirLabel = 'No data yet';
  const alt = values.length
    ? `${spec.label} over your last ${values.length} round${values.length === 1 ? '' : 's'}: from ${figure(values[0], spec.fmt)} to ${figure(values[values.length - 1], spec.fmt)}; ${dirLabel.toLowerCase()}.`
    : `${spec.label}: no rounds with this figure yet.`;
  return h('li', { class: 'trend card', 'data-metric': t.metric, 'data-direction': t.direction },
    h('div', { class: 'trend-head' },
      h('h3', {}, spec.label),
      h('span', { class: `badge ${dirClass}`, 'data-direction': t.direction, title: 'The newest rounds against the ones before them' },
        arrow ? h('span', { 'aria-hidden': 'true' }, arrow) : null, dirLabel)),
    h('div', { class: 'trend-body' },
      h('span', { class: 'trend-value' }, figure(t.latest, spec.fmt),
        t.also && t.also.latest !== null && t.also.latest !== undefined
          ? h('span', { class: 'trend-also muted small' }, ` · ${TRENDS[t.also.metric].fmt(t.also.latest)}`) : null),
      h('img', {
        class: 'spark', // The query names the data the chart shows: the browser's image
        // cache reuses a URL within a page, so after a delete or a new
        // round the same URL would show the old picture.
        src: `/api/progress/${encodeURIComponent(t.metric)}.svg?v=${encodeURIComponent(version)}`, alt, width: 160, height: 40, loading: 'eager',
      })),
    h('p', { class: 'muted small' }, trendNote(t, values.length, spec)));
}

function trendNote(t, count, spec) {
  if (t.latest !== null && t.latest !== undefined) return spec.aim;
  if (!count && SPOKEN_ONLY.has(t.metric)) return 'answer out loud to measure this';
  return 'not in your latest round';
}

function renderTrends(trends) {
  const list = (trends && trends.trends) || [];
  const rounds = (trends && trends.rounds) || [];
  $('#trends-note').textContent = rounds.length
    ? `${rounds.length} analysed round${rounds.length === 1 ? '' : 's'}; direction from the last ${trends.window || 5}`
    : '';
  $('#trends').replaceChildren(...(rounds.length
    ? lengthTrend(list, rounds).map((t) => trendCard(t, rounds, `${rounds.length}-${rounds[rounds.length - 1].round_id}`))
    : [h('li', { class: 'empty' }, 'Trends appear after your first answered round.')]));
}

function storyItem(s) {
  const [label, cls] = s.strong ? STRENGTH.strong : STRENGTH.weak;
  return h('li', { class: 'story', 'data-round': s.round_id, 'data-seq': s.seq, 'data-strong': String(!!s.strong) },
    h('div', { class: 'story-head' },
      h('a', { href: reviewHref(s.round_id, s.seq), class: 'story-title' }, s.title || 'Untitled story'),
      h('span', { class: `badge ${cls}`, title: `Score ${s.score} of 100` }, `${label} · ${s.score}`)),
    s.question ? h('p', { class: 'muted small story-q' }, s.question) : null,
    h('ul', { class: 'chips', 'aria-label': 'Principles it showed' },
      (s.principles || []).map((p) => h('li', { class: p === s.asked_for ? 'chip asked' : 'chip', title: p === s.asked_for ? 'The principle the question asked about' : null }, p))),
    s.gaps && s.gaps.length
      ? h('p', { class: 'small story-gaps' }, h('strong', {}, 'Fix before retelling: '), s.gaps.map(humanize).join(', '))
      : null,
    h('p', { class: 'muted small' }, `${kindLabel(s.round_kind)} · ${formatDate(s.created_at)}${(s.follow_ups || []).length ? ` · ${s.follow_ups.length} follow-up${s.follow_ups.length === 1 ? '' : 's'}` : ''}`,
      s.completed_by ? [' · ', h('a', { href: reviewHref(s.round_id, s.completed_by) }, 'completed in a follow-up')] : null));
}

function renderStories(stories) {
  const list = (stories || []).slice().reverse(); // newest first
  $('#stories-count').textContent = list.length
    ? `${list.filter((s) => s.strong).length} strong of ${list.length}`
    : '';
  $('#stories').replaceChildren(...(list.length
    ? list.map(storyItem)
    : [h('li', { class: 'empty' }, 'Stories you tell in behavioral and Bar Raiser rounds collect here.')]));
}

function coverageRow(c) {
  const [label, cls] = STRENGTH[c.strength] || STRENGTH.none;
  const best = c.best;
  return h('tr', { 'data-principle': c.principle, 'data-strength': c.strength, class: `strength-${c.strength}` },
    h('th', { scope: 'row' }, c.principle),
    h('td', {}, h('span', { class: `badge ${cls}` }, label)),
    h('td', {}, best
      ? [h('a', { href: reviewHref(best.round_id, best.seq) }, best.title || 'your story'),
        c.stories > 1 ? h('span', { class: 'muted small' }, ` +${c.stories - 1} more`) : null]
      : h('span', { class: 'muted' }, '—')));
}

function renderCoverage(coverage, gaps) {
  const rows = coverage || [];
  const strong = rows.filter((c) => c.strength === 'strong').length;
  $('#coverage-count').textContent = rows.length ? `${strong} of ${rows.length} strong` : '';
  $('#coverage-rows').replaceChildren(...rows.map(coverageRow));
  const btn = $('#practise-gaps');
  const note = $('#gaps-note');
  btn.disabled = !gaps.length;
  if (!gaps.length) {
    note.textContent = 'Every Leadership Principle has a strong story. Keep them fresh with a full loop.';
  } else if (gaps.length === rows.length) {
    note.textContent = 'No principle has a strong story yet. “Practise my gaps” asks about the ones you have not covered.';
  } else {
    note.textContent = `${gaps.length} principle${gaps.length === 1 ? ' lacks' : 's lack'} a strong story: ${gaps.join(', ')}.`;
  }
}

async function loadProgress() {
  try {
    const p = await api('GET', '/api/progress');
    faultsByRound.clear();
    for (const pt of (p.trends && p.trends.rounds) || []) if (Number.isInteger(pt.faults)) faultsByRound.set(pt.round_id, pt.faults);
    renderTrends(p.trends);
    renderStories(p.stories);
    renderCoverage(p.coverage, p.gaps || []);
  } catch (e) {
    const b = $('#banner');
    b.textContent = `Could not load your progress: ${e.message}`;
    b.hidden = false;
    $('#trends').replaceChildren(h('li', { class: 'empty' }, '—'));
    $('#stories').replaceChildren(h('li', { class: 'empty' }, '—'));
    $('#coverage-rows').replaceChildren(h('tr', {}, h('td', { colspan: 3, class: 'empty' }, '—')));
  }
}

async function practiseGaps() {
  const btn = $('#practise-gaps');
  btn.disabled = true;
  btn.textContent = 'Starting…';
  try {
    const res = await api('POST', '/api/rounds', { kind: 'behavioral', focus: 'gaps', minutes: 30 });
    const round = res && (res.round || res);
    location.assign(`/round/${encodeURIComponent(round.id)}`);
  } catch (e) {
    toast(`Could not start the round: ${e.message}`, 'error');
    btn.disabled = false;
    btn.textContent = 'Practise my gaps';
  }
}

// ---------- rounds ----------

// faultsByRound is each analysed round's count of findings that count
// against it (GET /api/progress trends.rounds[].faults): the rule the
// review page's "Findings" uses, so the two pages give one number.
const faultsByRound = new Map();

function row(r) {
  const s = r.summary || {};
  const findings = faultsByRound.has(r.id) ? faultsByRound.get(r.id) : s.findings;
  const active = r.status === 'active';
  const href = active ? `/round/${encodeURIComponent(r.id)}` : reviewHref(r.id);
  return h('tr', { 'data-id': r.id },
    h('td', {}, h('a', { href }, kindLabel(r.kind))),
    h('td', {}, formatDate(r.created_at)),
    h('td', {}, active
      ? h('a', { class: 'badge accent', href }, 'In progress · resume')
      : h('span', { class: 'badge' }, 'Finished')),
    h('td', { class: 'num' }, figure(s.answers, String)),
    h('td', { class: 'num', 'data-col': 'findings' }, figure(findings, String)),
    h('td', { class: 'num' }, figure(s.fillers_per_min, (v) => num(v, 1))),
    h('td', { class: 'num' }, figure(s.metric_share, pct)),
    h('td', { class: 'num', title: 'Share of “I” among “I” and “we”' }, figure(s.ownership, pct)),
    h('td', { class: 'num' }, figure(s.wpm, (v) => num(v))));
}

async function loadRounds() {
  const body = $('#rows');
  try {
    const data = await api('GET', '/api/rounds?limit=200');
    const rounds = Array.isArray(data) ? data : (data && data.rounds) || [];
    body.replaceChildren(...(rounds.length
      ? rounds.map(row)
      : [h('tr', {}, h('td', { colspan: 9, class: 'empty' }, 'No rounds yet. ', h('a', { href: '/' }, 'Start your first one.')))]));
  } catch (e) {
    body.replaceChildren(h('tr', {}, h('td', { colspan: 9, class: 'empty' }, `Could not load rounds: ${e.message}`)));
  }
}

async function load() {
  // Progress first: the rounds table takes its fault counts from it.
  await loadProgress();
  await loadRounds();
  document.body.dataset.ready = 'true';
}

async function deleteAll() {
  const ok = await confirmDialog({
    title: 'Delete all data?',
    body: 'Every round, transcript, finding and kept recording is removed from this machine. This cannot be undone.',
    confirm: 'Delete everything',
    typed: CONFIRM_WORD,
  });
  if (!ok) return;
  try {
    await api('DELETE', '/api/rounds?confirm=all');
    toast('All data deleted.');
    delete document.body.dataset.ready;
    await load();
  } catch (e) {
    toast(`Could not delete: ${e.message}`, 'error');
  }
}

$('#delete-all').addEventListener('click', deleteAll);
$('#practise-gaps').addEventListener('click', practiseGaps);
load();
