// The history page lists rounds with their figures, links each to its
// review or back into the round, and deletes everything only after the
// confirmation word is typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.js';
import { launch, collectErrors } from '../lib/browser.js';

let srv;
let browser;
before(async () => {
  srv = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('history lists rounds and deletes all data only after the typed confirmation', async () => {
  const ids = [];
  for (const kind of ['behavioral', 'system_design']) {
    const res = await fetch(`${srv.url}/api/rounds`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind, minutes: 20 }),
    });
    assert.equal(res.status, 201);
    const body = await res.json();
    ids.push((body.round || body).id);
  }
  const page = await browser.context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${srv.url}/history`);
  await page.waitForSelector('#rows tr[data-id]');
  const rows = await page.$$eval('#rows tr[data-id]', (trs) => trs.map((tr) => ({ id: tr.dataset.id, href: tr.querySelector('a').getAttribute('href') })));
  assert.deepEqual(rows.map((r) => r.id).sort(), [...ids].sort());
  for (const r of rows) assert.equal(r.href, `/round/${r.id}`, 'an active round links back into the round');

  await page.click('#delete-all');
  assert.equal(await page.isDisabled('#confirm-ok'), true, 'delete is enabled before the word is typed');
  await page.fill('#confirm-input', 'delet');
  assert.equal(await page.isDisabled('#confirm-ok'), true);
  await page.fill('#confirm-input', 'delete');
  await page.click('#confirm-ok');
  await page.waitForSelector('#rows td.empty');
  const left = await (await fetch(`${srv.url}/api/rounds`)).json();
  assert.equal((Array.isArray(left) ? left : left.rounds).length, 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('cancelling the confirmation deletes nothing', async () => {
  const res = await fetch(`${srv.url}/api/rounds`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind: 'coding', minutes: 20 }),
  });
  assert.equal(res.status, 201);
  const page = await browser.context.newPage();
  await page.goto(`${srv.url}/history`);
  await page.waitForSelector('#rows tr[data-id]');
  await page.click('#delete-all');
  await page.fill('#confirm-input', 'delete');
  await page.keyboard.press('Escape');
  await page.waitForSelector('dialog', { state: 'detached' });
  assert.equal(await page.locator('#rows tr[data-id]').count(), 1);
  const left = await (await fetch(`${srv.url}/api/rounds`)).json();
  assert.equal((Array.isArray(left) ? left : left.rounds).length, 1);
  await page.close();
});
