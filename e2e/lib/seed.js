// Seeds rounds the way a user makes them: POST /api/rounds, then typed
// answers over the round's websocket (docs/protocol.md). The socket is
// opened from inside a page on the server's origin, since the server
// checks Origin and Node 20 has no WebSocket of its own.

/** STRONG_STORY is a whole STAR story told in the first person with a
 * measured result (analysis/testdata/labelled/behavioral_strong.txt), so
 * the story bank counts it as strong. */
export const STRONG_STORY =
  'At my last company I was on the payments team, and we had a problem where checkout was timing out during peak ' +
  'traffic every Friday evening. My job was to figure out why and fix it before the holiday sale. First I dug into ' +
  'the logs and the traces and I found the connection pool to the database was getting exhausted, because the fraud ' +
  'check held a connection while it called an external service. I wrote a small load test to reproduce it, then I ' +
  'proposed moving the fraud check to an async queue. I convinced my manager and the fraud team, and I built the ' +
  'change over two weeks with a feature flag. As a result p99 latency went from 2.4 seconds to 300 milliseconds, ' +
  'and checkout timeouts dropped by 95% through the holiday sale.';

/**
 * createRound posts a new round and returns its id.
 * @param {string} base server URL
 * @param {object} body the POST /api/rounds body
 */
export async function createRound(base, body) {
  const res = await fetch(`${base}/api/rounds`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`create round: ${res.status} ${await res.text()}`);
  const data = await res.json();
  return (data.round || data).id;
}

/**
 * playTypedRound answers a round's questions in order with `answers`
 * (one per interviewer turn, probes included), then ends the round and
 * waits for "finished". It runs in `page`, which must be on the server's
 * origin. Resolves to the interviewer turns that were answered.
 * @param {import('playwright-core').Page} page
 * @param {string} roundID
 * @param {string[]} answers
 * @param {number} timeoutMs for the whole round
 */
export function playTypedRound(page, roundID, answers, timeoutMs = 30000) {
  return page.evaluate(({ roundID, answers, timeoutMs }) => new Promise((resolve, reject) => {
    const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws?round=${encodeURIComponent(roundID)}`);
    const asked = [];
    let next = 0;
    let ending = false;
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`round ${roundID}: not finished after ${timeoutMs} ms (${next} of ${answers.length} answered)`));
    }, timeoutMs);
    const send = (m) => ws.send(JSON.stringify({ v: 1, ...m }));
    // answerOrEnd gives the next answer to the turn just asked, or ends
    // the round once every answer is given.
    const answerOrEnd = (turn) => {
      if (next < answers.length) {
        asked.push(turn);
        send({ type: 'answer', id: `seed-${next}`, text: answers[next++] });
      } else if (!ending) {
        ending = true;
        send({ type: 'end' });
      }
    };
    ws.onopen = () => send({ type: 'hello' });
    ws.onerror = () => reject(new Error(`round ${roundID}: websocket error`));
    ws.onmessage = (ev) => {
      const msg = JSON.parse(ev.data);
      switch (msg.type) {
        case 'state': {
          const last = (msg.turns || []).filter((t) => t.role === 'interviewer').pop();
          if (msg.phase === 'answering' && last) answerOrEnd(last);
          break;
        }
        case 'interviewer':
          if (msg.turn.kind === 'closing') break;
          answerOrEnd(msg.turn);
          break;
        case 'finished':
          clearTimeout(timer);
          ws.close();
          resolve(asked);
          break;
        case 'error':
          clearTimeout(timer);
          ws.close();
          reject(new Error(`round ${roundID}: ${msg.code}: ${msg.message}`));
          break;
        default:
      }
    };
  }), { roundID, answers, timeoutMs });
}
