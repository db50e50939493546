// Comparing what the server kept of an answer with the recording the fake
// microphone played: loudness envelopes, which survive Opus, resampling
// and gain, and do not depend on how well the recogniser did.
// ENVELOPE_HOP_SEC is the frame of a loudness envelope: 50 ms follows
// syllables, which is what survives any codec, resampler and gain.
export const ENVELOPE_HOP_SEC = 0.05;

/** envelope returns the RMS loudness of each ENVELOPE_HOP_SEC frame of
 * mono samples scaled to [-1, 1]. */
export function envelope(samples, sampleRate) {
  const hop = Math.round(sampleRate * ENVELOPE_HOP_SEC);
  const out = [];
  for (let i = 0; i + hop <= samples.length; i += hop) {
    let sum = 0;
    for (let j = i; j < i + hop; j++) sum += samples[j] * samples[j];
    out.push(Math.sqrt(sum / hop));
  }
  return out;
}

/** pcm16Mono returns the first channel of 16-bit PCM WAV data as floats. */
export function pcm16Mono(w) {
  const bits = w.fmt.readUInt16LE(14);
  if (bits !== 16) throw new Error(`pcm16Mono: ${bits}-bit audio`);
  const n = Math.floor(w.data.length / w.blockAlign);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = w.data.readInt16LE(i * w.blockAlign) / 32768;
  return out;
}

/**
 * bestMatch slides envelope `needle` along `hay` and returns the highest
 * Pearson correlation and its offset in frames, over offsets where the
 * whole needle lies inside hay (the kept answer audio holds the spoken
 * clip plus lead-in and trailing silence).
 */
export function bestMatch(hay, needle) {
  let best = { r: -1, offset: -1 };
  const n = needle.length;
  const mean = (a, o) => { let s = 0; for (let i = 0; i < n; i++) s += a[o + i]; return s / n; };
  const mb = mean(needle, 0);
  for (let off = 0; off + n <= hay.length; off++) {
    const ma = mean(hay, off);
    let num = 0;
    let da = 0;
    let db = 0;
    for (let i = 0; i < n; i++) {
      const x = hay[off + i] - ma;
      const y = needle[i] - mb;
      num += x * y;
      da += x * x;
      db += y * y;
    }
    const r = da > 0 && db > 0 ? num / Math.sqrt(da * db) : 0;
    if (r > best.r) best = { r, offset: off };
  }
  return best;
}
