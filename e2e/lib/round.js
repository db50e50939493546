// Helpers that drive the round page through its public surface: the DOM,
// plus window.mockloop.state, which mirrors what the server last said.

export const WEAK_ANSWER =
  'We had a problem with the deployment pipeline on our team. We talked about it together and we decided ' +
  'to improve it. We worked on the scripts as a group and we fixed a lot of things over a few weeks. ' +
  'In the end we made it much better and everyone on the team was happy with how we handled it.';

export const STRONG_ANSWER =
  'I owned the fix myself. I measured the pipeline first: deploys took 45 minutes and 20% of them failed. ' +
  'I rewrote the build cache and I split the tests into 8 parallel shards, which cut deploys to 12 minutes ' +
  'and the failure rate to 3% within six weeks. I then wrote the runbook so other teams could copy it.';

/** interviewerTurns counts the interviewer turns the page has shown. */
export function interviewerTurns(page) {
  return page.evaluate(() => window.mockloop.state.turns.filter((t) => t.role === 'interviewer').length);
}

/**
 * waitForYourTurn waits until the interviewer has said at least `count`
 * turns and the page is waiting for an answer (or the round is over), and
 * returns the last interviewer turn.
 */
export async function waitForYourTurn(page, count, timeout = 20000) {
  await page.waitForFunction((n) => {
    const s = window.mockloop && window.mockloop.state;
    if (!s) return false;
    const asked = s.turns.filter((t) => t.role === 'interviewer').length;
    return asked >= n && (s.phase === 'answering' || s.phase === 'finished');
  }, count, { timeout });
  return page.evaluate(() => {
    const s = window.mockloop.state;
    const last = s.turns.filter((t) => t.role === 'interviewer').pop();
    return { phase: s.phase, turn: last };
  });
}

/** submitTyped types an answer, submits it with Ctrl+Enter and waits for
 * the server's ack (the box clears) and its feedback on that answer. */
export async function submitTyped(page, text) {
  const answersBefore = await page.evaluate(() => window.mockloop.state.turns.filter((t) => t.role === 'candidate' && t.report).length);
  await page.fill('#answer', text);
  await page.press('#answer', 'Control+Enter');
  await page.waitForFunction(() => document.querySelector('#answer').value === '', null, { timeout: 10000 });
  await page.waitForFunction((n) => window.mockloop.state.turns.filter((t) => t.role === 'candidate' && t.report).length > n,
    answersBefore, { timeout: 10000 });
}
