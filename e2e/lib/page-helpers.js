// Helpers for the page tests: start rounds over the API, feed the page a
// server message the running server does not send yet (the contract
// shapes of docs/protocol.md), and add contract fields to an API answer.

/** newRound posts a round and returns its id. */
export async function newRound(base, body) {
  const res = await fetch(`${base}/api/rounds`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ minutes: 20, seed: 7, ...body }),
  });
  if (res.status !== 201) throw new Error(`create round: ${res.status} ${await res.text()}`);
  const data = await res.json();
  return (data.round || data).id;
}

/** deliver hands msg to the round page as if the server had sent it on
 * the websocket (the page's own handler, window.mockloop.socket). */
export function deliver(page, msg) {
  return page.evaluate((m) => window.mockloop.socket.onMessage(m), msg);
}

/**
 * patchJSON makes the page see GET url's real JSON changed by edit(data)
 * (which runs in Node and returns the new body): the server's real
 * payload with the contract fields another branch adds.
 * @param {import('playwright-core').Page} page
 * @param {string | RegExp} url
 * @param {(data: any) => any} edit
 */
export async function patchJSON(page, url, edit) {
  await page.route(url, async (route) => {
    const res = await route.fetch();
    const data = await res.json();
    await route.fulfill({ response: res, json: edit(data) });
  });
}

/** words reads a count as the analyzer writes it ("not once", "once",
 * "twice", "6 times"). */
export function spelledCount(s) {
  const t = s.trim();
  if (t === 'not once') return 0;
  if (t === 'once') return 1;
  if (t === 'twice') return 2;
  const m = t.match(/^(\d+) times$/);
  if (!m) throw new Error(`not a count: ${JSON.stringify(s)}`);
  return Number(m[1]);
}
