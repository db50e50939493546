// A sound card for a machine without one. Firefox renders all audio
// (Web Audio, <audio> playing a WebRTC track) through its media graph,
// which only runs while an output device is open: with no PulseAudio and
// no /dev/snd an AudioContext stays "suspended" for ever and the page's
// microphone meter and the interviewer's voice never run. Chromium's
// headless mode has a fake output of its own. So each Firefox launch gets
// a private PulseAudio with a null sink, timed by the system clock like a
// real card, on a socket in a temporary directory (no user's session, no
// D-Bus, nothing left behind).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PULSEAUDIO = process.env.PULSEAUDIO_BIN || '/usr/bin/pulseaudio';
const START_TIMEOUT_MS = 10000;

/**
 * startAudioServer runs PulseAudio with one null sink and resolves once it
 * says it is ready, with the environment a client needs to use it.
 * @returns {Promise<{env: {PULSE_SERVER: string}, stop: () => Promise<void>}>}
 */
export async function startAudioServer() {
  const dir = await mkdtemp(path.join(tmpdir(), 'mockloop-pulse-'));
  const socket = path.join(dir, 'native');
  // Runtime, state and config (the cookie) all in dir, not in $HOME.
  const env = { ...process.env, PULSE_RUNTIME_PATH: dir, PULSE_STATE_PATH: dir, XDG_CONFIG_HOME: dir };
  delete env.PULSE_SERVER;
  const proc = spawn(PULSEAUDIO, [
    '--daemonize=no', '-n', '--use-pid-file=no', '--exit-idle-time=-1',
    '--log-level=info', '--log-target=stderr',
    '--load=module-null-sink sink_name=mockloop rate=48000',
    `--load=module-native-protocol-unix socket=${socket} auth-anonymous=1`,
  ], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  // A test process that ends without calling stop() (a timeout, an
  // uncaught error) must not leave the daemon behind.
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  proc.once('exit', () => process.off('exit', killOnExit));
  let log = '';
  await new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      rm(dir, { recursive: true, force: true }).finally(() => reject(new Error(`pulseaudio: ${why}; output:\n${log}`)));
    };
    const timer = setTimeout(() => fail(`not ready within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    const onError = (err) => fail(`${err.message} (install the Debian package pulseaudio: make deps-test)`);
    const onExit = (code, sig) => fail(`exited (${code ?? sig}) before it was ready`);
    const onData = (chunk) => {
      log += chunk;
      if (!log.includes('Daemon startup complete.')) return;
      clearTimeout(timer);
      proc.off('error', onError).off('exit', onExit);
      proc.stderr.off('data', onData).resume(); // keep draining, stop watching
      resolve();
    };
    proc.on('error', onError).on('exit', onExit);
    proc.stderr.setEncoding('utf8').on('data', onData);
  });
  return {
    env: { PULSE_SERVER: `unix:${socket}` },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
