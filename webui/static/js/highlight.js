// Evidence highlighting. The analyzer's spans are offsets in Unicode code
// points into report.text (analysis.Span), not UTF-16 units, so every slice
// goes through Array.from(text): an emoji or an accented letter built from
// two code units would otherwise shift every later mark.

/** cpSlice returns text[start:end] counted in code points. */
export function cpSlice(text, start, end) {
  return Array.from(text || '').slice(start, end).join('');
}

/** evidenceSnippets returns the stretches of text a feedback card quotes:
 * each piece of evidence with a few words of context either side, nearby
 * pieces merged into one stretch, so the card quotes the candidate's own
 * words ("…and we were happy…") rather than a lone "we". Each snippet is
 * {parts: [{text, evidence: bool}], clippedStart, clippedEnd}. */
export function evidenceSnippets(text, finding, maxSnippets = 2, contextWords = 3) {
  const chars = Array.from(text || '');
  // Word boundaries in code points: runs of non-space characters.
  const words = [];
  for (let i = 0; i < chars.length;) {
    if (/\s/.test(chars[i])) { i++; continue; }
    const ws = i;
    while (i < chars.length && !/\s/.test(chars[i])) i++;
    words.push([ws, i]);
  }
  const spans = (finding.evidence || [])
    .map((s) => [Math.max(0, s.start | 0), Math.min(chars.length, s.end | 0)])
    .filter(([s, e]) => e > s)
    .sort((x, y) => x[0] - y[0]);
  const windows = [];
  for (const [start, end] of spans) {
    let i0 = words.findIndex((w) => w[1] > start);
    if (i0 < 0) i0 = words.length - 1;
    let i1 = words.length - 1;
    while (i1 > 0 && words[i1][0] >= end) i1--;
    const a = words.length ? Math.min(start, words[Math.max(0, i0 - contextWords)][0]) : start;
    const b = words.length ? Math.max(end, words[Math.min(words.length - 1, i1 + contextWords)][1]) : end;
    const last = windows[windows.length - 1];
    if (last && a <= last.b) {
      last.b = Math.max(last.b, b);
      last.spans.push([start, end]);
    } else {
      if (windows.length >= maxSnippets) break;
      windows.push({ a, b, spans: [[start, end]] });
    }
  }
  return windows.map((w) => {
    const parts = [];
    let at = w.a;
    for (const [s, e] of w.spans) {
      if (e <= at) continue;
      const from = Math.max(s, at);
      if (from > at) parts.push({ text: chars.slice(at, from).join(''), evidence: false });
      parts.push({ text: chars.slice(from, e).join(''), evidence: true });
      at = e;
    }
    if (w.b > at) parts.push({ text: chars.slice(at, w.b).join(''), evidence: false });
    return { parts, clippedStart: w.a > 0, clippedEnd: w.b < chars.length };
  });
}

/** evidenceQuote renders evidenceSnippets as a DocumentFragment with the
 * evidence words in <strong>, or null when the finding has no evidence. */
export function evidenceQuote(text, finding, maxChars = 180) {
  const snips = evidenceSnippets(text, finding);
  if (!snips.length) return null;
  const frag = document.createDocumentFragment();
  let budget = maxChars;
  let cut = false;
  frag.append('“');
  snips.forEach((sn, i) => {
    if (cut) return;
    if (i > 0) frag.append(' … ');
    else if (sn.clippedStart) frag.append('…');
    for (const p of sn.parts) {
      if (cut) break;
      let t = p.text;
      const n = Array.from(t).length;
      // A quote is a pointer into the answer, not a copy of it: long
      // evidence is cut at a word boundary within the budget.
      if (n > budget) {
        const head = Array.from(t).slice(0, budget).join('');
        t = head.slice(0, Math.max(head.lastIndexOf(' '), 1));
        cut = true;
      }
      budget -= Math.min(n, budget);
      if (!p.evidence) {
        frag.append(t);
        continue;
      }
      const b = document.createElement('strong');
      b.textContent = t;
      frag.append(b);
    }
    if (cut || (i === snips.length - 1 && sn.clippedEnd)) frag.append('…');
  });
  frag.append('”');
  return frag;
}

/** ranges flattens findings into [{start, end, code, severity, finding, span,
 * message}], clamped to the text and in reading order. Each range is
 * trimmed to its words (a mark never starts or ends on a space, which
 * read as a double space), and one finding's pieces that only whitespace
 * separates are joined, so a phrase is never split into two marks. */
export function ranges(text, findings, idFor = (i) => String(i)) {
  const chars = Array.from(text || '');
  const n = chars.length;
  const space = (i) => /\s/.test(chars[i]);
  const out = [];
  (findings || []).forEach((f, fi) => {
    const mine = [];
    (f.evidence || []).forEach((s, si) => {
      let start = Math.max(0, Math.min(n, s.start | 0));
      let end = Math.max(0, Math.min(n, s.end | 0));
      while (start < end && space(start)) start++;
      while (end > start && space(end - 1)) end--;
      if (end <= start) return;
      mine.push({ start, end, code: f.code, severity: f.severity, finding: idFor(fi), span: si, message: f.message });
    });
    mine.sort((a, b) => a.start - b.start);
    for (const r of mine) {
      const last = out.length && out[out.length - 1].finding === r.finding ? out[out.length - 1] : null;
      if (last && r.start >= last.start) {
        let gap = true;
        for (let i = last.end; i < r.start; i++) gap = gap && space(i);
        if (gap || r.start <= last.end) {
          last.end = Math.max(last.end, r.end);
          continue;
        }
      }
      out.push(r);
    }
  });
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  return out;
}

/** lowConfidenceRanges returns the code-point ranges of report.text that
 * are words the recognizer was unsure of (Word.conf under below). Each
 * word is found in the text in order, from where the last one ended, so
 * punctuation the tokenizer split off does not shift the rest; a word
 * that is not found marks nothing. */
export function lowConfidenceRanges(text, words, below = 0.5) {
  if (!Array.isArray(words) || !words.some((w) => w && typeof w.conf === 'number' && w.conf > 0 && w.conf < below)) return [];
  const chars = Array.from(text || '');
  const lower = chars.map((c) => c.toLowerCase());
  const out = [];
  let at = 0;
  for (const w of words) {
    const needle = Array.from(String((w && w.w) || '').toLowerCase());
    if (!needle.length) continue;
    let found = -1;
    for (let i = at; i + needle.length <= lower.length && found < 0; i++) {
      let ok = true;
      for (let k = 0; k < needle.length && ok; k++) ok = lower[i + k] === needle[k];
      if (ok) found = i;
    }
    if (found < 0) continue;
    at = found + needle.length;
    if (typeof w.conf === 'number' && w.conf > 0 && w.conf < below) out.push({ start: found, end: at, conf: w.conf });
  }
  return out;
}

/** highlight returns a DocumentFragment of text with a <mark data-code>
 * around each piece of evidence. Overlapping evidence nests marks, so every
 * finding keeps its own mark and `mark[data-code=X]` finds all of them; a
 * span that crosses another is split at the boundary and its pieces share
 * data-finding and data-span. Words in lowConf (lowConfidenceRanges) are
 * wrapped in a greyed span inside any marks. */
export function highlight(text, findings, idFor, lowConf = []) {
  const chars = Array.from(text || '');
  const rs = ranges(text, findings, idFor);
  const frag = document.createDocumentFragment();
  const cuts = new Set([0, chars.length]);
  for (const r of rs) { cuts.add(r.start); cuts.add(r.end); }
  for (const r of lowConf) { cuts.add(r.start); cuts.add(r.end); }
  const points = Array.from(cuts).sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    let node = document.createTextNode(chars.slice(a, b).join(''));
    const unsure = lowConf.find((r) => r.start <= a && r.end >= b);
    if (unsure) {
      const sp = document.createElement('span');
      sp.className = 'word-lowconf';
      sp.title = `Heard with ${Math.round(unsure.conf * 100)}% confidence: the recognizer may have misheard this word`;
      sp.append(node);
      node = sp;
    }
    const active = rs.filter((r) => r.start <= a && r.end >= b);
    // Wrap innermost first: the widest, earliest range ends up outermost.
    for (let j = active.length - 1; j >= 0; j--) {
      const r = active[j];
      const m = document.createElement('mark');
      m.dataset.code = r.code;
      m.dataset.finding = r.finding;
      m.dataset.span = String(r.span);
      // Evidence that is most of the answer ("too short", "no structure")
      // would paint the whole text; it gets a quieter style instead.
      if ((r.end - r.start) * 2 > chars.length) m.dataset.wide = 'true';
      if (r.severity) m.dataset.severity = r.severity;
      if (r.message) m.title = r.message;
      m.append(node);
      node = m;
    }
    frag.append(node);
  }
  return frag;
}
