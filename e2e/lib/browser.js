// Launches Debian's Chromium through playwright-core. Never downloads a
// browser. The flags keep Chromium quiet on a closed network (no
// background fetches, updates or sync) and let it run as root.
import { chromium } from 'playwright-core';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * launch starts Chromium with a fresh profile and returns a context; close
 * it with the returned close().
 * @param {{args?: string[], permissions?: string[]}} opts
 */
export async function launch(opts = {}) {
  const profile = await mkdtemp(path.join(tmpdir(), 'mockloop-chromium-'));
  await mkdir(ARTIFACTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...BASE_ARGS, ...(opts.args || [])],
    viewport: { width: 1366, height: 900 },
    permissions: opts.permissions || [],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** collectErrors records page errors and console errors so a test can
 * assert the page stayed clean. */
export function collectErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}
