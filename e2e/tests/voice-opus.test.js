// e2e: real-time audio (run.sh runs this file alone: it times speech against the clock)
// The interviewer's voice as Opus at 48 kHz (issue 14): Chromium's
// answer/offer negotiates opus/48000/2 for the track the page plays in its
// <audio> element, audio energy arrives, a person talking over the
// interviewer still stops it, and noise (bursts, clicks) does not. The
// microphone comes the other way at the 64 kbps the answer asks for.
// Each case gets its own browser, because Chromium's fake microphone plays
// one file per launch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/server.js';
import { launch, collectErrors } from '../lib/browser.js';
import { waitForYourTurn } from '../lib/round.js';
import { createRound } from '../lib/seed.js';
import { withLeadingSilence } from '../lib/wav.js';

// Human speech (AMI corpus), as in voice.test.js.
const CLIP = process.env.MOCKLOOP_E2E_CLIP || '/work/shared/testdata/speech/ami_es2011a_intro.wav';
// The noise starts this long after the microphone opens and repeats every
// second, so several bursts fall while the question is read out (it starts
// when the microphone connects, 1-3 s in on a loaded machine).
const NOISE_AT_SEC = 1;
const BURSTS = 10;
const NOISE_END_SEC = NOISE_AT_SEC + BURSTS + 1.6;

let srv;
let tmp;
let voice = false;
before(async () => {
  srv = await startServer();
  const cfg = await (await fetch(`${srv.url}/api/config`)).json();
  voice = cfg.voice === true && cfg.engines.tts.name !== 'none';
  tmp = await mkdtemp(path.join(tmpdir(), 'mockloop-opus-'));
});
after(async () => {
  await srv?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** sox runs sox to make a 16 kHz mono 16-bit WAV (Debian package sox). */
function sox(out, ...effects) {
  execFileSync('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', out, ...effects]);
  return out;
}

/** noiseClip: BURSTS 150 ms white-noise bursts a second apart, then 1.6 s
 * of keyboard-like clicks (8 ms every 160 ms), then silence. */
function noiseClip() {
  const bursts = sox(path.join(tmp, 'bursts.wav'), 'synth', '0.15', 'whitenoise', 'vol', '0.5', 'pad', '0', '0.85', 'repeat', String(BURSTS - 1));
  const clicks = sox(path.join(tmp, 'clicks.wav'), 'synth', '0.008', 'whitenoise', 'vol', '0.8', 'pad', '0', '0.152', 'repeat', '9');
  const out = path.join(tmp, 'noise.wav');
  execFileSync('sox', [bursts, clicks, out, 'pad', String(NOISE_AT_SEC), '30']);
  return out;
}

/** openRound starts a browser whose microphone plays clip, opens a new
 * round and starts the microphone; it resolves when the mic is clicked. */
async function openRound(clip) {
  const browser = await launch({
    args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${clip}%noloop`],
    permissions: ['microphone'],
  });
  const id = await createRound(srv.url, { kind: 'behavioral', minutes: 10 });
  const page = await browser.context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${srv.url}/round/${id}`);
  await waitForYourTurn(page, 1, 30000);
  // A timeline of what the page hears, kept in the page: when the mic was
  // opened, when interviewer audio was first and last heard, and whether
  // the server ever said the candidate cut in.
  await page.evaluate(() => {
    const tl = { start: performance.now(), heardFrom: 0, heardTo: 0, interrupted: false };
    window.__timeline = tl;
    setInterval(() => {
      const v = window.mockloop.voice;
      const now = performance.now() - tl.start;
      if (v && v.remote && v.remote.speaking) {
        if (!tl.heardFrom) tl.heardFrom = now;
        tl.heardTo = now;
      }
      if (document.querySelector('#listen[data-state=interrupted]')) tl.interrupted = true;
    }, 50);
  });
  await page.click('#mic-start');
  return { browser, page, errors };
}

/** codecInfo reads the negotiated codec of the incoming audio and the
 * rtpmap of the answer the server sent. */
function codecInfo(page) {
  return page.evaluate(async () => {
    const pc = window.mockloop.voice.pc;
    const stats = await pc.getStats();
    let inbound = null;
    let outbound = null;
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') inbound = s;
      if (s.type === 'outbound-rtp' && s.kind === 'audio') outbound = s;
    });
    const codec = inbound && inbound.codecId ? stats.get(inbound.codecId) : null;
    return {
      mime: codec && codec.mimeType,
      clockRate: codec && codec.clockRate,
      channels: codec && codec.channels,
      energy: inbound ? inbound.totalAudioEnergy || 0 : 0,
      packets: inbound ? inbound.packetsReceived || 0 : 0,
      answerHasOpus: /a=rtpmap:\d+ opus\/48000\/2/i.test(pc.remoteDescription ? pc.remoteDescription.sdp : ''),
      answerBitrate: ((pc.remoteDescription ? pc.remoteDescription.sdp : '').match(/a=fmtp:\d+ .*maxaveragebitrate=(\d+)/) || [])[1],
      // Chromium reports its encoder's target; Firefox has no such field.
      micTarget: outbound ? outbound.targetBitrate : undefined,
      micBytes: outbound ? outbound.bytesSent || 0 : 0,
      micPackets: outbound ? outbound.packetsSent || 0 : 0,
    };
  });
}

/** energyPast waits until the inbound audio energy and packet count have
 * grown past `from`; getStats has no change event, so the page polls it
 * against a deadline. */
function energyPast(page, from, timeoutMs = 10000) {
  return page.evaluate(({ from, timeoutMs }) => new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = async () => {
      let r = null;
      (await window.mockloop.voice.pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') r = s; });
      const now = r && { energy: r.totalAudioEnergy || 0, packets: r.packetsReceived || 0 };
      if (now && now.energy > from.energy && now.packets > from.packets) return resolve(now);
      if (Date.now() > deadline) return reject(new Error(`inbound audio did not grow past ${JSON.stringify(from)}; last ${JSON.stringify(now)}`));
      setTimeout(poll, 100);
    };
    poll();
  }), { from, timeoutMs });
}

test('the interviewer speaks Opus at 48 kHz and only speech cuts it off', async (t) => {
  if (!voice) return t.skip('the server reports no voice support');
  if (!existsSync(CLIP)) return t.skip(`no speech clip at ${CLIP}`);

  await t.test('the Opus track reaches the audio element with energy, talking over it stops it, and the microphone runs at 64 kbps', async () => {
    const clip = path.join(tmp, 'answer.wav');
    await withLeadingSilence(CLIP, clip, 4);
    const { browser, page, errors } = await openRound(clip);
    try {
      await page.waitForFunction(() => {
        const a = document.querySelector('#remote-audio');
        const tr = a.srcObject && a.srcObject.getAudioTracks()[0];
        return tr && tr.readyState === 'live' && !a.paused;
      }, null, { timeout: 10000 });
      await page.waitForFunction(() => window.mockloop.voice.remote.speaking, null, { timeout: 10000, polling: 100 });
      const first = await codecInfo(page);
      assert.equal(first.mime, 'audio/opus', JSON.stringify(first));
      assert.equal(first.clockRate, 48000);
      assert.ok(first.answerHasOpus, 'the server answer has no opus/48000/2 rtpmap');
      // Energy keeps arriving while the question is read out.
      const later = await energyPast(page, first);
      assert.ok(later.energy > first.energy && later.packets > first.packets, `inbound ${JSON.stringify(first)} -> ${JSON.stringify(later)}`);

      // The candidate starts talking 4 s in: the server interrupts.
      await page.waitForSelector('#listen[data-state=interrupted], body[data-interviewer=interrupted]', { timeout: 15000 });
      await page.waitForFunction(() => !window.mockloop.voice.remote.speaking, null, { timeout: 5000, polling: 100 });
      // The microphone runs at the bitrate the answer asked for: 64 kbps
      // is about 160 bytes per 20 ms packet of speech, WebRTC's default
      // 32 kbps about 75 (both measured in Chromium and Firefox).
      const a1 = await codecInfo(page);
      await new Promise((r) => setTimeout(r, 2000));
      const a2 = await codecInfo(page);
      assert.equal(a2.answerBitrate, '64000', 'the answer does not ask for maxaveragebitrate=64000');
      if (a2.micTarget !== undefined) assert.equal(a2.micTarget, 64000, 'the browser encoder target');
      const perPacket = (a2.micBytes - a1.micBytes) / Math.max(1, a2.micPackets - a1.micPackets);
      assert.ok(perPacket > 110, `${perPacket.toFixed(0)} bytes per microphone packet while speaking, want over 110`);
      assert.match(srv.log(), /barge-in: interviewer interrupted/);
      assert.equal(await page.isVisible('#barge-in'), true);
      assert.deepEqual(errors.filter((e) => !/autoplay/i.test(e)), []);
    } finally {
      await browser.close();
    }
  });

  await t.test('noise bursts and clicks while the interviewer talks do not interrupt it', async () => {
    const before = (srv.log().match(/barge-in: interviewer interrupted/g) || []).length;
    const { browser, page, errors } = await openRound(noiseClip());
    try {
      await page.waitForFunction(() => window.mockloop.voice.remote.speaking, null, { timeout: 10000, polling: 100 });
      // Wait for the question to finish on its own: the audio stops
      // after the noise is over.
      await page.waitForFunction((endMs) => {
        const tl = window.__timeline;
        const v = window.mockloop.voice;
        return tl.interrupted || (!v.remote.speaking && performance.now() - tl.start > endMs);
      }, NOISE_END_SEC * 1000, { timeout: 40000, polling: 100 });
      const tl = await page.evaluate(() => window.__timeline);
      assert.equal(tl.interrupted, false, `the page showed a barge-in: ${JSON.stringify(tl)}`);
      // At least two bursts fell while the interviewer was talking.
      let inside = 0;
      for (let k = 0; k < BURSTS; k++) {
        const at = (NOISE_AT_SEC + k) * 1000;
        if (at > tl.heardFrom && at + 150 < tl.heardTo) inside++;
      }
      assert.ok(inside >= 2, `${inside} bursts fell inside the question (heard ${tl.heardFrom}-${tl.heardTo} ms)`);
      const after = (srv.log().match(/barge-in: interviewer interrupted/g) || []).length;
      assert.equal(after, before, 'the server logged a barge-in for noise');
      assert.equal(await page.isVisible('#barge-in'), false);
      assert.deepEqual(errors.filter((e) => !/autoplay/i.test(e)), []);
    } finally {
      await browser.close();
    }
  });
});
