// The home and round pages say which engines are in use and warn plainly
// when one is not on this machine. The "remote" LLM here is 0.0.0.0: not a
// loopback address, so mockloop must flag it, yet a connection to it stays
// on this machine (Linux treats it as this host) and finds nothing
// listening on port 9, so the test sends no traffic anywhere else. The page
// only reads /api/config and must never contact the endpoint itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS } from '../lib/browser.js';
import { useSuite, openPage as open } from '../lib/suite.js';
import { createRound } from '../lib/seed.js';

const REMOTE_LLM = 'http://0.0.0.0:9/v1';

const suite = useSuite({
  servers: {
    local: {},
    // A short first-token timeout: the server's own attempt at the LLM
    // gives up quickly and the scripted interviewer takes the turn.
    remote: { args: ['--llm-url', REMOTE_LLM, '--llm-first-token-timeout', '1s'] },
  },
});

/** openPage opens url and records every request the page makes. */
async function openPage(url) {
  const { page, errors } = await open(suite);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  return { page, requests, errors };
}

const offOrigin = (requests, origin) => requests.filter((u) => !u.startsWith(origin) && !u.startsWith(origin.replace(/^http/, 'ws')));

test('with a remote LLM the home and round pages warn that it is not local', async (t) => {
  const cfg = await (await fetch(`${suite.remote.url}/api/config`)).json();
  assert.equal(cfg.engines.llm.local, false, 'the server should call this LLM endpoint remote');

  await t.test('the home page names the endpoint in a warning and marks the engine', async () => {
    const { page, requests, errors } = await openPage(`${suite.remote.url}/`);
    await page.waitForSelector('#remote-warning:not([hidden])');
    const text = await page.textContent('#remote-warning');
    assert.match(text, /Not everything stays on this machine/);
    assert.ok(text.includes(REMOTE_LLM), text);
    assert.equal(await page.getAttribute('#remote-warning', 'data-remote'), 'llm');
    assert.equal(await page.locator('[data-remote=llm]').count(), 2, 'the banner and the LLM row both say not local');
    assert.equal(await page.locator('[data-remote=stt], [data-remote=tts]').count(), 0, 'local engines are not flagged');
    await page.screenshot({ path: path.join(ARTIFACTS, 'home-remote.png') });
    assert.deepEqual(offOrigin(requests, suite.remote.url), []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  await t.test('the round page shows the engines and the same warning', async () => {
    const id = await createRound(suite.remote.url, { kind: 'behavioral', minutes: 10 });
    const { page, requests, errors } = await openPage(`${suite.remote.url}/round/${id}`);
    await page.waitForSelector('#remote-warning:not([hidden])');
    assert.ok((await page.textContent('#remote-warning')).includes(REMOTE_LLM));
    assert.match(await page.textContent('#engines'), /Interviewer: .*\(not local\)/);
    assert.equal(await page.getAttribute('#engines [data-engine=llm]', 'class'), 'remote');
    assert.deepEqual(offOrigin(requests, suite.remote.url), []);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

test('with local engines there is no warning', async () => {
  for (const where of ['/', `/round/${await createRound(suite.local.url, { kind: 'coding', minutes: 10 })}`]) {
    const { page, errors } = await openPage(`${suite.local.url}${where}`);
    // Wait until the engines are filled in, then check nothing warns.
    await page.waitForFunction(() => {
      const el = document.querySelector('#engines [data-engine=stt]');
      return el && !el.textContent.includes('…') && el.textContent.trim() !== '';
    });
    assert.equal(await page.isVisible('#remote-warning'), false, `${where} warns with local engines`);
    assert.equal(await page.locator('[data-remote]').count(), 0);
    assert.match(await page.textContent('#engines'), /sphinx/);
    assert.deepEqual(errors, []);
    await page.close();
  }
});
