// How the pages look at a laptop's 1366 px and a phone's 390 px: nothing
// clipped or covered, the small visual faults of issue 15 fixed, and a
// screenshot of each page at both widths in e2e/artifacts/ for a person
// to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSuite } from '../lib/suite.js';
import { collectErrors, ARTIFACTS } from '../lib/browser.js';
import { WEAK_ANSWER, STRONG_ANSWER, waitForYourTurn, submitTyped } from '../lib/round.js';
import { playTypedRound, STRONG_STORY } from '../lib/seed.js';
import { newRound, deliver } from '../lib/page-helpers.js';

const WIDTHS = [1366, 390];

let finished; // a finished behavioral round with follow-ups
let active; // a round in progress, on its second answer
// One server and the browser under test (e2e/lib/suite.js); the rounds the
// screenshots show are played once everything is up.
const suite = useSuite({
  setup: async (s) => {
    const page = await s.browser.context.newPage();
    await page.goto(`${s.url}/history`);
    finished = await newRound(s.url, { kind: 'behavioral' });
    await playTypedRound(page, finished, [WEAK_ANSWER, STRONG_ANSWER, STRONG_STORY, STRONG_ANSWER]);
    const design = await newRound(s.url, { kind: 'system_design' });
    await playTypedRound(page, design, ['I would clarify the channels and the scale first: 20 million a day, 2,000 a second at peak.',
      'The design has an API, a queue, workers per channel and a dead-letter queue, with retries and backoff.']);
    await page.close();
    active = await newRound(s.url, { kind: 'behavioral' });
  },
});

/** contrast is the WCAG contrast ratio of two CSS rgb() colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

async function noSideScroll(page, name) {
  const [scroll, inner, wide] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth,
    // The outermost elements sticking out, to say what to fix (a table
    // scrolling inside its own card is fine).
    Array.from(document.querySelectorAll('main *')).filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 &&
      !e.closest('.table-card') && !e.parentElement.closest('main *:not(.card):not(div):not(section)'))
      .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className ? `.${String(e.className).split(' ')[0]}` : ''}`)]);
  assert.ok(scroll <= inner, `${name}: the page scrolls sideways (${scroll} > ${inner}): ${wide.join(', ')}`);
  const nav = await page.locator('.topbar nav a[href="/history"]').boundingBox();
  assert.ok(nav && nav.x >= 0 && nav.x + nav.width <= inner, `${name}: "History" is clipped (${JSON.stringify(nav)} in ${inner})`);
}

for (const width of WIDTHS) {
  test(`at ${width} px every page fits, and a screenshot of each is kept`, async (t) => {
    const page = await suite.browser.context.newPage();
    await page.setViewportSize({ width, height: width > 800 ? 900 : 844 });
    const errors = collectErrors(page);
    // The whole page, and what the first screen shows.
    const shot = async (name) => {
      await page.screenshot({ path: path.join(ARTIFACTS, `page-${name}-${width}.png`), fullPage: true });
      await page.screenshot({ path: path.join(ARTIFACTS, `page-${name}-${width}-first-screen.png`) });
    };

    await t.test('home', async () => {
      await page.goto(`${suite.url}/`);
      await page.waitForFunction(() => !document.querySelector('[data-engine=stt]').textContent.includes('…'));
      await page.locator('#kind-system_design').check();
      await shot('home');
      await noSideScroll(page, 'home');
    });
    await t.test('round', async () => {
      await page.goto(`${suite.url}/round/${active}`);
      const first = await waitForYourTurn(page, 1);
      if (first.turn.seq === 0 && !(await page.evaluate(() => window.mockloop.state.turns.some((x) => x.role === 'candidate')))) {
        await submitTyped(page, WEAK_ANSWER);
        await waitForYourTurn(page, 2);
      }
      await page.fill('#answer', 'I owned the fix. I measured the pipeline first: deploys took 45 minutes');
      await page.waitForFunction(() => /I ×[1-9]/.test(document.querySelector('#m-iwe').textContent), null, { timeout: 5000 });
      await shot('round');
      await noSideScroll(page, 'round');
    });
    await t.test('review', async () => {
      await page.goto(`${suite.url}/review/${finished}`);
      await page.waitForSelector('body[data-ready=true]');
      await shot('review');
      await noSideScroll(page, 'review');
    });
    await t.test('history', async () => {
      await page.goto(`${suite.url}/history`);
      await page.waitForSelector('body[data-ready=true]');
      await shot('history');
      await noSideScroll(page, 'history');
    });
    await t.test('not found', async () => {
      const res = await page.goto(`${suite.url}/round/no-such-round`);
      assert.equal(res.status(), 404);
      await shot('notfound');
      await noSideScroll(page, 'not found');
    });
    // The browser logs the not-found page's own 404 status.
    assert.deepEqual(errors.filter((e) => !e.includes('status of 404')), []);
    await page.close();
  });
}

test('the small things: key cap contrast, the selected round, toasts, long principles', async (t) => {
  const page = await suite.browser.context.newPage();
  const errors = collectErrors(page);

  await t.test('the selected round card is marked by more than its border', async () => {
    await page.goto(`${suite.url}/`);
    await page.locator('#kind-coding').check();
    const look = (sel) => page.$eval(sel, (e) => ({ bg: getComputedStyle(e).backgroundColor, mark: getComputedStyle(e, '::after').content }));
    const on = await look('#kind-coding + .kind-card');
    const off = await look('#kind-behavioral + .kind-card');
    assert.notEqual(off.bg, on.bg, 'the selected card has the same background as the others');
    assert.equal(on.mark, '"✓"');
    assert.equal(off.mark, 'none');
  });

  const id = await newRound(suite.url, { kind: 'behavioral' });
  await page.goto(`${suite.url}/round/${id}`);
  await waitForYourTurn(page, 1);

  await t.test('the D on "I\'m done" can be read', async () => {
    await page.evaluate(() => { document.querySelector('#mic-done').hidden = false; });
    const [fg, bg, btn] = await page.$eval('#mic-done kbd', (k) => {
      const cs = getComputedStyle(k);
      return [cs.color, cs.backgroundColor, getComputedStyle(k.parentElement).backgroundColor];
    });
    // The key cap is translucent over the button: judge it on the button.
    const over = bg.startsWith('rgba') && Number(bg.match(/[\d.]+/g)[3]) < 0.5 ? btn : bg;
    assert.ok(contrast(fg, over) >= 4.5, `key cap text ${fg} on ${over}: contrast ${contrast(fg, over).toFixed(2)}`);
    await page.evaluate(() => { document.querySelector('#mic-done').hidden = true; });
  });

  await t.test('a toast does not cover the feedback card, and nudges sit in the timer card', async () => {
    await deliver(page, { type: 'error', code: 'x_test', message: 'Something the page shows as a toast.' });
    await deliver(page, { type: 'nudge', code: 'time', text: '2:00, land the result' });
    const toast = await page.locator('.toast').boundingBox();
    const card = await page.locator('#feedback').boundingBox();
    const overlap = toast.x < card.x + card.width && card.x < toast.x + toast.width && toast.y < card.y + card.height && card.y < toast.y + toast.height;
    assert.ok(!overlap, `the toast ${JSON.stringify(toast)} covers the feedback card ${JSON.stringify(card)}`);
    assert.equal(await page.textContent('#timer-card #nudge'), '2:00, land the result');
  });

  await t.test('a long principle does not push End round onto its own line', async () => {
    const q = await page.evaluate(() => window.mockloop.state.question);
    await deliver(page, { type: 'state', round: await page.evaluate(() => window.mockloop.state.round), turns: await page.evaluate(() => window.mockloop.state.turns),
      phase: 'answering', question: { ...q, principle: 'Strive to be Earth’s Best Employer and Success and Scale Bring Broad Responsibility' } });
    const skip = await page.locator('#skip').boundingBox();
    const end = await page.locator('#end').boundingBox();
    const title = await page.locator('.round-title').boundingBox();
    assert.equal(Math.round(end.y), Math.round(skip.y), 'Skip and End round are on different lines');
    // Beside the title, not below it.
    assert.ok(end.x >= title.x + title.width && end.y < title.y + title.height, `End round ${JSON.stringify(end)} is not beside the title ${JSON.stringify(title)}`);
    assert.match(await page.getAttribute('#principle', 'title'), /Strive to be Earth’s Best Employer and Success/);
  });
  assert.deepEqual(errors, []);
  await page.close();
});
