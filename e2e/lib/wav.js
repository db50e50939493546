// WAV helpers for the fake microphone: Chromium plays a PCM WAV file into
// getUserMedia (--use-file-for-fake-audio-capture), so a test shapes what
// the "candidate" says and when by shaping the file.
import { readFile, writeFile } from 'node:fs/promises';

/** parseWav returns the format chunk and the sample bytes of a RIFF/WAVE
 * file, skipping chunks it does not need (LIST, fact, ...). */
export function parseWav(buf) {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('parse wav: not a RIFF/WAVE file');
  }
  let fmt = null;
  let data = null;
  for (let off = 12; off + 8 <= buf.length;) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = buf.subarray(off + 8, Math.min(buf.length, off + 8 + size));
    if (id === 'fmt ') fmt = body;
    if (id === 'data') data = body;
    off += 8 + size + (size % 2); // chunks are padded to even sizes
  }
  if (!fmt || !data) throw new Error('parse wav: missing fmt or data chunk');
  return {
    fmt,
    data,
    sampleRate: fmt.readUInt32LE(4),
    blockAlign: fmt.readUInt16LE(12),
  };
}

/** buildWav writes a canonical WAV from a format chunk and sample bytes. */
export function buildWav(fmt, data) {
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'ascii');
  head.writeUInt32LE(4 + (8 + fmt.length) + (8 + data.length), 4);
  head.write('WAVE', 8, 'ascii');
  const chunk = (id, body) => {
    const h = Buffer.alloc(8);
    h.write(id, 0, 'ascii');
    h.writeUInt32LE(body.length, 4);
    return [h, body];
  };
  return Buffer.concat([head, ...chunk('fmt ', fmt), ...chunk('data', data)]);
}

/** withLeadingSilence writes `out`: `seconds` of digital silence, then the
 * clip at `src`, in the clip's own format. */
export async function withLeadingSilence(src, out, seconds) {
  const w = parseWav(await readFile(src));
  const silence = Buffer.alloc(Math.round(seconds * w.sampleRate) * w.blockAlign);
  await writeFile(out, buildWav(w.fmt, Buffer.concat([silence, w.data])));
}
