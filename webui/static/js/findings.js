// How the page reads a finding. One place for the rules every page
// shares, so the live card, the conversation badge, the review and its
// "At a glance" count the same things:
// - a finding under QUESTION_BELOW confidence (docs/protocol.md) is put to
//   the candidate as its question, not stated as a fault, and not counted;
// - a finding a later follow-up answer resolved (Turn.Resolved) is shown
//   as resolved and not counted either.
// Servers from before the confidence field send none: those findings are
// trusted, as they always were.

/** QUESTION_BELOW mirrors analysis.ShownAsQuestion. */
export const QUESTION_BELOW = 0.5;

/** isQuestion reports whether f is shown as a question to the candidate. */
export function isQuestion(f) {
  return !!f && typeof f.confidence === 'number' && f.confidence < QUESTION_BELOW;
}

/** resolvedBy maps finding code -> the answer seq that resolved it. */
export function resolvedBy(turn) {
  const m = new Map();
  for (const r of (turn && turn.resolved) || []) if (r && r.code) m.set(r.code, r.turn_seq);
  return m;
}

/** findingState is "fault", "question" or "resolved". */
export function findingState(f, resolved) {
  if (resolved && resolved.has(f.code)) return 'resolved';
  return isQuestion(f) ? 'question' : 'fault';
}

/** faults returns the findings of a report that count as faults. */
export function faults(report, turn) {
  const res = resolvedBy(turn);
  return ((report && report.findings) || []).filter((f) => findingState(f, res) === 'fault');
}

/** questionText is what a doubtful finding asks. */
export function questionText(f) {
  return f.question || `${f.message} Is that right?`;
}
