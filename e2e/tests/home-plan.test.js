// Issue 12: the home page says how many questions fit the chosen round
// and length, from GET /api/plan, and says nothing (without a script
// error) when the server cannot answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite, openPage } from '../lib/suite.js';

const suite = useSuite();

async function plan(kind, minutes) {
  const res = await fetch(`${suite.url}/api/plan?kind=${kind}&minutes=${minutes}`);
  assert.equal(res.status, 200, `GET /api/plan?kind=${kind}&minutes=${minutes}`);
  return res.json();
}

/** choose picks a round card and a length as a user does. */
async function choose(page, kind, minutes) {
  await page.locator(`#kind-${kind}`).check();
  await page.selectOption('#minutes', String(minutes));
}

async function planLine(page, want) {
  await page.waitForFunction((w) => {
    const el = document.querySelector('#plan');
    return !el.hidden && el.textContent.startsWith(w);
  }, want, { timeout: 5000 }).catch(() => {});
  return page.textContent('#plan');
}

test('the home page says how many questions fit each round and length, as the server plans them', async () => {
  const { page, errors } = await openPage(suite, `${suite.url}/`);
  for (const [kind, minutes, follow] of [
    ['behavioral', 45, 'one follow-up'],
    ['behavioral', 10, 'one follow-up'],
    ['bar_raiser', 45, 'two follow-ups'],
    ['coding', 60, 'one follow-up'],
  ]) {
    const p = await plan(kind, minutes);
    await choose(page, kind, minutes);
    const b = p.blocks[0];
    const n = `${p.questions} question${p.questions === 1 ? '' : 's'}`;
    const want = b.stages > 1
      ? `${n}, ${p.questions > 1 ? 'each ' : ''}in ${b.stages} parts, each part with at least ${follow}.`
      : `${n}, each with at least ${follow}.`;
    assert.equal(await planLine(page, want), want, `${kind}, ${minutes} minutes`);
  }
  // A loop lists its sections and says the Bar Raiser digs twice.
  const loop = await plan('loop', 60);
  await choose(page, 'loop', 60);
  const text = await planLine(page, `${loop.questions} questions (`);
  assert.match(text, new RegExp(`^${loop.questions} questions \\(1 behavioral, 1 system design, 1 coding, 1 Bar Raiser\\), each answer with at least one follow-up \\(Bar Raiser: two\\)\\.$`));
  assert.deepEqual(errors, []);
  await page.close();
});

test('the plan line stays hidden, with no script error, when the server cannot plan', async () => {
  const { page, errors } = await openPage(suite);
  await page.route('**/api/plan**', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: '404 page not found' }));
  await page.goto(`${suite.url}/`);
  await page.waitForSelector('#engines dd[data-engine=stt] .badge');
  await choose(page, 'bar_raiser', 20);
  // Wait for the page to have asked, then check nothing was shown.
  await page.waitForResponse((r) => r.url().includes('/api/plan') && r.url().includes('bar_raiser'), { timeout: 5000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  assert.equal(await page.isHidden('#plan'), true);
  // The browser's own network log of the 404 is not the page's error.
  assert.deepEqual(errors.filter((e) => !e.startsWith('console: Failed to load resource')), []);
  await page.close();
});
