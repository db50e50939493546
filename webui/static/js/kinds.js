// What each round type shows. A question's kind (Question.Kind, the
// analyzer round of the current question) picks the meters, the answer
// box's placeholder and the review's scorecard, so a loop switches per
// section. Phase lists mirror the round engine's (docs/protocol.md,
// Question.Coverage); they are only the labels shown before the server
// has sent its own coverage.

export const PHASES = {
  system_design: [
    ['clarify', 'Scope and use cases'],
    ['scale', 'Scale assumptions'],
    ['requirements', 'Functional and non-functional requirements'],
    ['components', 'High-level components'],
    ['data_model', 'Data model and APIs'],
    ['failures', 'Bottlenecks and failures'],
    ['tradeoffs', 'Trade-offs'],
    ['observability', 'Observability'],
  ],
  coding: [
    ['clarify', 'Clarify the problem'],
    ['brute_force', 'A simple correct solution'],
    ['optimise', 'Optimise'],
    ['complexity', 'Time and space complexity'],
    ['edge_cases', 'Edge cases'],
    ['testing', 'Walk through an example, test'],
  ],
};

const PLACEHOLDER = {
  behavioral: 'Type your answer here. Situation, task, what you did, and the result with numbers.',
  bar_raiser: 'Type your answer here. Situation, task, what you did, and the result with numbers.',
  system_design: 'Type your answer here. Scope, scale, requirements, then the design, its failure modes and trade-offs.',
  coding: 'Type your answer here. Clarify the problem, a simple solution, then optimise, complexity, edge cases and a test.',
};

/** answerKind is the analyzer round that judges the current answer:
 * the question's kind when the server sends it, else the round's (a loop
 * without one is treated as behavioral). */
export function answerKind(question, round) {
  const k = question && typeof question === 'object' && question.kind;
  if (k && k in PLACEHOLDER) return k;
  const rk = round && round.kind;
  return rk in PLACEHOLDER ? rk : 'behavioral';
}

/** usesStar reports whether a kind is judged as STAR stories. */
export function usesStar(kind) {
  return kind === 'behavioral' || kind === 'bar_raiser' || !(kind in PHASES);
}

export function placeholder(kind) {
  return PLACEHOLDER[kind] || PLACEHOLDER.behavioral;
}

/** checklist merges the server's coverage (PhaseState list) with the
 * default phases for the kind: the server's list wins when it sends one. */
export function checklist(kind, coverage) {
  if (Array.isArray(coverage) && coverage.length) {
    return coverage.map((p) => ({ phase: p.phase, label: p.label || p.phase, covered: !!p.covered, turn_seq: p.turn_seq || 0 }));
  }
  return (PHASES[kind] || []).map(([phase, label]) => ({ phase, label, covered: false, turn_seq: 0 }));
}
