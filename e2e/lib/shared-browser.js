// Runs a command (run.sh's node --test) with one browser under test
// started for all of it: the test files connect to it through
// $MOCKLOOP_BROWSER_WS (launch in browser.js) and each gets a fresh
// context, so the browser starts once per run instead of once per file.
// Usage: node lib/shared-browser.js COMMAND [ARGS...]; exits with the
// command's status, after the browser is closed.
import { spawn } from 'node:child_process';
import { launchServer } from './browser.js';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node lib/shared-browser.js COMMAND [ARGS...]');
  process.exit(2);
}

const server = await launchServer();
const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, MOCKLOOP_BROWSER_WS: server.wsEndpoint } });
// An interrupt reaches the child through the terminal's process group;
// this process only waits for it to end, then closes the browser.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
const status = await new Promise((resolve) => {
  child.on('error', (err) => { console.error(`shared-browser: ${cmd}: ${err.message}`); resolve(127); });
  child.on('exit', (code, sig) => resolve(code ?? (sig ? 128 : 1)));
});
await server.close();
process.exit(status);
