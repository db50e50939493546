// Starts a real mockloop server for one test file: a fresh data directory,
// port 0, and the URL parsed from the line the server prints on start-up.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** binPath is the server binary under test: $MOCKLOOP_BIN or ../bin/mockloop. */
export function binPath() {
  return process.env.MOCKLOOP_BIN ? path.resolve(process.env.MOCKLOOP_BIN) : path.resolve(here, '..', '..', 'bin', 'mockloop');
}

// How long the server may take to print its URL (it loads the speech
// model at start-up when voice is on).
const START_TIMEOUT_MS = 30000;

/**
 * startServer runs `mockloop serve --addr 127.0.0.1:0 --data-dir <tmp>`
 * and resolves once it prints http://127.0.0.1:PORT.
 * @param {{args?: string[], env?: object}} opts
 */
export async function startServer(opts = {}) {
  const bin = binPath();
  if (!existsSync(bin)) {
    throw new Error(`mockloop binary not found at ${bin}; build it (make build) or set MOCKLOOP_BIN`);
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mockloop-e2e-'));
  // A clean environment: a developer's MOCKLOOP_LLM_BASE_URL or similar
  // must not turn the scripted interviewer into a network call mid-test.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MOCKLOOP_')));
  Object.assign(env, opts.env || {});
  const proc = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--data-dir', dataDir, ...(opts.args || [])], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  let stdout = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server printed no URL within ${START_TIMEOUT_MS} ms; output:\n${log}`)), START_TIMEOUT_MS);
    const onData = (chunk) => {
      log += chunk;
      stdout += chunk;
      // Only stdout: the log on stderr may mention other local URLs
      // (engine endpoints) first.
      // Match complete lines only: a chunk can end in the middle of the
      // port number.
      const lines = stdout.slice(0, stdout.lastIndexOf('\n') + 1);
      const m = lines.match(/http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    };
    proc.stdout.setEncoding('utf8').on('data', onData);
    proc.stderr.setEncoding('utf8').on('data', (c) => { log += c; });
    proc.on('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? sig}) before printing its URL; output:\n${log}`));
    });
  });
  return {
    url,
    dataDir,
    log: () => log,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
