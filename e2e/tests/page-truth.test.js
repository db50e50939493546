// Issue 15: the page tells the truth. One count everywhere (meter,
// finding, chart, scorecard), strongest and weakest from the API's real
// payload, no stale state after a refresh or a takeover, no silent
// failure on an oversized paste, and a real not-found page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite } from '../lib/suite.js';
import { collectErrors } from '../lib/browser.js';
import { WEAK_ANSWER, STRONG_ANSWER, waitForYourTurn, submitTyped, interviewerTurns } from '../lib/round.js';
import { newRound, deliver, spelledCount } from '../lib/page-helpers.js';

// A team-voiced answer with fillers, so every count under test is above
// zero: "I", "we" and fillers.
const FILLER_ANSWER = 'So um we had a problem with the deployment pipeline, you know, on our team. We talked about it ' +
  'together and we decided to improve it. Um, I wrote the first script and we worked on the rest as a group, ' +
  'like, over a few weeks. In the end we made it much better and everyone on the team was happy with it.';

// One server and the browser under test for the file (e2e/lib/suite.js).
const suite = useSuite();

async function openRound(kind = 'behavioral') {
  const id = await newRound(suite.url, { kind });
  const page = await suite.browser.context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${suite.url}/round/${id}`);
  await waitForYourTurn(page, 1);
  return { id, page, errors };
}

/** iwe parses the meter's or scorecard's "I ×a · we ×b". */
function iwe(text) {
  const m = text.match(/I ×(\d+) · we ×(\d+)/);
  assert.ok(m, `no "I ×a · we ×b" in ${JSON.stringify(text)}`);
  return { i: Number(m[1]), we: Number(m[2]) };
}

test('one answer gives the same I, we and filler counts on the meter, the finding, the charts and the scorecard', async () => {
  const { id, page, errors } = await openRound();
  await page.fill('#answer', FILLER_ANSWER);
  await page.waitForFunction(() => /I ×\d+ · we ×[1-9]/.test(document.querySelector('#m-iwe').textContent), null, { timeout: 5000 });
  const live = iwe(await page.textContent('#m-iwe'));
  const liveFillers = Number(await page.textContent('#m-fillers'));
  await page.press('#answer', 'Control+Enter');
  await page.waitForSelector('#feedback .finding[data-code=weak_ownership]', { timeout: 10000 });

  // The finding, in the analyzer's words: 'you say "we" N times and "I"
  // M times', or 'N times the work is done by "we", … and M times by "I"'.
  const msg = await page.textContent('#feedback .finding[data-code=weak_ownership] .msg');
  const m = msg.match(/say "we" (.+?) and "I" (.+?)(?:,|:)/);
  const m2 = msg.match(/^(.+?) the work is done by .+? and (.+?) by "I"/);
  assert.ok(m || m2, `weak_ownership message has no counts: ${msg}`);
  const finding = m ? { i: spelledCount(m[2]), we: spelledCount(m[1]) } : { i: spelledCount(m2[2]), we: spelledCount(m2[1]) };
  assert.deepEqual(live, finding, 'the live meter and the finding disagree');

  const data = await (await fetch(`${suite.url}/api/rounds/${id}`)).json();
  const turn = data.turns.find((t) => t.role === 'candidate');
  const fillers = turn.report.metrics.fillers;
  assert.ok(fillers > 0, 'fixture: the answer should have fillers');
  assert.equal(liveFillers, fillers, 'the live fillers meter and the report disagree');

  const chart = await (await fetch(`${suite.url}/api/rounds/${id}/charts/${turn.seq}/ownership.svg`)).text();
  assert.ok(chart.includes(`>I ${finding.i}</text>`) && chart.includes(`>we ${finding.we}</text>`),
    `the ownership chart does not say I ${finding.i} and we ${finding.we}`);
  const timeline = await (await fetch(`${suite.url}/api/rounds/${id}/charts/${turn.seq}/timeline.svg`)).text();
  assert.ok(timeline.includes(`>${fillers} counted</text>`), `the timeline does not say ${fillers} fillers counted, every one placed`);
  const ticks = (timeline.match(/<title>(“[^”]*” at|\d+ fillers from) /g) || [])
    .reduce((n, t) => n + (/^<title>(\d+) fillers/.test(t) ? Number(t.match(/\d+/)[0]) : 1), 0);
  assert.equal(ticks, fillers, 'the timeline places a different number of fillers than it counts');
  assert.ok(!timeline.includes('>pauses</text>'), 'a typed answer has an empty pauses row');

  const review = await suite.browser.context.newPage();
  await review.goto(`${suite.url}/review/${id}`);
  await review.waitForSelector('body[data-ready=true]');
  const card = review.locator(`#answer-${turn.seq} .scorecard`);
  assert.deepEqual(iwe(await card.locator('dd[data-row=Ownership]').textContent()), finding, 'the scorecard disagrees');
  assert.match(await card.locator('dd[data-row=Delivery]').textContent(), new RegExp(`\\b${fillers} fillers\\b`));
  assert.match(await review.textContent('#summary dd[data-row="Ownership (I share)"]'), new RegExp(`I ×${finding.i}, we ×${finding.we}`));
  // The history list gives the review's count of findings.
  const reviewFindings = (await review.textContent('#summary dd[data-row=Findings]')).match(/^\d+/)[0];
  await review.goto(`${suite.url}/history`);
  await review.waitForSelector('body[data-ready=true]');
  assert.equal(await review.textContent(`#rows tr[data-id="${id}"] td[data-col=findings]`), reviewFindings);
  assert.deepEqual(errors, []);
  await review.close();
  await page.close();
});

test('the history page and the review count the same faults when a follow-up resolved some', async () => {
  const { id, page, errors } = await openRound();
  await submitTyped(page, WEAK_ANSWER);
  const probe = await waitForYourTurn(page, 2);
  assert.notEqual(probe.turn.kind, 'question', 'fixture: a weak answer should get a follow-up');
  await submitTyped(page, STRONG_ANSWER);
  await waitForYourTurn(page, 3);
  const data = await (await fetch(`${suite.url}/api/rounds/${id}`)).json();
  const main = data.turns.find((t) => t.role === 'candidate');
  assert.ok((main.resolved || []).length > 0, `fixture: the follow-up should resolve a finding of the main answer: ${JSON.stringify(main.report.findings.map((f) => f.code))}`);
  const review = await suite.browser.context.newPage();
  await review.goto(`${suite.url}/review/${id}`);
  await review.waitForSelector('body[data-ready=true]');
  const reviewFindings = (await review.textContent('#summary dd[data-row=Findings]')).match(/^\d+/)[0];
  await review.goto(`${suite.url}/history`);
  await review.waitForSelector('body[data-ready=true]');
  assert.equal(await review.textContent(`#rows tr[data-id="${id}"] td[data-col=findings]`), reviewFindings);
  assert.deepEqual(errors, []);
  await review.close();
  await page.close();
});

test('the header badge, the eyebrow and the feedback card count questions the same way', async () => {
  const { page, errors } = await openRound();
  let asked = await interviewerTurns(page);
  // Answer until the second main question arrives (follow-ups between).
  for (let i = 0; i < 4; i++) {
    const last = await waitForYourTurn(page, asked);
    if (last.turn.kind === 'question' && last.turn.question_idx === 1) break;
    await submitTyped(page, STRONG_ANSWER);
    asked++;
  }
  const badge = await page.textContent('#qcount');
  const eyebrow = await page.textContent('#q-eyebrow');
  assert.match(badge, /^Question 2( of \d+)?$/);
  assert.equal(eyebrow, 'Question 2');
  const of = badge.match(/of (\d+)/);
  if (of) assert.ok(Number(of[1]) >= 2, `badge says ${badge}`);
  // The last feedback was on an answer to question 1, said as such.
  assert.match(await page.textContent('#fb-for'), /question 1$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('strongest and weakest answers are shown from the API payload', async () => {
  const { id, page } = await openRound();
  await submitTyped(page, WEAK_ANSWER);
  await waitForYourTurn(page, 2);
  await submitTyped(page, STRONG_ANSWER);
  await page.evaluate(() => window.mockloop.socket.send({ type: 'end' }));
  await page.waitForFunction(() => window.mockloop.state.phase === 'finished', null, { timeout: 10000 });
  const data = await (await fetch(`${suite.url}/api/rounds/${id}`)).json();
  const d = data.round.debrief;
  assert.ok(d && d.strongest_turn_seq >= 0 && d.weakest_turn_seq >= 0, `debrief lacks strongest/weakest: ${JSON.stringify(d)}`);
  assert.notEqual(d.strongest_turn_seq, d.weakest_turn_seq);
  const review = await suite.browser.context.newPage();
  const errors = collectErrors(review);
  await review.goto(`${suite.url}/review/${id}`);
  await review.waitForSelector('body[data-ready=true]');
  assert.equal(await review.getAttribute('[data-strongest] a', 'href'), `#answer-${d.strongest_turn_seq}`);
  assert.equal(await review.getAttribute('[data-weakest] a', 'href'), `#answer-${d.weakest_turn_seq}`);
  assert.match(await review.textContent('.strong-weak'), /Strongest: your answer to .+\. Weakest: your answer to .+\./);
  assert.deepEqual(errors, []);
  await review.close();
  await page.close();
});

test('a refresh mid-answer keeps the typed draft and the answer clock', async () => {
  const { page, errors } = await openRound();
  const draft = 'Half an answer: we had a deployment problem and I started by';
  await page.fill('#answer', draft);
  await page.waitForFunction(() => document.querySelector('#timer').textContent >= '0:02', null, { timeout: 10000 });
  const before = await page.textContent('#timer');
  await page.reload();
  await waitForYourTurn(page, 1);
  assert.equal(await page.inputValue('#answer'), draft);
  const after = await page.textContent('#timer');
  const sec = (t) => Number(t.split(':')[0]) * 60 + Number(t.split(':')[1]);
  assert.ok(sec(after) >= sec(before) && sec(after) < sec(before) + 30, `timer ${before} before the refresh, ${after} after`);
  assert.equal(await page.getAttribute('#timer-card', 'data-state'), 'ok');
  // The restored draft drives the live meters again.
  await page.waitForFunction(() => /I ×[1-9]/.test(document.querySelector('#m-iwe').textContent), null, { timeout: 5000 });
  // Submitting it forgets it: the next question starts with an empty box.
  const asked = await interviewerTurns(page);
  await submitTyped(page, draft);
  await waitForYourTurn(page, asked + 1);
  await page.reload();
  await waitForYourTurn(page, asked + 1);
  assert.equal(await page.inputValue('#answer'), '');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the tab that takes over shows the same timebox as a fresh tab on the next question', async () => {
  const { id, page: first } = await openRound();
  await submitTyped(first, WEAK_ANSWER);
  const probe = await waitForYourTurn(first, 2);
  assert.notEqual(probe.turn.kind, 'question', 'fixture: a weak answer should get a follow-up');
  const second = await suite.browser.context.newPage();
  const errors = collectErrors(second);
  await second.goto(`${suite.url}/round/${id}`);
  await waitForYourTurn(second, 2);
  const probeBox = await second.textContent('#timebox');
  await submitTyped(second, STRONG_ANSWER);
  let asked = 3;
  let last = await waitForYourTurn(second, asked);
  while (last.turn.kind !== 'question' && asked < 6) {
    await submitTyped(second, STRONG_ANSWER);
    last = await waitForYourTurn(second, ++asked);
  }
  assert.equal(last.turn.kind, 'question');
  const shown = await second.textContent('#timebox');
  const fresh = await suite.browser.context.newPage();
  await fresh.goto(`${suite.url}/round/${id}`);
  await waitForYourTurn(fresh, asked);
  assert.equal(shown, await fresh.textContent('#timebox'), `after the follow-up's "${probeBox}"`);
  assert.deepEqual(errors, []);
  await fresh.close();
  await second.close();
  await first.close();
});

test('"Saved." is cleared when the next question comes', async () => {
  const { page, errors } = await openRound();
  const asked = await interviewerTurns(page);
  // The follow-up can come within milliseconds of the ack: record every
  // status the page showed rather than race to read it.
  await page.evaluate(() => {
    window.statuses = [];
    new MutationObserver(() => window.statuses.push(document.querySelector('#answer-status').textContent))
      .observe(document.querySelector('#answer-status'), { childList: true, characterData: true, subtree: true });
  });
  await submitTyped(page, WEAK_ANSWER);
  await waitForYourTurn(page, asked + 1);
  assert.ok((await page.evaluate(() => window.statuses)).includes('Saved.'), 'the page never said Saved.');
  assert.equal(await page.textContent('#answer-status'), '');
  assert.deepEqual(errors, []);
  await page.close();
});

test('an oversized paste is refused in the page with the limit in words, and the round goes on', async () => {
  const { page, errors } = await openRound();
  const cfg = await (await fetch(`${suite.url}/api/config`)).json();
  const max = (cfg.limits && cfg.limits.answer_words) || 20000;
  for (const [name, text, want] of [
    ['too many words', 'word '.repeat(max + 5000), /at most 20,000 words/],
    ['one 400 KB token', 'x'.repeat(400 * 1024), /too big to send .*at most 20,000 words/],
  ]) {
    await page.fill('#answer', text);
    await page.waitForFunction(() => document.querySelector('#answer-status').classList.contains('error'), null, { timeout: 5000 });
    assert.match(await page.textContent('#answer-status'), want, name);
    await page.click('#submit');
    assert.match(await page.textContent('#answer-status'), want, `${name}: submit`);
    assert.equal(await page.isDisabled('#submit'), false, `${name}: Submit is stuck`);
    assert.equal(await page.evaluate(() => window.mockloop.socket.isOpen()), true, `${name}: the socket closed`);
  }
  // The same connection still takes a normal answer.
  await submitTyped(page, WEAK_ANSWER);
  assert.equal(await page.textContent('#conn'), 'Connected');
  assert.deepEqual(errors, []);
  await page.close();
});

test('an answer lost with the connection gives Submit back with a message, never a spinner forever', async () => {
  const { page, errors } = await openRound();
  // The answer leaves the page but never reaches the server, then the
  // connection drops: the server's snapshot after the reconnect decides.
  await page.evaluate(() => {
    const s = window.mockloop.socket;
    const send = s.send.bind(s);
    s.send = (m) => (m.type === 'answer' ? s.isOpen() : send(m));
  });
  await page.fill('#answer', WEAK_ANSWER);
  await page.click('#submit');
  assert.equal(await page.textContent('#answer-status'), 'Saving…');
  assert.equal(await page.isDisabled('#submit'), true);
  await page.evaluate(() => window.mockloop.socket.ws.close());
  await page.waitForFunction(() => !document.querySelector('#submit').disabled && document.querySelector('#answer-status').classList.contains('error'),
    null, { timeout: 10000 });
  assert.match(await page.textContent('#answer-status'), /still in the box/);
  assert.equal(await page.inputValue('#answer'), WEAK_ANSWER);
  // Once connected again, the answer goes through.
  await page.waitForFunction(() => window.mockloop.socket.isOpen(), null, { timeout: 10000 });
  await page.evaluate(() => { delete window.mockloop.socket.send; });
  await submitTyped(page, WEAK_ANSWER);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the "On:" line of a follow-up quotes the question without the spoken transition', async () => {
  const { page, errors } = await openRound();
  await submitTyped(page, WEAK_ANSWER);
  const probe = await waitForYourTurn(page, 2);
  assert.notEqual(probe.turn.kind, 'question');
  const on = await page.textContent('#q-context');
  assert.match(on, /^On: \S/);
  assert.doesNotMatch(on, /^On: (hello|hi|thanks|thank you|okay|ok|great|let's)\b/i);
  assert.doesNotMatch(on, /thanks for joining|next question/i);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a cut-in is labelled as one, not "Interviewer · Interviewer"', async () => {
  const { page, errors } = await openRound();
  const seq = await page.evaluate(() => window.mockloop.state.turns.at(-1).seq + 1);
  await deliver(page, { type: 'interviewer', turn: { seq, role: 'interviewer', kind: 'cutin', text: 'Let me stop you there. In a sentence, what was the result?' } });
  const who = page.locator(`#conversation .turn[data-seq="${seq}"] .who`);
  assert.equal(await who.locator('.badge').textContent(), 'Cut-in');
  assert.equal((await who.textContent()).match(/Interviewer/g).length, 1);
  assert.equal(await page.textContent('#q-eyebrow'), 'The interviewer cut in');
  assert.deepEqual(errors, []);
  await page.close();
});

test('unknown rounds, reviews and paths get the not-found page', async () => {
  const page = await suite.browser.context.newPage();
  const errors = collectErrors(page);
  for (const [path, heading, absent] of [
    ['/round/does-not-exist', 'This round does not exist', '#submit'],
    ['/review/does-not-exist', 'There is no review here', '#delete'],
    ['/nope', 'There is no page here', '#start'],
  ]) {
    const res = await page.goto(`${suite.url}${path}`);
    assert.equal(res.status(), 404, path);
    assert.equal((await page.textContent('h1')).trim(), heading, path);
    assert.equal(await page.locator(absent).count(), 0, `${path} shows ${absent}`);
    assert.ok(await page.locator('.topbar nav a[href="/history"]').isVisible(), `${path} has no way back`);
    assert.ok(await page.locator('a.button[href="/"]').isVisible(), `${path} offers no new round`);
  }
  // Missing favicon and the like are the page's business; no script ran.
  assert.deepEqual(errors.filter((e) => !e.includes('404')), []);
  await page.close();
});
