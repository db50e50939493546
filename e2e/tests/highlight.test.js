// Unit tests for the page's evidence arithmetic (webui/static/js/highlight.js),
// the part where a wrong offset silently marks the wrong words. Spans are
// code points, so the cases include characters outside the BMP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSlice, ranges, evidenceSnippets } from '../../webui/static/js/highlight.js';

const TEXT = 'We shipped 🚀 it. We talked and we decided to improve the cache by 40%.';
// cp returns the code-point offset of the n-th occurrence of word.
function cp(word, n = 0) {
  let i = -1;
  for (let k = 0; k <= n; k++) i = TEXT.indexOf(word, i + 1);
  return Array.from(TEXT.slice(0, i)).length;
}

test('cpSlice counts code points, not UTF-16 units', async (t) => {
  const cases = [
    { name: 'a span before the emoji is unchanged', start: 0, end: 2, want: 'We' },
    { name: 'a span after the emoji is not shifted by its surrogate pair', start: cp('it.'), end: cp('it.') + 3, want: 'it.' },
    { name: 'the emoji itself is one code point', start: cp('🚀'), end: cp('🚀') + 1, want: '🚀' },
    { name: 'an empty span is empty', start: 4, end: 4, want: '' },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(cpSlice(TEXT, c.start, c.end), c.want));
});

test('ranges clamps, drops empty spans and orders by position', () => {
  const got = ranges(TEXT, [
    { code: 'b', evidence: [{ start: cp('we'), end: cp('we') + 2 }, { start: 5, end: 5 }] },
    { code: 'a', evidence: [{ start: 0, end: 2 }, { start: cp('40%'), end: 10_000 }] },
  ]);
  assert.deepEqual(got.map((r) => [r.code, cpSlice(TEXT, r.start, r.end)]), [['a', 'We'], ['b', 'we'], ['a', '40%.']]);
  assert.deepEqual(got.map((r) => r.finding), ['1', '0', '1']);
});

test('evidenceSnippets quotes evidence with context', async (t) => {
  const join = (sn) => sn.parts.map((p) => (p.evidence ? `[${p.text}]` : p.text)).join('');
  const cases = [
    {
      name: 'a lone word gets a few words either side',
      evidence: [{ start: cp('talked'), end: cp('talked') + 6 }],
      want: ['🚀 it. We [talked] and we decided'],
    },
    {
      name: 'nearby evidence merges into one quote',
      evidence: [{ start: cp('We', 1), end: cp('We', 1) + 2 }, { start: cp('we'), end: cp('we') + 2 }],
      want: ['shipped 🚀 it. [We] talked and [we] decided to improve'],
    },
    {
      name: 'distant evidence gives separate quotes, at most two',
      evidence: [{ start: 0, end: 2 }, { start: cp('40%'), end: cp('40%') + 3 }, { start: cp('cache'), end: cp('cache') + 5 }],
      want: ['[We] shipped 🚀 it.', 'to improve the [cache] by [40%].'],
    },
    { name: 'no evidence means no quote', evidence: [], want: [] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = evidenceSnippets(TEXT, { evidence: c.evidence });
      assert.deepEqual(got.map(join), c.want);
      for (const sn of got) assert.ok(TEXT.includes(sn.parts.map((p) => p.text).join('')), 'a quote must be a contiguous piece of the answer');
    });
  }
});
