// A spoken answer through a fake microphone: Chromium plays a real
// recording into getUserMedia, the page sends it over WebRTC, and the
// server's transcript and feedback come back. Skipped while the server
// reports no voice support (/api/config "voice": false).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startServer } from '../lib/server.js';
import { launch, collectErrors } from '../lib/browser.js';
import { waitForYourTurn } from '../lib/round.js';

// A woman introducing herself in a meeting (AMI corpus), 16 kHz mono; see
// /work/shared/testdata/speech/README.md. Human speech, since pocketsphinx
// turns synthetic voices into gibberish.
const CLIP = process.env.MOCKLOOP_E2E_CLIP || '/work/shared/testdata/speech/ami_es2011a_intro.wav';

let srv;
let browser;
let voice = false;
before(async () => {
  srv = await startServer();
  const cfg = await (await fetch(`${srv.url}/api/config`)).json();
  voice = cfg.voice === true;
  if (voice && existsSync(CLIP)) {
    browser = await launch({
      // %noloop: play the clip once, then silence, so the turn can end.
      args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${CLIP}%noloop`],
      permissions: ['microphone'],
    });
  }
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('a spoken answer is transcribed, committed and analysed', async (t) => {
  if (!voice) return t.skip('the server reports no voice support');
  if (!browser) return t.skip(`no speech clip at ${CLIP}`);
  const res = await fetch(`${srv.url}/api/rounds`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind: 'behavioral', minutes: 10 }),
  });
  assert.equal(res.status, 201);
  const body = await res.json();
  const id = (body.round || body).id;
  const page = await browser.context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${srv.url}/round/${id}`);
  await waitForYourTurn(page, 1, 30000);
  await page.click('#mic-start');
  // The level meter moves while the clip plays.
  await page.waitForFunction(() => parseFloat(document.querySelector('#mic-level').style.width) > 5, null, { timeout: 15000 });
  // Final utterance lines arrive from the server's recogniser; the clip
  // is about 12 s, split wherever the speaker pauses.
  const words = () => page.$$eval('#transcript p[data-seq]', (ps) => ps.map((p) => p.textContent).join(' ').trim().split(/\s+/).filter(Boolean).length);
  await page.waitForFunction(() => Array.from(document.querySelectorAll('#transcript p[data-seq]'))
    .map((p) => p.textContent).join(' ').trim().split(/\s+/).filter(Boolean).length >= 5, null, { timeout: 60000 });
  assert.ok(await words() >= 5);
  assert.ok(['listening', 'speaking', 'pause', 'ended'].includes(await page.getAttribute('#listen', 'data-state')));
  // "I'm done" commits the spoken turn; the analyzer's report follows.
  await page.keyboard.press('d');
  await page.waitForFunction(() => window.mockloop.state.turns.some((t) => t.role === 'candidate' && t.report), null, { timeout: 30000 });
  assert.deepEqual(errors.filter((e) => !/autoplay/i.test(e)), []);
  await page.close();
});
