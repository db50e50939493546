// History page: past rounds with their summary numbers, links to review or
// resume, and deleting everything behind a typed confirmation.
import { $, h, api, kindLabel, formatDate, num, pct, confirmDialog, toast } from './lib.js';

// The word to type before everything is deleted: deliberate, not a reflex.
const CONFIRM_WORD = 'delete';

function row(r) {
  const s = r.summary || {};
  const active = r.status === 'active';
  const href = active ? `/round/${encodeURIComponent(r.id)}` : `/review/${encodeURIComponent(r.id)}`;
  return h('tr', { 'data-id': r.id },
    h('td', {}, h('a', { href }, kindLabel(r.kind))),
    h('td', {}, formatDate(r.created_at)),
    h('td', {}, active
      ? h('a', { class: 'badge accent', href }, 'In progress · resume')
      : h('span', { class: 'badge' }, 'Finished')),
    h('td', { class: 'num' }, s.answers ?? '—'),
    h('td', { class: 'num' }, s.findings ?? '—'),
    h('td', { class: 'num' }, s.fillers_per_min ? num(s.fillers_per_min, 1) : '—'),
    h('td', { class: 'num' }, s.metric_share === undefined ? '—' : pct(s.metric_share)),
    h('td', { class: 'num', title: 'Share of “I” among “I” and “we”' }, s.ownership === undefined ? '—' : pct(s.ownership)),
    h('td', { class: 'num' }, s.wpm ? num(s.wpm) : '—'));
}

async function load() {
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
    await load();
  } catch (e) {
    toast(`Could not delete: ${e.message}`, 'error');
  }
}

$('#delete-all').addEventListener('click', deleteAll);
load();
