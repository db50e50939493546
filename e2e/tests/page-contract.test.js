// The page renders what the server's other branches are adding (the
// contract in notes/CONTRACT.md): per-round-type meters and the phase
// checklist (issue 12), findings put as questions (17), greyed words and
// transcript confidence (13), engine status and the transcription hint
// (10, 13), the voice picker (14), follow-ups grouped and resolved
// findings on the review (12). Where this server does not send a field
// yet, the test sends it in the contract's shape: over the page's own
// message handler, or added to the real API answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite } from '../lib/suite.js';
import { collectErrors } from '../lib/browser.js';
import { WEAK_ANSWER, STRONG_ANSWER, waitForYourTurn, submitTyped } from '../lib/round.js';
import { newRound, deliver, patchJSON } from '../lib/page-helpers.js';

// One server and the browser under test for the file (e2e/lib/suite.js).
const suite = useSuite();

async function openRound(kind) {
  const id = await newRound(suite.url, { kind });
  const page = await suite.browser.context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${suite.url}/round/${id}`);
  await waitForYourTurn(page, 1);
  return { id, page, errors };
}

const visible = (page, sel) => page.locator(sel).isVisible();

test('each round type shows its own meters and not the others', async (t) => {
  for (const [kind, star, label, hint] of [
    ['behavioral', true, null, /Situation, task/],
    ['bar_raiser', true, null, /Situation, task/],
    ['system_design', false, /^Design phases: 0 of \d+ covered$/, /Scope, scale, requirements/],
    ['coding', false, /^Coding checklist: 0 of \d+ covered$/, /Clarify the problem/],
  ]) {
    await t.test(`a ${kind} round`, async () => {
      const { page, errors } = await openRound(kind);
      assert.equal(await visible(page, '#m-star-wrap'), star, 'STAR meter');
      assert.equal(await visible(page, '#m-iwe-wrap'), star, '"I" vs "we" meter');
      assert.equal(await visible(page, '#m-checklist-wrap'), !star, 'phase checklist');
      if (label) assert.match(await page.textContent('#m-checklist-label'), label);
      assert.match(await page.getAttribute('#answer', 'placeholder'), hint);
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
});

test('the design checklist fills in from the coverage message', async () => {
  const { page, errors } = await openRound('system_design');
  await submitTyped(page, 'I would start with the requirements: channels, opt-outs and at-least-once delivery, 20 million a day.');
  const seq = await page.evaluate(() => window.mockloop.state.turns.filter((x) => x.role === 'candidate').at(-1).seq);
  const coverage = [
    { phase: 'clarify', label: 'Scope and use cases', covered: true, turn_seq: seq },
    { phase: 'requirements', label: 'Requirements', covered: true, turn_seq: seq },
    { phase: 'high_level', label: 'High-level design', covered: false },
  ];
  await deliver(page, { type: 'coverage', turn_seq: seq, coverage });
  assert.equal(await page.textContent('#m-checklist-label'), 'Design phases: 2 of 3 covered');
  assert.equal(await page.getAttribute('#m-checklist li[data-phase=requirements]', 'data-covered'), 'true');
  assert.equal(await page.getAttribute('#m-checklist li[data-phase=high_level]', 'data-covered'), 'false');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a loop switches the meters when the question kind changes', async () => {
  const { page, errors } = await openRound('loop');
  const first = await page.evaluate(() => window.mockloop.state.question && window.mockloop.state.question.kind);
  const seq = await page.evaluate(() => window.mockloop.state.turns.at(-1).seq + 1);
  const other = first === 'system_design' ? 'behavioral' : 'system_design';
  await deliver(page, {
    type: 'interviewer',
    turn: { seq, role: 'interviewer', kind: 'question', question_idx: 3, text: 'Design a URL shortener.' },
    question: { idx: 3, of: 6, id: 'x', text: 'Design a URL shortener.', kind: other, timebox_sec: 420, target_sec: 280 },
  });
  assert.equal(await visible(page, '#m-checklist-wrap'), other === 'system_design');
  assert.equal(await visible(page, '#m-star-wrap'), other !== 'system_design');
  assert.equal(await page.textContent('#timebox'), 'aim for 4:40, at most 7:00');
  assert.equal(await page.textContent('#qcount'), 'Question 4 of 6');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a finding under 0.5 confidence is put as its question and not counted', async () => {
  const { page, errors } = await openRound('behavioral');
  await submitTyped(page, WEAK_ANSWER);
  const turn = await page.evaluate(() => window.mockloop.state.turns.filter((x) => x.role === 'candidate').at(-1));
  const report = {
    ...turn.report,
    findings: [
      { code: 'missing_metric', kind: 'content', severity: 'high', message: 'There is no number.', suggestion: 'Give one.', confidence: 0.9, evidence: [] },
      { code: 'missing_result', kind: 'content', severity: 'high', message: 'No outcome.', suggestion: 'Say it.', confidence: 0.3, question: 'Did you say what changed?', evidence: [] },
    ],
  };
  await deliver(page, { type: 'feedback', turn_seq: turn.seq, report });
  const q = page.locator('#feedback .finding[data-code=missing_result]');
  assert.equal(await q.getAttribute('data-state'), 'question');
  assert.match(await q.textContent(), /Did you say what changed\?/);
  assert.doesNotMatch(await q.textContent(), /No outcome/);
  assert.equal(await page.getAttribute('#feedback .finding[data-code=missing_metric]', 'data-state'), 'fault');
  const who = page.locator(`#conversation .turn[data-seq="${turn.seq}"] .who`);
  assert.equal(await who.locator('[data-faults]').textContent(), '1 to work on');
  assert.equal(await who.locator('[data-questions]').textContent(), '1 to check');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the review groups follow-ups under their question and shows resolved findings, questions, greyed words and transcript confidence', async () => {
  const { id, page } = await openRound('behavioral');
  await submitTyped(page, WEAK_ANSWER);
  const probe = await waitForYourTurn(page, 2);
  assert.notEqual(probe.turn.kind, 'question', 'fixture: a weak answer should get a follow-up');
  await submitTyped(page, STRONG_ANSWER);
  await page.close();

  const real = await (await fetch(`${suite.url}/api/rounds/${id}`)).json();
  const answers = real.turns.filter((t) => t.role === 'candidate');
  const [main, follow] = answers;
  const mainCodes = main.report.findings.map((f) => f.code);
  assert.ok(mainCodes.includes('missing_metric') && mainCodes.includes('weak_ownership'), `fixture findings: ${mainCodes}`);
  const review = await suite.browser.context.newPage();
  const errors = collectErrors(review);
  await patchJSON(review, `${suite.url}/api/rounds/${id}`, (data) => {
    const byIdx = new Map();
    for (const t of data.turns) {
      const q = byIdx.get(t.question_idx) || { idx: t.question_idx, id: t.question_id || '', text: '', kind: 'behavioral', principle: t.principle || '', coverage: [], turn_seqs: [] };
      if (t.role === 'interviewer' && t.kind === 'question') q.text = 'The bank question, without the greeting.';
      if (t.kind !== 'closing') q.turn_seqs.push(t.seq);
      byIdx.set(t.question_idx, q);
    }
    data.questions = [...byIdx.values()];
    // The dialogue branch also says which follow-ups went unanswered.
    data.questions[0].unanswered = [{ turn: follow.seq, code: 'missing_metric', probe: 'How did you measure it?' }];
    for (const t of data.turns) {
      if (t.seq === main.seq) {
        t.resolved = [{ code: 'missing_metric', turn_seq: follow.seq }];
        t.report.findings = t.report.findings.map((f) => (f.code === 'weak_ownership' ? { ...f, confidence: 0.3, question: 'Was that your work or the team’s?' } : { ...f, confidence: 0.8 }));
      }
      if (t.seq === follow.seq) {
        t.source = 'sphinx';
        t.report.metrics.transcript_confidence = 0.42;
        t.report.words = t.report.words.map((w, i) => ({ ...w, conf: i === 3 || i === 4 ? 0.2 : 0.9 }));
      }
    }
    return data;
  });
  await review.goto(`${suite.url}/review/${id}`);
  await review.waitForSelector('body[data-ready=true]');

  // Grouped: the follow-up answer sits inside its question's group.
  const group = review.locator('.question-group[data-question="0"]');
  assert.match(await group.locator('.q-text').textContent(), /The bank question, without the greeting\./);
  assert.equal(await group.locator(`.follow-ups #answer-${follow.seq}`).count(), 1, 'the follow-up answer is not under its question');
  assert.equal(await group.locator(`.follow-ups #answer-${main.seq}`).count(), 0, 'the main answer is indented as a follow-up');

  assert.match(await group.locator('.unanswered').textContent(), /A follow-up was not answered: “How did you measure it\?” \(your reply\)/);
  assert.equal(await group.locator('.unanswered a').getAttribute('href'), `#answer-${follow.seq}`);

  // Resolved and doubtful findings are shown as such and not counted.
  const block = review.locator(`#answer-${main.seq}`);
  assert.equal(await block.locator('.finding[data-code=missing_metric]').getAttribute('data-state'), 'resolved');
  assert.equal(await block.locator('.finding[data-code=missing_metric] a').getAttribute('href'), `#answer-${follow.seq}`);
  assert.equal(await block.locator('.finding[data-code=weak_ownership]').getAttribute('data-state'), 'question');
  assert.match(await block.locator('.finding[data-code=weak_ownership]').textContent(), /Was that your work or the team’s\?/);
  const faults = main.report.findings.length - 2 + follow.report.findings.length;
  assert.equal(await review.textContent('#summary dd[data-row=Findings]'), `${faults} to work on, 1 to check`);

  // Spoken: greyed words and the transcript confidence beside the engine.
  const fblock = review.locator(`#answer-${follow.seq}`);
  assert.equal(await fblock.locator('.answer-text .word-lowconf').count(), 2);
  assert.deepEqual(await fblock.locator('.answer-text .word-lowconf').allTextContents(), follow.report.words.slice(3, 5).map((w) => w.w));
  assert.match(await fblock.locator('.answer-head .source').textContent(), /heard by sphinx · transcript confidence 42%/);
  assert.deepEqual(errors, []);
  await review.close();
});

const CONFIG_EXTRA = (cfg) => ({
  ...cfg,
  engines: {
    ...cfg.engines,
    stt: { ...cfg.engines.stt, status: 'slow', reason: 'a 5 s clip took 9.1 s to transcribe', fix: 'Use a smaller model or a GPU.' },
    llm: { ...cfg.engines.llm, status: 'broken', reason: "model 'x' not found", fix: 'Pull the model or fix --llm-model.' },
    tts: { ...cfg.engines.tts, status: 'ok' },
  },
  stt_hint: { approximate: true, text: 'Spoken content feedback is approximate with the built-in recognizer.', offer: { name: 'whisper.cpp', url: 'http://127.0.0.1:8080', command: 'docker compose up whisper' } },
  voices: [{ id: 'slt', label: 'Female (slt)' }, { id: 'rms', label: 'Male (rms)' }],
  // The voice branch names the default "default_voice" and keeps "voice"
  // as the microphone flag.
  default_voice: 'rms',
});

test('the home page shows each engine with its status, reason and fix, and the voice picker', async () => {
  const page = await suite.browser.context.newPage();
  const errors = collectErrors(page);
  await patchJSON(page, `${suite.url}/api/config`, CONFIG_EXTRA);
  // What the page posts to create the round, recorded by the page itself:
  // over WebDriver BiDi Playwright sees no request body (postDataJSON is
  // null in Firefox). sessionStorage keeps it across the navigation to the
  // round page.
  await page.addInitScript(() => {
    const realFetch = window.fetch;
    window.fetch = function fetch(input, init) {
      const url = new URL(typeof input === 'string' ? input : input.url, location.href);
      if (url.pathname === '/api/rounds' && init && init.method === 'POST') sessionStorage.setItem('e2e-posted', init.body);
      return realFetch.call(this, input, init);
    };
  });
  await page.goto(`${suite.url}/`);
  await page.waitForSelector('#voice-field:not([hidden])');
  assert.deepEqual(await page.$$eval('#voice option', (os) => os.map((o) => [o.value, o.textContent])), [['slt', 'Female (slt)'], ['rms', 'Male (rms)']]);
  assert.equal(await page.inputValue('#voice'), 'rms');
  assert.equal(await page.textContent('dd[data-engine=llm] [data-status]'), 'not working');
  assert.match(await page.textContent('dd[data-engine=llm] .engine-why'), /model 'x' not found.*Pull the model/);
  assert.equal(await page.textContent('dd[data-engine=stt] [data-status]'), 'slow');
  assert.equal(await page.locator('dd[data-engine=tts] .engine-why').count(), 0, 'an engine that is ok needs no explanation');
  await page.selectOption('#voice', 'slt');
  await Promise.all([page.waitForURL(/\/round\//), page.click('#start')]);
  const posted = JSON.parse(await page.evaluate(() => sessionStorage.getItem('e2e-posted')) || 'null');
  assert.equal(posted && posted.voice, 'slt');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a server without the new config fields still gives a working home page', async () => {
  const page = await suite.browser.context.newPage();
  const errors = collectErrors(page);
  // The real server now sends voices and engine status: take them out to
  // stand for an older server.
  await patchJSON(page, `${suite.url}/api/config`, (cfg) => {
    const old = { ...cfg, engines: {} };
    delete old.voices;
    delete old.default_voice;
    delete old.stt_hint;
    for (const [k, e] of Object.entries(cfg.engines || {})) {
      const { status, reason, fix, ...rest } = e;
      old.engines[k] = rest;
    }
    return old;
  });
  await page.goto(`${suite.url}/`);
  await page.waitForFunction(() => !document.querySelector('[data-engine=stt]').textContent.includes('…'));
  assert.equal(await page.locator('#voice-field').isHidden(), true);
  assert.equal(await page.locator('#engines [data-status]').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the real server\'s hint without an offer says how to get better ears and nothing else', async () => {
  const id = await newRound(suite.url, { kind: 'behavioral' });
  const page = await suite.browser.context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${suite.url}/round/${id}`);
  await page.waitForSelector('#stt-hint:not([hidden])');
  const text = (await page.textContent('#stt-hint')).trim();
  assert.match(text, /approximate/);
  assert.match(text, /docker compose up -d/);
  assert.doesNotMatch(text, /null|undefined/, `hint text: ${text}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the round page says the transcription hint in one line and the engines line says what is broken', async () => {
  const id = await newRound(suite.url, { kind: 'behavioral' });
  const page = await suite.browser.context.newPage();
  const errors = collectErrors(page);
  await patchJSON(page, `${suite.url}/api/config`, CONFIG_EXTRA);
  await page.goto(`${suite.url}/round/${id}`);
  await page.waitForSelector('#stt-hint:not([hidden])');
  assert.match(await page.textContent('#stt-hint'), /approximate with the built-in recognizer\. whisper\.cpp: docker compose up whisper · http:\/\/127\.0\.0\.1:8080/);
  assert.match(await page.textContent('#engines [data-status-for=llm]'), /not working: model 'x' not found\. Pull the model/);
  assert.equal(await page.locator('#engines [data-status-for=tts]').count(), 0);
  const lines = await page.$eval('#stt-hint', (el) => {
    const cs = getComputedStyle(el);
    const inner = el.getBoundingClientRect().height - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    return Math.round(inner / parseFloat(cs.lineHeight));
  });
  assert.equal(lines, 1, 'the hint is not one line at 1366 px');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a system design review shows the phases each answer covered, not STAR or "I" versus "we"', async () => {
  const id = await newRound(suite.url, { kind: 'system_design' });
  const page = await suite.browser.context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${suite.url}/round/${id}`);
  await waitForYourTurn(page, 1);
  await submitTyped(page, 'I would clarify the channels and the scale first: 20 million a day, 2,000 a second at peak.');
  await waitForYourTurn(page, 2);
  await submitTyped(page, 'The design has an API, a queue, workers per channel and a dead-letter queue, with retries and backoff.');
  const real = await (await fetch(`${suite.url}/api/rounds/${id}`)).json();
  const [a1, a2] = real.turns.filter((t) => t.role === 'candidate');
  await patchJSON(page, `${suite.url}/api/rounds/${id}`, (data) => {
    data.questions = [{
      idx: 0, id: 'q0', text: 'Design a notification service.', kind: 'system_design', principle: '',
      turn_seqs: data.turns.filter((t) => t.question_idx === 0 && t.kind !== 'closing').map((t) => t.seq),
      coverage: [
        { phase: 'clarify', label: 'Scope and use cases', covered: true, turn_seq: a1.seq },
        { phase: 'components', label: 'High-level components', covered: true, turn_seq: a2.seq },
        { phase: 'tradeoffs', label: 'Trade-offs', covered: false },
      ],
    }];
    return data;
  });
  await page.goto(`${suite.url}/review/${id}`);
  await page.waitForSelector('body[data-ready=true]');
  const group = page.locator('.question-group[data-question="0"]');
  assert.deepEqual(await group.locator('> .checklist li').evaluateAll((ls) => ls.map((l) => [l.dataset.phase, l.classList.contains('covered')])),
    [['clarify', true], ['components', true], ['tradeoffs', false]]);
  const first = page.locator(`#answer-${a1.seq} .scorecard`);
  assert.equal(await first.getAttribute('data-kind'), 'system_design');
  assert.deepEqual(await first.locator('dt').allTextContents(), ['Covered here', 'Covered later', 'Not yet covered', 'Numbers', 'Delivery']);
  assert.equal(await first.locator('dd').first().textContent(), 'Scope and use cases');
  assert.equal(await page.locator(`#answer-${a1.seq} [data-chart=ownership]`).count(), 0, 'a design answer gets the "I" versus "we" chart');
  assert.equal(await page.locator(`#answer-${a1.seq} .scorecard .star`).count(), 0, 'a design answer gets a STAR scorecard');
  assert.equal(await page.locator('#summary dd[data-row="Ownership (I share)"]').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});
