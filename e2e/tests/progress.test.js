// The history page as a progress page: trend sparklines with their
// direction, the story bank linking into reviews, the 16-principle
// coverage map, and "Practise my gaps" starting a round on a principle
// without a strong story. Also the review page's answer charts, on screen
// and on paper. The data is made the way a user makes it: typed rounds
// over the websocket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, emulatePrint } from '../lib/browser.js';
import { useSuite, openPage } from '../lib/suite.js';
import { WEAK_ANSWER, STRONG_ANSWER, waitForYourTurn } from '../lib/round.js';
import { createRound, playTypedRound, STRONG_STORY } from '../lib/seed.js';

// rounds seeded, oldest first: a weak story with a follow-up, then a
// strong one, so there are stories of both strengths and some gaps left.
const seeded = [];
const suite = useSuite({
  setup: async () => {
    const { page } = await openPage(suite, `${suite.url}/history`);
    const plans = [
      { seed: 1, answers: [WEAK_ANSWER, STRONG_ANSWER] },
      { seed: 2, answers: [WEAK_ANSWER, WEAK_ANSWER] },
      { seed: 3, answers: [STRONG_STORY] },
    ];
    for (const p of plans) {
      const id = await createRound(suite.url, { kind: 'behavioral', minutes: 10, seed: p.seed });
      const asked = await playTypedRound(page, id, p.answers);
      seeded.push({ id, asked });
    }
    await page.close();
  },
});

async function progress() {
  const res = await fetch(`${suite.url}/api/progress`);
  assert.equal(res.status, 200);
  return res.json();
}

/** imagesLoaded waits until every image matching sel has decoded with a
 * real size, and returns them with their alt text. */
async function imagesLoaded(page, sel, want) {
  await page.waitForFunction(({ sel, want }) => {
    const imgs = Array.from(document.querySelectorAll(sel));
    return imgs.length >= want && imgs.every((i) => i.complete && i.naturalWidth > 0);
  }, { sel, want }, { timeout: 10000 });
  return page.$$eval(sel, (imgs) => imgs.map((i) => ({ src: i.getAttribute('src'), alt: i.alt, w: i.naturalWidth, h: i.naturalHeight })));
}

test('the progress page shows trends, the story bank and all 16 principles', async (t) => {
  const want = await progress();
  const { page, errors } = await openPage(suite, `${suite.url}/history`);
  await page.waitForSelector('body[data-ready=true]');

  await t.test('every trend has a sparkline that loads, its direction and its latest figure', async () => {
    // Answer length is one card: time spoken when any round was spoken,
    // else words (the page shows the other figure beside it).
    const spoken = want.trends.rounds.some((r) => r.answer_sec !== null && r.answer_sec !== undefined);
    const shown = want.trends.trends.filter((tr) => tr.metric !== (spoken ? 'answer_words' : 'answer_sec'));
    const imgs = await imagesLoaded(page, '#trends img.spark', shown.length);
    assert.equal(imgs.length, shown.length);
    for (const img of imgs) {
      assert.match(img.src, /^\/api\/progress\/[a-z_]+\.svg\?v=/);
      assert.ok(img.alt.length > 20, `sparkline alt text too thin: ${JSON.stringify(img.alt)}`);
    }
    const cards = await page.$$eval('#trends li.trend', (lis) => lis.map((li) => ({
      metric: li.dataset.metric, direction: li.dataset.direction,
      badge: li.querySelector('.badge').textContent, value: li.querySelector('.trend-value').textContent,
    })));
    assert.deepEqual(cards.map((c) => [c.metric, c.direction]), shown.map((tr) => [tr.metric, tr.direction]));
    assert.equal(await page.locator('#trends h3', { hasText: 'Average answer length' }).count(), 1);
    for (const c of cards) {
      const tr = want.trends.trends.find((x) => x.metric === c.metric);
      const label = { improving: /Improving/, steady: /Steady/, worse: /worse/, unknown: /Needs two rounds|No data yet/ }[tr.direction];
      assert.match(c.badge, label, `${c.metric} badge`);
      if (tr.latest === null) assert.equal(c.value, '—', `${c.metric} has no latest figure`);
      else assert.notEqual(c.value, '—', `${c.metric} latest is ${tr.latest}`);
    }
    // Typed rounds have no timings: fillers per minute and pace are null.
    assert.equal(cards.find((c) => c.metric === 'wpm').value, '—');
    assert.ok(cards.some((c) => c.direction === 'improving'), 'the seeded rounds got better, but no trend says so');
  });

  await t.test('the coverage map has one row per principle, each with the API’s strength and best story', async () => {
    const rows = await page.$$eval('#coverage-rows tr', (trs) => trs.map((tr) => ({
      principle: tr.dataset.principle, strength: tr.dataset.strength,
      href: tr.querySelector('a') && tr.querySelector('a').getAttribute('href'),
    })));
    assert.equal(rows.length, 16);
    assert.deepEqual(rows.map((r) => [r.principle, r.strength]), want.coverage.map((c) => [c.principle, c.strength]));
    for (const [i, c] of want.coverage.entries()) {
      assert.equal(rows[i].href, c.best ? `/review/${c.best.round_id}#answer-${c.best.seq}` : null, c.principle);
    }
    const strengths = new Set(rows.map((r) => r.strength));
    assert.ok(strengths.has('strong') && strengths.has('none'), `seeded data should cover strong and none: ${[...strengths]}`);
  });

  await t.test('the story bank lists every story, newest first, linking to its answer in the review', async () => {
    const items = await page.$$eval('#stories li.story', (lis) => lis.map((li) => ({
      href: li.querySelector('a.story-title').getAttribute('href'), strong: li.dataset.strong,
      principles: Array.from(li.querySelectorAll('.chip')).map((c) => c.textContent),
    })));
    const stories = want.stories.slice().reverse();
    assert.equal(items.length, stories.length);
    assert.ok(items.length >= 2);
    for (const [i, s] of stories.entries()) {
      assert.equal(items[i].href, `/review/${s.round_id}#answer-${s.seq}`);
      assert.equal(items[i].strong, String(s.strong));
      assert.deepEqual(items[i].principles, s.principles);
    }
    await Promise.all([page.waitForURL(/\/review\//), page.click('#stories li.story a.story-title')]);
    await page.waitForSelector('body[data-ready=true]');
    const target = new URL(page.url()).hash.slice(1);
    assert.equal(await page.locator(`#${target}.answer-block`).count(), 1, `${target} is not an answer on the review page`);
    // Back to the history page, as the browser's Back button goes. Not
    // page.goBack(): Firefox restores the page from its back-forward cache,
    // for which WebDriver BiDi reports no navigation, so goBack would wait
    // for ever; wait for the page itself instead.
    await page.evaluate(() => history.back());
    await page.waitForFunction(() => location.pathname === '/history' && document.body.dataset.ready === 'true');
  });

  await t.test('the rounds table still lists every round', async () => {
    const ids = await page.$$eval('#rows tr[data-id]', (trs) => trs.map((tr) => tr.dataset.id));
    assert.deepEqual(ids.sort(), seeded.map((s) => s.id).sort());
    // Typed rounds have no pace: a dash, not "0".
    const wpm = await page.$$eval('#rows tr[data-id] td:last-child', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual([...new Set(wpm)], ['—']);
  });

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, 'history.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the review page draws each answer’s charts and prints without its controls', async (t) => {
  const { id } = seeded[0];
  const data = await (await fetch(`${suite.url}/api/rounds/${id}`)).json();
  const answers = data.turns.filter((x) => x.role === 'candidate' && x.report);
  assert.ok(answers.length >= 2);
  const { page, errors } = await openPage(suite, `${suite.url}/review/${id}`);
  await page.waitForSelector('body[data-ready=true]');

  await t.test('every answer has its timeline and ownership charts loaded, with alt text', async () => {
    // Typed answers: no pace chart (there is no timing to draw).
    const imgs = await imagesLoaded(page, '.answer-charts img', answers.length * 2);
    assert.equal(imgs.length, answers.length * 2);
    for (const a of answers) {
      const charts = imgs.filter((i) => i.src.startsWith(`/api/rounds/${id}/charts/${a.seq}/`)).map((i) => i.src.split('/').pop());
      assert.deepEqual(charts, ['timeline.svg', 'ownership.svg'], `answer ${a.seq}`);
    }
    for (const i of imgs) {
      assert.equal(i.w, 600);
      assert.ok(i.alt.length > 20, `chart alt text too thin: ${JSON.stringify(i.alt)}`);
    }
    const alt = imgs.find((i) => i.src.endsWith(`/${answers[0].seq}/ownership.svg`)).alt;
    const m = answers[0].report.metrics;
    // The analyzer's ownership count, the one its finding quotes.
    assert.ok(alt.includes(`I ×${m.i_count}`) && alt.includes(`we ×${m.we_count}`), alt);
  });

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, 'review-charts.png'), fullPage: true });

  await t.test('printing hides the controls and keeps each chart whole', async () => {
    // Rendered at all: an element inside a display:none parent has no boxes.
    const visible = (sel) => page.$$eval(sel, (els) => els.some((e) => e.getClientRects().length > 0));
    assert.equal(await visible('.review-head .actions'), true);
    await emulatePrint(page, true);
    for (const sel of ['.topbar', '.review-head .actions', '#print', '#delete']) {
      assert.equal(await visible(sel), false, `${sel} shows in print`);
    }
    assert.equal(await visible('.answer-charts img'), true, 'charts are hidden in print');
    const breaks = await page.$$eval('.answer-charts .chart', (fs) => [...new Set(fs.map((f) => getComputedStyle(f).breakInside))]);
    assert.deepEqual(breaks, ['avoid']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'review-print.png'), fullPage: true });
    await emulatePrint(page, false);
  });
  assert.deepEqual(errors, []);
  await page.close();
});

test('Practise my gaps starts a behavioral round on a principle without a strong story', async () => {
  const { gaps } = await progress();
  assert.ok(gaps.length > 0 && gaps.length < 16, `want some gaps and some strong principles, got ${gaps.length}`);
  const { page, errors } = await openPage(suite, `${suite.url}/history`);
  await page.waitForSelector('body[data-ready=true]');
  assert.match(await page.textContent('#gaps-note'), new RegExp(`${gaps.length} principles lack`));
  await Promise.all([page.waitForURL(/\/round\/[^/]+$/), page.click('#practise-gaps')]);
  const id = new URL(page.url()).pathname.split('/').pop();
  const first = await waitForYourTurn(page, 1);
  assert.equal(first.turn.kind, 'question');
  assert.ok(gaps.includes(first.turn.principle), `first question is on ${first.turn.principle}, not one of the gaps ${gaps}`);
  const r = await (await fetch(`${suite.url}/api/rounds/${id}`)).json();
  assert.equal(r.round.kind, 'behavioral');
  assert.equal(r.round.minutes, 30);
  assert.deepEqual(errors, []);
  await page.close();
});
