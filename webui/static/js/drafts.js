// The answer in progress, kept in this browser's localStorage so a refresh
// (or a crash) mid-answer keeps the typed draft and the answer's clock.
// The server sees drafts only to run the live meters and does not keep
// them; it stays the record of committed answers.
//
// Keyed by round and by the interviewer turn being answered (the question
// or the follow-up), so a draft never shows up under the next question.

const PREFIX = 'mockloop:answer:';
// A draft older than this is from another sitting and is dropped.
const MAX_AGE_MS = 24 * 3600 * 1000;

function key(roundID, promptSeq) {
  return `${PREFIX}${roundID}:${promptSeq}`;
}

// Interviewer turns count from 0, so 0 is a prompt like any other.
const validSeq = (seq) => Number.isInteger(seq) && seq >= 0;

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: drafts live only in the page
  }
}

/** load returns {text, started} for the prompt, or null. */
export function load(roundID, promptSeq, now = Date.now()) {
  const s = storage();
  if (!s || !roundID || !validSeq(promptSeq)) return null;
  try {
    const v = JSON.parse(s.getItem(key(roundID, promptSeq)) || 'null');
    if (!v || typeof v.started !== 'number' || now - v.started > MAX_AGE_MS) return null;
    return { text: typeof v.text === 'string' ? v.text : '', started: v.started };
  } catch {
    return null;
  }
}

/** save records the answer's start and its text so far. */
export function save(roundID, promptSeq, started, text) {
  const s = storage();
  if (!s || !roundID || !validSeq(promptSeq) || !started) return;
  try {
    s.setItem(key(roundID, promptSeq), JSON.stringify({ started, text: text || '' }));
  } catch {
    // Quota exceeded: a draft too big to keep is also too big to send.
  }
}

/** clear forgets every draft of the round up to and including promptSeq. */
export function clear(roundID, promptSeq = Infinity) {
  const s = storage();
  if (!s || !roundID) return;
  const pre = `${PREFIX}${roundID}:`;
  for (let i = s.length - 1; i >= 0; i--) {
    const k = s.key(i);
    if (k && k.startsWith(pre) && Number(k.slice(pre.length)) <= promptSeq) s.removeItem(k);
  }
}
