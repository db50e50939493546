// The history page lists rounds with their figures, links each to its
// review or back into the round, and deletes everything only after the
// confirmation word is typed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite, openPage } from '../lib/suite.js';
import { createRound } from '../lib/seed.js';

const suite = useSuite();

test('history lists rounds and deletes all data only after the typed confirmation', async () => {
  const ids = [];
  for (const kind of ['behavioral', 'system_design']) ids.push(await createRound(suite.url, { kind, minutes: 20 }));
  const { page, errors } = await openPage(suite, `${suite.url}/history`);
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
  const left = await (await fetch(`${suite.url}/api/rounds`)).json();
  assert.equal((Array.isArray(left) ? left : left.rounds).length, 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('cancelling the confirmation deletes nothing', async () => {
  await createRound(suite.url, { kind: 'coding', minutes: 20 });
  const { page } = await openPage(suite, `${suite.url}/history`);
  await page.waitForSelector('#rows tr[data-id]');
  await page.click('#delete-all');
  await page.fill('#confirm-input', 'delete');
  await page.keyboard.press('Escape');
  await page.waitForSelector('dialog', { state: 'detached' });
  assert.equal(await page.locator('#rows tr[data-id]').count(), 1);
  const left = await (await fetch(`${suite.url}/api/rounds`)).json();
  assert.equal((Array.isArray(left) ? left : left.rounds).length, 1);
  await page.close();
});
