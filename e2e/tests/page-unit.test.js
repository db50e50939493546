// Unit tests for the page's pure rules (webui/static/js): which findings
// count, which meters a question's kind gets, where a mark starts and
// ends, which words are greyed, and what the "On:" line leaves out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ranges, lowConfidenceRanges, cpSlice } from '../../webui/static/js/highlight.js';
import { isQuestion, faults, findingState, resolvedBy } from '../../webui/static/js/findings.js';
import { answerKind, usesStar, checklist, placeholder } from '../../webui/static/js/kinds.js';
import { stripLeadIn } from '../../webui/static/js/lib.js';

test('a finding counts as a fault unless it is doubtful or resolved', async (t) => {
  const cases = [
    { name: 'no confidence (an older server) is a fault', f: { code: 'a' }, want: 'fault' },
    { name: 'confidence 0.5 is a fault', f: { code: 'a', confidence: 0.5 }, want: 'fault' },
    { name: 'confidence under 0.5 is a question', f: { code: 'a', confidence: 0.49 }, want: 'question' },
    { name: 'a resolved finding is resolved whatever its confidence', f: { code: 'r', confidence: 0.2 }, want: 'resolved' },
  ];
  const res = resolvedBy({ resolved: [{ code: 'r', turn_seq: 5 }] });
  for (const c of cases) await t.test(c.name, () => assert.equal(findingState(c.f, res), c.want));
  await t.test('faults drops questions and resolved findings', () => {
    const report = { findings: [{ code: 'a' }, { code: 'b', confidence: 0.1 }, { code: 'r' }] };
    assert.deepEqual(faults(report, { resolved: [{ code: 'r', turn_seq: 5 }] }).map((f) => f.code), ['a']);
    assert.equal(isQuestion({ confidence: 0.1 }), true);
  });
});

test('the question kind picks the meters, a loop falling back to behavioral', async (t) => {
  const cases = [
    { name: 'the question kind wins over the round kind', q: { kind: 'system_design' }, round: { kind: 'loop' }, kind: 'system_design', star: false },
    { name: 'without a question kind the round kind is used', q: {}, round: { kind: 'coding' }, kind: 'coding', star: false },
    { name: 'a loop without a question kind is behavioral', q: null, round: { kind: 'loop' }, kind: 'behavioral', star: true },
    { name: 'an unknown kind is behavioral', q: { kind: 'poetry' }, round: { kind: 'poetry' }, kind: 'behavioral', star: true },
    { name: 'a Bar Raiser question is judged as STAR', q: { kind: 'bar_raiser' }, round: {}, kind: 'bar_raiser', star: true },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const k = answerKind(c.q, c.round);
      assert.equal(k, c.kind);
      assert.equal(usesStar(k), c.star);
      assert.ok(placeholder(k).length > 20);
    });
  }
  await t.test('the server’s coverage replaces the default phase list', () => {
    assert.ok(checklist('coding', []).length >= 5 && checklist('coding', []).every((p) => !p.covered));
    assert.deepEqual(checklist('coding', [{ phase: 'x', label: 'X', covered: true, turn_seq: 3 }]), [{ phase: 'x', label: 'X', covered: true, turn_seq: 3 }]);
  });
});

test('marks start and end on words and keep a phrase whole', async (t) => {
  const text = 'We went back and  forth on it, then we shipped it.';
  const at = (s) => Array.from(text.slice(0, text.indexOf(s))).length;
  const cases = [
    {
      name: 'a span with spaces at its ends is trimmed to its words',
      findings: [{ code: 'a', evidence: [{ start: at('went') - 1, end: at('went') + 5 }] }],
      want: [['a', 'went']],
    },
    {
      name: 'one finding’s pieces that only spaces separate are one mark',
      findings: [{ code: 'a', evidence: [{ start: at('went'), end: at('and') + 3 }, { start: at('forth'), end: at('it,') + 2 }] }],
      want: [['a', 'went back and  forth on it']],
    },
    {
      name: 'pieces with words between them stay apart',
      findings: [{ code: 'a', evidence: [{ start: 0, end: 2 }, { start: at('we shipped'), end: at('we shipped') + 2 }] }],
      want: [['a', 'We'], ['a', 'we']],
    },
    {
      name: 'two findings touching are two marks',
      findings: [{ code: 'a', evidence: [{ start: at('went'), end: at('and') + 3 }] }, { code: 'b', evidence: [{ start: at('forth'), end: at('forth') + 5 }] }],
      want: [['a', 'went back and'], ['b', 'forth']],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.deepEqual(ranges(text, c.findings).map((r) => [r.code, cpSlice(text, r.start, r.end)]), c.want));
  }
});

test('greyed words are the unsure ones, found in the text in order', async (t) => {
  const text = 'So, I rewrote the cache; latency fell 🚀 to 300 ms.';
  const words = [['so', 0.9], ['i', 0.9], ['rewrote', 0.3], ['the', 0.9], ['cache', 0.2], ['latency', 0.9], ['fell', 0.95], ['to', 0.9], ['300', 0.4], ['ms', 0.9]]
    .map(([w, conf]) => ({ w, conf }));
  await t.test('each unsure word is marked at its place, punctuation and emoji not shifting it', () => {
    assert.deepEqual(lowConfidenceRanges(text, words).map((r) => cpSlice(text, r.start, r.end)), ['rewrote', 'cache', '300']);
  });
  await t.test('words without a confidence grey nothing', () => {
    assert.deepEqual(lowConfidenceRanges(text, words.map(({ w }) => ({ w }))), []);
  });
  await t.test('a word the text does not have is skipped, the rest still found', () => {
    const ws = [{ w: 'zebra', conf: 0.1 }, ...words];
    assert.deepEqual(lowConfidenceRanges(text, ws).map((r) => cpSlice(text, r.start, r.end)), ['rewrote', 'cache', '300']);
  });
});

test('the "On:" line drops spoken transitions and keeps the question', async (t) => {
  const cases = [
    ['Okay, thank you. Next question. Describe a time you failed.', 'Describe a time you failed.'],
    ['Thanks. Let\'s move on. Tell me about a conflict.', 'Tell me about a conflict.'],
    ['Great, that makes sense! So. What did you learn?', 'What did you learn?'],
    ['Describe a conflict. What happened next?', 'Describe a conflict. What happened next?'],
    ['Tell me about a time you disagreed with your manager.', 'Tell me about a time you disagreed with your manager.'],
    ['Thank you.', 'Thank you.'],
  ];
  for (const [input, want] of cases) await t.test(JSON.stringify(input), () => assert.equal(stripLeadIn(input), want));
});
