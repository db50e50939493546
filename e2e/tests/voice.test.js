// The voice path through a fake microphone: Chromium plays a real
// recording into getUserMedia, the page sends it over WebRTC, the server's
// transcript and feedback come back, and the interviewer's voice comes
// back on the same peer connection into the page's <audio> element. The
// recording starts after a few seconds of silence, so the interviewer is
// heard first (the question is read out when the microphone connects) and
// the candidate then talks over it: a real barge-in. Skipped while the
// server reports no voice support (/api/config "voice": false).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/server.js';
import { launch, collectErrors, ARTIFACTS } from '../lib/browser.js';
import { waitForYourTurn, interviewerTurns } from '../lib/round.js';
import { createRound } from '../lib/seed.js';
import { withLeadingSilence, parseWav } from '../lib/wav.js';
import { readFileSync } from 'node:fs';

// A woman introducing herself in a meeting (AMI corpus), 16 kHz mono; see
// /work/shared/testdata/speech/README.md. Human speech, since pocketsphinx
// turns synthetic voices into gibberish.
const CLIP = process.env.MOCKLOOP_E2E_CLIP || '/work/shared/testdata/speech/ami_es2011a_intro.wav';
// Silence before the candidate speaks: room for the microphone to connect
// (about a second here) and for the interviewer to be heard before the
// candidate cuts in.
const LEAD_SILENCE_SEC = 4;

let srv;
let browser;
let voice = false;
let tmp;
before(async () => {
  srv = await startServer();
  const cfg = await (await fetch(`${srv.url}/api/config`)).json();
  voice = cfg.voice === true;
  if (voice && existsSync(CLIP)) {
    tmp = await mkdtemp(path.join(tmpdir(), 'mockloop-voice-'));
    const clip = path.join(tmp, 'answer.wav');
    await withLeadingSilence(CLIP, clip, LEAD_SILENCE_SEC);
    browser = await launch({
      // %noloop: play the clip once, then silence, so the turn can end.
      args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${clip}%noloop`],
      permissions: ['microphone'],
    });
  }
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** inbound reads the page's WebRTC receive counters for the audio track. */
function inbound(page) {
  return page.evaluate(async () => {
    const pc = window.mockloop.voice.pc;
    if (!pc) return null;
    let r = null;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') r = s;
    });
    const codec = r && r.codecId ? (await pc.getStats()).get(r.codecId) : null;
    return r && { packets: r.packetsReceived || 0, bytes: r.bytesReceived || 0, energy: r.totalAudioEnergy || 0, codec: codec && codec.mimeType };
  });
}

/** waitForInboundGrowth waits until the receive counters (packets, bytes
 * and audio energy) have all grown past `from` and returns that reading.
 * The stats have no change event, so the page polls them against a
 * deadline (Playwright's waitForFunction does not await a promise). */
function waitForInboundGrowth(page, from, timeoutMs = 10000) {
  return page.evaluate(({ b, timeoutMs }) => new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    let last = null;
    const poll = async () => {
      const pc = window.mockloop.voice.pc;
      if (pc) {
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio') {
            last = { packets: s.packetsReceived, bytes: s.bytesReceived, energy: s.totalAudioEnergy };
          }
        });
      }
      if (last && last.packets > b.packets && last.bytes > b.bytes && last.energy > b.energy) return resolve(last);
      if (Date.now() > deadline) return reject(new Error(`inbound audio did not grow past ${JSON.stringify(b)} in ${timeoutMs} ms; last ${JSON.stringify(last)}`));
      setTimeout(poll, 100);
    };
    poll();
  }), { b: from, timeoutMs });
}

test('a spoken round: the interviewer is heard, the candidate cuts in, the answer is transcribed and reviewed', async (t) => {
  if (!voice) return t.skip('the server reports no voice support');
  if (!browser) return t.skip(`no speech clip at ${CLIP}`);
  const id = await createRound(srv.url, { kind: 'behavioral', minutes: 10 });
  const page = await browser.context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${srv.url}/round/${id}`);
  await waitForYourTurn(page, 1, 30000);
  // When the fake microphone's file ends, in the page's clock: the next
  // question must not start while the candidate is still talking, or it
  // is (rightly) interrupted before its first audio.
  const w = parseWav(readFileSync(CLIP));
  const clipMs = (LEAD_SILENCE_SEC + w.data.length / w.blockAlign / w.sampleRate) * 1000;
  const clipEnd = await page.evaluate((ms) => performance.now() + ms, clipMs);
  await page.click('#mic-start');

  await t.test('the interviewer’s audio reaches the page’s audio element while it speaks', async () => {
    // The incoming track is the element's source, live and playing.
    await page.waitForFunction(() => {
      const a = document.querySelector('#remote-audio');
      const tr = a.srcObject && a.srcObject.getAudioTracks()[0];
      return tr && tr.readyState === 'live' && !a.paused;
    }, null, { timeout: 10000 });
    // And audio is actually arriving: energy above silence, then the
    // counters keep growing while the question is read out.
    await page.waitForFunction(() => window.mockloop.voice.remote.speaking, null, { timeout: 10000, polling: 100 });
    const first = await inbound(page);
    assert.equal(first.codec, 'audio/opus');
    const later = await waitForInboundGrowth(page, first);
    assert.ok(later.packets > first.packets && later.bytes > first.bytes, `inbound ${JSON.stringify(first)} -> ${JSON.stringify(later)}`);
    // The page says so: the speaking light is on, from the audio itself
    // (the replayed question has no captions).
    assert.equal(await page.isVisible('#speaking'), true);
    assert.equal(await page.getAttribute('#speaking', 'data-source'), 'audio');
  });

  await t.test('talking over the interviewer stops it and the page shows the barge-in', async () => {
    await page.waitForSelector('#listen[data-state=interrupted], body[data-interviewer=interrupted]', { timeout: 15000 });
    assert.equal(await page.isVisible('#barge-in'), true);
    assert.equal(await page.isVisible('#speaking'), false);
    // The server dropped the rest of the question: the incoming audio
    // falls to silence while the candidate goes on talking.
    await page.waitForFunction(() => !window.mockloop.voice.remote.speaking, null, { timeout: 5000, polling: 100 });
  });

  await t.test('the spoken answer is transcribed, committed and analysed', async () => {
    // Final utterance lines arrive from the server's recogniser; the clip
    // is about 12 s, split wherever the speaker pauses.
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#transcript p[data-seq]'))
      .map((p) => p.textContent).join(' ').trim().split(/\s+/).filter(Boolean).length >= 5, null, { timeout: 60000 });
    assert.ok(['listening', 'speaking', 'pause', 'ended', 'interrupted'].includes(await page.getAttribute('#listen', 'data-state')));
    const asked = await interviewerTurns(page);
    await page.waitForFunction((end) => performance.now() > end, clipEnd, { timeout: 60000, polling: 200 });
    // "I'm done" commits the spoken turn; the analyzer's report follows.
    await page.keyboard.press('d');
    await page.waitForFunction(() => window.mockloop.state.turns.some((x) => x.role === 'candidate' && x.report), null, { timeout: 30000 });
    // The next interviewer turn is spoken: its latency row has all three
    // stages, and the audio counters move again.
    const before = await inbound(page);
    await waitForYourTurn(page, asked + 1, 30000);
    // The debug panel is collapsed until asked for.
    assert.equal(await page.isVisible('#latency-table'), false);
    await page.click('#debug summary');
    const row = await page.waitForSelector('#latency-rows tr', { timeout: 5000 });
    const stages = await row.$$eval('td[data-stage]', (tds) => Object.fromEntries(tds.map((td) => [td.dataset.stage, td.textContent])));
    assert.match(stages.first_audio, /^\d+ ms$/, JSON.stringify(stages));
    assert.match(stages.first_token, /^\d+ ms$/, JSON.stringify(stages));
    await waitForInboundGrowth(page, before, 5000);
    await page.evaluate(() => window.scrollTo(0, 0)); // the sticky bar stays at the top of the shot
    await page.screenshot({ path: path.join(ARTIFACTS, 'round-voice.png'), fullPage: true });
  });

  await t.test('on the review page a finding plays the kept audio from its words', async () => {
    await page.click('#end');
    await page.click('#confirm-ok');
    await page.waitForURL(/\/review\/[^/]+$/, { timeout: 15000 });
    await page.waitForSelector('body[data-ready=true]');
    const data = await (await fetch(`${srv.url}/api/rounds/${id}`)).json();
    const spoken = data.turns.find((x) => x.role === 'candidate' && x.report && x.audio_path);
    assert.ok(spoken, 'the spoken answer kept no audio');
    const block = `#answer-${spoken.seq}`;
    // The charts load; pace is among them when the answer is long enough
    // for a 30-second window, else its average is said in words.
    const paced = (spoken.report.metrics.wpm_windows || []).length > 0;
    await page.waitForFunction(({ sel, n }) => {
      const imgs = Array.from(document.querySelectorAll(`${sel} .answer-charts img`));
      return imgs.length === n && imgs.every((i) => i.complete && i.naturalWidth > 0);
    }, { sel: block, n: paced ? 3 : 2 }, { timeout: 10000 });
    if (!paced) assert.match(await page.textContent(`${block} .chart-note`), /\d+ words per minute/);
    // The page seeks to a finding's first piece of evidence.
    const i = spoken.report.findings.findIndex((f) => f.evidence && f.evidence[0].end > f.evidence[0].start && f.evidence[0].t0 > 0);
    assert.ok(i >= 0, `no finding with timed evidence: ${JSON.stringify(spoken.report.findings.map((f) => f.code))}`);
    const t0 = spoken.report.findings[i].evidence[0].t0;
    await page.click(`${block} button.finding[data-finding="t${spoken.seq}-f${i}"]`);
    await page.waitForFunction(({ sel, t0 }) => {
      const a = document.querySelector(`${sel} audio`);
      return a && Math.abs(a.currentTime - t0) < 1;
    }, { sel: block, t0 }, { timeout: 5000 });
    // A pocketsphinx transcript says its filler count is only a floor.
    assert.match(await page.textContent('#summary'), /lower bound: pocketsphinx rarely writes "um" or "uh"/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'review-voice.png'), fullPage: true });
  });

  assert.deepEqual(errors.filter((e) => !/autoplay/i.test(e)), []);
  await page.close();
});
