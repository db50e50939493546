// Launches the browser under test through playwright-core: Debian's
// Chromium (over CDP) or Debian's Firefox ESR (over WebDriver BiDi, the
// 'moz-firefox' channel). Never downloads a browser. MOCKLOOP_BROWSER
// picks which one (chromium by default); every test file is written once
// against Playwright's API and runs in both.
import { chromium, firefox } from 'playwright-core';
import { mkdtemp, rm, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeMicrophoneScript } from './microphone.js';
import { startAudioServer } from './audio.js';

const BROWSERS = ['chromium', 'firefox'];

/** BROWSER is the browser this run tests: $MOCKLOOP_BROWSER. */
export const BROWSER = (process.env.MOCKLOOP_BROWSER || 'chromium').toLowerCase();
if (!BROWSERS.includes(BROWSER)) {
  throw new Error(`MOCKLOOP_BROWSER=${process.env.MOCKLOOP_BROWSER}: want one of ${BROWSERS.join(', ')}`);
}

export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
export const FIREFOX = process.env.FIREFOX_BIN || '/usr/bin/firefox-esr';

/** ARTIFACTS is where screenshots go, one folder per browser so the two
 * runs do not overwrite each other's. */
export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts', BROWSER);

// The flags keep Chromium quiet on a closed network (no background
// fetches, updates or sync) and let it run as root.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Playwright's Firefox profile already turns off updates, telemetry and
// first-run pages. These two give getUserMedia a fake device without a
// permission prompt; the fake device plays a tone, so a test that needs
// speech replaces its content (fakeMicrophoneScript).
const FIREFOX_MEDIA_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
};

// Chromium's switch for a fake microphone playing a file; voice tests
// written before `microphone` existed pass it in `args`.
const FAKE_CAPTURE_ARG = '--use-file-for-fake-audio-capture=';

// How a browser is started for the suite and for one file, so the shared
// browser (lib/shared-browser.js) and a file's own launch match.
const CHROMIUM_LAUNCH = { executablePath: CHROMIUM, args: CHROMIUM_ARGS };
const FIREFOX_LAUNCH = { channel: 'moz-firefox', executablePath: FIREFOX, firefoxUserPrefs: FIREFOX_MEDIA_PREFS };
const CONTEXT = { viewport: { width: 1366, height: 900 } };

/**
 * launchServer starts one headless browser under test that test files
 * connect to (launch, through $MOCKLOOP_BROWSER_WS) instead of each
 * starting their own: a Firefox start costs 5-10 s on a loaded machine.
 * Firefox gets its own PulseAudio, as launch gives each of its own.
 * @returns {Promise<{wsEndpoint: string, close: () => Promise<void>}>}
 */
export async function launchServer() {
  if (BROWSER === 'chromium') {
    const server = await chromium.launchServer({ ...CHROMIUM_LAUNCH, headless: true });
    return { wsEndpoint: server.wsEndpoint(), close: () => server.close() };
  }
  const audio = await startAudioServer();
  try {
    const server = await firefox.launchServer({ ...FIREFOX_LAUNCH, headless: true, env: { ...process.env, ...audio.env } });
    return {
      wsEndpoint: server.wsEndpoint(),
      async close() {
        await server.close();
        await audio.stop();
      },
    };
  } catch (err) {
    await audio.stop();
    throw err;
  }
}

/** SHARED_WS is the shared browser's endpoint when run.sh started one. */
const SHARED_WS = process.env.MOCKLOOP_BROWSER_WS || '';

/**
 * launch gives a test file a fresh browser context of the browser under
 * test; close it with the returned close(). With $MOCKLOOP_BROWSER_WS set
 * (run.sh) the context is a new one, isolated like a fresh profile, in the
 * shared browser; otherwise, or when the options need switches of their
 * own (Chromium's fake microphone file), a browser is started for it.
 *
 * microphone: a WAV file the page's getUserMedia hears, played once and
 * then silence. args are Chromium switches: Firefox does not get them,
 * except that a fake-capture file among them is taken as `microphone`.
 * permissions are Playwright permissions; microphone access in Firefox
 * comes from its media prefs instead, which Playwright cannot grant.
 * @param {{args?: string[], permissions?: string[], microphone?: string}} opts
 */
export async function launch(opts = {}) {
  await mkdir(ARTIFACTS, { recursive: true });
  const args = opts.args || [];
  const fileArg = args.find((a) => a.startsWith(FAKE_CAPTURE_ARG));
  const microphone = opts.microphone || (fileArg && fileArg.slice(FAKE_CAPTURE_ARG.length).replace(/%noloop$/, ''));
  if (BROWSER === 'chromium') {
    const mic = opts.microphone ? [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      // %noloop: play the clip once, then silence, so a turn can end.
      `${FAKE_CAPTURE_ARG}${opts.microphone}%noloop`,
    ] : [];
    const permissions = [...(opts.permissions || [])];
    if (opts.microphone && !permissions.includes('microphone')) permissions.push('microphone');
    if (SHARED_WS && mic.length === 0 && args.length === 0) return connectShared(chromium, { ...CONTEXT, permissions });
    return launchOwn(chromium, { ...CHROMIUM_LAUNCH, ...CONTEXT, args: [...CHROMIUM_ARGS, ...mic, ...args], permissions });
  }
  // Firefox's switches are browser-wide prefs, the same for every file,
  // and its microphone is an init script: every file can share.
  const ctxOpts = { ...CONTEXT, permissions: (opts.permissions || []).filter((p) => p !== 'microphone') };
  const handle = SHARED_WS ? await connectShared(firefox, ctxOpts) : await launchOwn(firefox, { ...FIREFOX_LAUNCH, ...ctxOpts }, true);
  if (microphone) {
    try {
      await handle.context.addInitScript(fakeMicrophoneScript(await readFile(microphone)));
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
  return handle;
}

// connectShared opens a new context in the shared browser. Closing it
// disconnects; the browser stays up for the next file.
async function connectShared(type, ctxOpts) {
  const browser = await type.connect(SHARED_WS);
  try {
    const context = await browser.newContext(ctxOpts);
    return {
      context,
      browser: BROWSER,
      async close() {
        await context.close();
        await browser.close();
      },
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

// launchOwn starts a browser with a fresh profile for one file; Firefox
// (withAudio) also gets its own PulseAudio.
async function launchOwn(type, options, withAudio = false) {
  const profile = await mkdtemp(path.join(tmpdir(), `mockloop-${BROWSER}-`));
  let audio = null;
  let context;
  try {
    if (withAudio) audio = await startAudioServer();
    context = await type.launchPersistentContext(profile, {
      ...options,
      headless: true,
      ...(audio ? { env: { ...process.env, ...audio.env } } : {}),
    });
  } catch (err) {
    await audio?.stop();
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    context,
    browser: BROWSER,
    async close() {
      await context.close();
      await audio?.stop();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * emulatePrint switches the page to print styles (on) and back (off).
 * Chromium emulates the print medium itself. Playwright's WebDriver BiDi
 * page cannot (its updateEmulateMedia is empty: Firefox 153 has no BiDi
 * command for the media type), so in Firefox the page's own stylesheets
 * are switched through the CSSOM, which its CSP allows: every `@media
 * print` rule is made to apply and every `@media screen` one not to, and
 * `off` restores their conditions. Rules nested in other at-rules and
 * layout that depends on a page size are not emulated.
 * @param {import('playwright-core').Page} page
 * @param {boolean} on
 */
export async function emulatePrint(page, on) {
  if (BROWSER === 'chromium') {
    await page.emulateMedia({ media: on ? 'print' : 'screen' });
    return;
  }
  await page.evaluate((on) => {
    for (const sheet of document.styleSheets) {
      for (const rule of sheet.cssRules) {
        if (!(rule instanceof CSSMediaRule)) continue;
        if (on) {
          const text = rule.media.mediaText;
          if (/^\s*print\b/i.test(text) || /^\s*screen\b/i.test(text)) {
            rule.__mockloopMedia = text;
            rule.media.mediaText = text.replace(/^\s*print\b/i, 'all').replace(/^\s*screen\b/i, 'not all');
          }
        } else if (rule.__mockloopMedia !== undefined) {
          rule.media.mediaText = rule.__mockloopMedia;
          delete rule.__mockloopMedia;
        }
      }
    }
  }, on);
}

// Before each screenshot in Firefox, Playwright appends <style>body {}</style>
// to make animations settle (shouldToggleStyleSheetToSyncAnimations); the
// page's CSP (style-src 'self') rightly blocks it and Firefox reports the
// violation with the element's hash. That one report is the harness's own.
const PLAYWRIGHT_STYLE_HASH = createHash('sha256').update('body {}').digest('base64');
const harnessNoise = (text) => /style-src-elem/.test(text) && text.includes(`'sha256-${PLAYWRIGHT_STYLE_HASH}'`);

/** collectErrors records page errors and console errors so a test can
 * assert the page stayed clean. */
export function collectErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => { if (!harnessNoise(e.message)) errors.push(`pageerror: ${e.message}`); });
  page.on('console', (m) => {
    if (m.type() === 'error' && !harnessNoise(m.text())) errors.push(`console: ${m.text()}`);
  });
  return errors;
}
