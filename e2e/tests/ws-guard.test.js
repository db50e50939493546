// The websocket refuses foreign origins, and a malformed message gets an
// error back without breaking the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { useSuite, openPage } from '../lib/suite.js';
import { createRound } from '../lib/seed.js';
import { WEAK_ANSWER, waitForYourTurn, submitTyped } from '../lib/round.js';

const suite = useSuite();
const ROUND = { kind: 'behavioral', minutes: 10 };

/** upgradeStatus tries a websocket handshake with the given Origin and
 * resolves to the HTTP status the server answered (101 when upgraded). */
function upgradeStatus(roundID, origin) {
  const u = new URL(`${suite.url}/ws?round=${roundID}`);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: u.hostname,
      port: u.port,
      path: u.pathname + u.search,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        Origin: origin,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });
}

test('the websocket checks the Origin header before upgrading', async (t) => {
  const id = await createRound(suite.url, ROUND);
  const cases = [
    { name: 'a page from another site is refused', origin: 'http://evil.example', want: 403 },
    { name: 'another port on the same host is refused', origin: `http://127.0.0.1:${(Number(new URL(suite.url).port) % 65535) + 1}`, want: 403 },
    { name: 'the server’s own origin is accepted', origin: suite.url, want: 101 },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      assert.equal(await upgradeStatus(id, c.origin), c.want);
    });
  }
});

test('a malformed message shows an error and the page keeps working', async () => {
  const id = await createRound(suite.url, ROUND);
  const { page } = await openPage(suite, `${suite.url}/round/${id}`);
  await waitForYourTurn(page, 1);

  const cases = [
    { raw: '{this is not json', code: 'bad_json' },
    { raw: JSON.stringify({ v: 1, type: 'teleport' }), code: 'unknown_type' },
    { raw: JSON.stringify({ v: 99, type: 'hello' }), code: 'bad_version' },
  ];
  for (const c of cases) {
    const sent = await page.evaluate((raw) => window.mockloop.socket.sendRaw(raw), c.raw);
    assert.equal(sent, true);
    await page.waitForFunction((code) => Array.from(document.querySelectorAll('.toast.error')).some((t) => t.textContent.includes(code)),
      c.code, { timeout: 5000 });
  }
  // Still connected, still answering: a real answer goes through.
  assert.equal(await page.evaluate(() => window.mockloop.socket.isOpen()), true);
  await submitTyped(page, WEAK_ANSWER);
  assert.ok(await page.locator('#feedback .finding').count() > 0);
  await page.close();
});
