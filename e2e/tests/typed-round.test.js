// Issue requirement: a complete typed behavioral round through the UI, from
// the home page to a review page with the findings marked at their words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS } from '../lib/browser.js';
import { useSuite, openPage } from '../lib/suite.js';
import { WEAK_ANSWER, STRONG_ANSWER, waitForYourTurn, submitTyped, interviewerTurns } from '../lib/round.js';

const suite = useSuite();

test('a typed behavioral round goes from the home page to a review with highlighted findings', async () => {
  // Home: engines shown, pick behavioral and 10 minutes, start.
  const { page, errors } = await openPage(suite, `${suite.url}/`);
  await page.waitForFunction(() => !document.querySelector('[data-engine=stt]').textContent.includes('…'));
  await page.locator('#kind-behavioral').check();
  await page.selectOption('#minutes', '10');
  await Promise.all([page.waitForURL(/\/round\/[^/]+$/), page.click('#start')]);
  const roundID = new URL(page.url()).pathname.split('/').pop();

  // The first question is asked and shown.
  const first = await waitForYourTurn(page, 1);
  assert.equal(first.phase, 'answering');
  const question = (await page.textContent('#question')).trim();
  assert.ok(question.length > 15, `question too short: ${JSON.stringify(question)}`);
  assert.equal(question, first.turn.text);

  // Typing updates the live meters through debounced drafts.
  await page.fill('#answer', WEAK_ANSWER);
  await page.waitForFunction(() => /we ×[1-9]/.test(document.querySelector('#m-iwe').textContent), null, { timeout: 5000 });

  // Submit the weak answer: the box clears on ack and feedback cards appear.
  // Count the interviewer's turns first: the probe may arrive right away.
  let asked = await interviewerTurns(page);
  await page.press('#answer', 'Control+Enter');
  await page.waitForFunction(() => document.querySelector('#answer').value === '', null, { timeout: 10000 });
  for (const code of ['missing_metric', 'weak_ownership']) {
    await page.waitForSelector(`#feedback .finding[data-code=${code}]`, { timeout: 10000 });
  }
  // A card quotes the answer's own words, not a generic line.
  const quotes = await page.$$eval('#feedback .finding .quote', (els) => els.map((e) => ({
    text: e.textContent.replace(/^“|”$/g, ''),
    words: Array.from(e.querySelectorAll('strong')).map((s) => s.textContent),
  })));
  assert.ok(quotes.length > 0, 'no feedback card quotes the answer');
  // The round page mid-round, with its feedback cards, for a person to look at.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, 'round.png'), fullPage: true });
  for (const q of quotes) {
    assert.ok(q.words.length > 0, `quote ${JSON.stringify(q.text)} marks no evidence words`);
    for (const part of q.text.split(' … ')) {
      const bare = part.replace(/^…|…$/g, '');
      assert.ok(WEAK_ANSWER.includes(bare), `quote ${JSON.stringify(bare)} is not from the answer`);
    }
  }

  // Answer follow-up probes until the interviewer moves to a new question.
  let probes = 0;
  for (;;) {
    const next = await waitForYourTurn(page, asked + 1);
    asked = await interviewerTurns(page);
    if (next.phase === 'finished' || next.turn.kind !== 'probe' || probes >= 4) break;
    probes++;
    assert.equal((await page.textContent('#question')).trim(), next.turn.text);
    await submitTyped(page, STRONG_ANSWER);
  }
  assert.ok(probes >= 1, 'the weak answer drew no follow-up probe');

  // End the round through the confirm dialog and land on the review page.
  if (!page.url().includes('/review/')) {
    const ended = await page.evaluate(() => window.mockloop.state.phase === 'finished');
    if (!ended) {
      await page.click('#end');
      await page.click('#confirm-ok');
    }
    await page.waitForURL(/\/review\/[^/]+$/, { timeout: 15000 });
  }
  assert.equal(new URL(page.url()).pathname, `/review/${roundID}`);
  await page.waitForSelector('body[data-ready=true]');

  // Every piece of evidence is marked, at exactly the words the analyzer
  // pointed at (code-point offsets into report.text).
  const check = await page.evaluate(async (id) => {
    const data = await (await fetch(`/api/rounds/${id}`)).json();
    const out = { spans: 0, bad: [], codes: {} };
    for (const t of data.turns.filter((x) => x.role === 'candidate' && x.report)) {
      const chars = Array.from(t.report.text);
      t.report.findings.forEach((f, fi) => {
        (f.evidence || []).forEach((s, si) => {
          if (s.end <= s.start) return;
          out.spans++;
          const want = chars.slice(s.start, s.end).join('');
          const marks = document.querySelectorAll(`#answer-${t.seq} mark[data-finding="t${t.seq}-f${fi}"][data-span="${si}"]`);
          const got = Array.from(marks).map((m) => m.textContent).join('');
          if (got !== want || [...marks].some((m) => m.dataset.code !== f.code)) out.bad.push({ code: f.code, want, got });
          out.codes[f.code] = (out.codes[f.code] || 0) + marks.length;
        });
      });
    }
    return out;
  }, roundID);
  assert.ok(check.spans > 0, 'the analyzer gave no evidence spans to highlight');
  assert.deepEqual(check.bad, []);
  const firstAnswer = await page.$eval('article.answer-block', (el) => ({
    codes: Array.from(el.querySelectorAll('.finding')).map((f) => f.dataset.code),
    marks: Array.from(el.querySelectorAll('mark')).map((m) => m.dataset.code),
  }));
  assert.ok(firstAnswer.codes.includes('missing_metric'), `first answer findings: ${firstAnswer.codes}`);
  assert.ok(firstAnswer.codes.includes('weak_ownership'), `first answer findings: ${firstAnswer.codes}`);
  assert.ok(firstAnswer.marks.includes('weak_ownership'), `first answer marks: ${firstAnswer.marks}`);
  const weMarks = await page.$$eval('article.answer-block:first-of-type mark[data-code=weak_ownership]', (ms) => ms.map((m) => m.textContent.toLowerCase()));
  assert.ok(weMarks.some((w) => /\bwe\b/.test(w)), `weak_ownership marks do not point at "we": ${weMarks}`);

  // The transcript has both sides and the debrief is labelled as opinion.
  assert.ok(await page.locator('#transcript .turn.interviewer').count() >= 2);
  assert.ok(await page.isVisible('#debrief'));
  assert.match(await page.textContent('#debrief'), /opinion/i);
  assert.equal(await page.getAttribute('#export-md', 'href'), `/api/rounds/${roundID}/export.md`);

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, 'review.png'), fullPage: true });

  // Clicking a finding scrolls to and flashes its evidence.
  await page.click('article.answer-block button.finding[data-code=weak_ownership]');
  await page.waitForSelector('article.answer-block mark[data-code=weak_ownership].flash');
  assert.deepEqual(errors, []);
  await page.close();
});
