// A browser refresh in the middle of a round resumes at the same question
// with the answers already given still on the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite, openPage } from '../lib/suite.js';
import { createRound } from '../lib/seed.js';
import { WEAK_ANSWER, waitForYourTurn, submitTyped, interviewerTurns } from '../lib/round.js';

const suite = useSuite();
const ROUND = { kind: 'behavioral', minutes: 20, seed: 7 };

test('refreshing mid-round resumes at the same question with the answered turns shown', async () => {
  const id = await createRound(suite.url, ROUND);
  const { page, errors } = await openPage(suite, `${suite.url}/round/${id}`);
  await waitForYourTurn(page, 1);
  const asked = await interviewerTurns(page);
  await submitTyped(page, WEAK_ANSWER);
  const next = await waitForYourTurn(page, asked + 1);
  assert.equal(next.phase, 'answering');

  const before = {
    question: (await page.textContent('#question')).trim(),
    turns: await page.$$eval('#conversation .turn', (els) => els.map((e) => e.dataset.seq)),
  };
  // A half-typed draft is the user's to keep or lose; what matters is the
  // server's record, so type something and refresh.
  await page.fill('#answer', 'half an answer');
  await page.reload();
  const after = await waitForYourTurn(page, asked + 1);
  assert.equal(after.phase, 'answering');
  assert.equal((await page.textContent('#question')).trim(), before.question);
  const turns = await page.$$eval('#conversation .turn', (els) => els.map((e) => e.dataset.seq));
  assert.deepEqual(turns, before.turns);
  const answerText = await page.textContent('#conversation .turn.candidate p');
  assert.equal(answerText, WEAK_ANSWER);
  // The last answer's feedback is shown again after the refresh.
  assert.ok(await page.locator('#feedback .finding').count() > 0, 'feedback cards are gone after the refresh');
  assert.equal(await page.textContent('#conn'), 'Connected');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a second tab takes the round over and the first says so without reconnecting', async () => {
  const id = await createRound(suite.url, ROUND);
  const { page: first } = await openPage(suite, `${suite.url}/round/${id}`);
  await waitForYourTurn(first, 1);
  const { page: second } = await openPage(suite, `${suite.url}/round/${id}`);
  await waitForYourTurn(second, 1);
  await first.waitForSelector('#takeover:not([hidden])', { timeout: 10000 });
  assert.match(await first.textContent('#takeover'), /open in another tab/);
  assert.equal(await first.isDisabled('#submit'), true);
  // The first tab stays closed: it does not reconnect and steal it back.
  const stopped = await first.evaluate(() => window.mockloop.socket.stopped && !window.mockloop.socket.isOpen());
  assert.equal(stopped, true);
  await submitTyped(second, WEAK_ANSWER);
  await first.close();
  await second.close();
});
