// The fixtures every browser test file shares: real mockloop servers and
// the browser under test (MOCKLOOP_BROWSER), started before the file's
// tests and stopped after them, so a test file says only what it needs.
import { before, after } from 'node:test';
import { startServer } from './server.js';
import { launch, collectErrors } from './browser.js';

/**
 * useSuite registers before/after hooks in the calling test file and
 * returns the object they fill in: one entry per server (a startServer
 * handle; the default is one server called `srv`), `browser` (a launch
 * handle) and `url` (the first server's URL).
 *
 * browser is launch's options, or a function of the started servers that
 * returns them (for options that depend on the server, such as a clip).
 * setup runs once everything is up (seeding data), and cleanup after
 * everything is stopped. They belong here rather than in the file's own
 * before/after hooks because Node 20 runs a file's top-level hooks
 * concurrently, so a second before() would not wait for this one.
 * @param {{servers?: Record<string, object>,
 *          browser?: object | ((s: object) => Promise<object> | object),
 *          setup?: (s: object) => Promise<void>, cleanup?: () => Promise<void>}} opts
 */
export function useSuite(opts = {}) {
  const servers = opts.servers || { srv: {} };
  const names = Object.keys(servers);
  let markReady;
  // ready settles once the browser is up (or failed to start); openPage
  // waits on it.
  const s = { browser: null, url: '', ready: new Promise((r) => { markReady = r; }) };
  before(async () => {
    try {
      await start();
    } catch (err) {
      // Node 20 skips after() when before() fails: stop what did start.
      await stop();
      throw err;
    } finally {
      markReady();
    }
  });
  async function start() {
    // allSettled: a server that failed to start must not leave the others
    // running, so every started one is recorded for after() to stop.
    const started = await Promise.allSettled(names.map((n) => startServer(servers[n])));
    started.forEach((r, i) => { if (r.status === 'fulfilled') s[names[i]] = r.value; });
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    s.url = s[names[0]].url;
    const browserOpts = typeof opts.browser === 'function' ? await opts.browser(s) : opts.browser;
    s.browser = await launch(browserOpts || {});
    markReady();
    if (opts.setup) await opts.setup(s);
  }
  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    await s.browser?.close();
    await Promise.all(names.map((n) => s[n]?.stop()));
    if (opts.cleanup) await opts.cleanup();
  }
  after(stop);
  return s;
}

/**
 * openPage opens `url` in a new tab of the suite's browser and returns the
 * page with the errors it logs (collectErrors).
 * @param {{browser: {context: import('playwright-core').BrowserContext}}} s a useSuite result
 */
export async function openPage(s, url) {
  await s.ready;
  if (!s.browser) throw new Error('openPage: the suite did not start (see the before hook\'s error)');
  const page = await s.browser.context.newPage();
  const errors = collectErrors(page);
  if (url) await page.goto(url);
  return { page, errors };
}

/**
 * requireOr skips the test `t` with `why` when `ok` is false, except under
 * CI=true, where a missing prerequisite fails the run instead: CI installs
 * everything the suite needs, so a skip there hides a broken setup.
 * Returns ok.
 */
export function requireOr(t, ok, why) {
  if (ok) return true;
  if (process.env.CI === 'true') throw new Error(`${why} (CI=true: prerequisites must be present)`);
  t.skip(why);
  return false;
}
