// Evidence highlighting. The analyzer's spans are offsets in Unicode code
// points into report.text (analysis.Span), not UTF-16 units, so every slice
// goes through Array.from(text): an emoji or an accented letter built from
// two code units would otherwise shift every later mark.

/** cpSlice returns text[start:end] counted in code points. */
export function cpSlice(text, start, end) {
  return Array.from(text || '').slice(start, end).join('');
}

/** evidenceQuote returns the words a finding points at, joined with " … ",
 * or "" when the finding has no evidence. */
export function evidenceQuote(text, finding, maxLen = 160) {
  const parts = (finding.evidence || [])
    .filter((s) => s && s.end > s.start)
    .map((s) => cpSlice(text, s.start, s.end).trim())
    .filter(Boolean);
  let q = parts.join(' … ');
  if (q.length > maxLen) q = q.slice(0, maxLen - 1).trimEnd() + '…';
  return q;
}

/** ranges flattens findings into [{start, end, code, severity, finding, span,
 * message}], clamped to the text and in reading order. */
export function ranges(text, findings, idFor = (i) => String(i)) {
  const n = Array.from(text || '').length;
  const out = [];
  (findings || []).forEach((f, fi) => {
    (f.evidence || []).forEach((s, si) => {
      const start = Math.max(0, Math.min(n, s.start | 0));
      const end = Math.max(0, Math.min(n, s.end | 0));
      if (end <= start) return;
      out.push({ start, end, code: f.code, severity: f.severity, finding: idFor(fi), span: si, message: f.message });
    });
  });
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  return out;
}

/** highlight returns a DocumentFragment of text with a <mark data-code>
 * around each piece of evidence. Overlapping evidence nests marks, so every
 * finding keeps its own mark and `mark[data-code=X]` finds all of them; a
 * span that crosses another is split at the boundary and its pieces share
 * data-finding and data-span. */
export function highlight(text, findings, idFor) {
  const chars = Array.from(text || '');
  const rs = ranges(text, findings, idFor);
  const frag = document.createDocumentFragment();
  const cuts = new Set([0, chars.length]);
  for (const r of rs) { cuts.add(r.start); cuts.add(r.end); }
  const points = Array.from(cuts).sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    let node = document.createTextNode(chars.slice(a, b).join(''));
    const active = rs.filter((r) => r.start <= a && r.end >= b);
    // Wrap innermost first: the widest, earliest range ends up outermost.
    for (let j = active.length - 1; j >= 0; j--) {
      const r = active[j];
      const m = document.createElement('mark');
      m.dataset.code = r.code;
      m.dataset.finding = r.finding;
      m.dataset.span = String(r.span);
      if (r.severity) m.dataset.severity = r.severity;
      if (r.message) m.title = r.message;
      m.append(node);
      node = m;
    }
    frag.append(node);
  }
  return frag;
}
