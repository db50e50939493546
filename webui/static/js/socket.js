// RoundSocket is the round page's one websocket (docs/protocol.md). It says
// hello on every (re)connect so the server answers with a full state
// snapshot, and reconnects with capped, jittered exponential backoff: a
// restarted server or a laptop waking from sleep resumes where it was.

export const PROTOCOL_VERSION = 1;

// Backoff bounds: fast enough that a server restart feels seamless, capped
// so a server that is gone for good is not hammered.
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 10000;

export class RoundSocket {
  /**
   * @param {string} roundID
   * @param {{onMessage: (msg: object) => void, onStatus: (status: string, info?: object) => void, random?: () => number}} opts
   */
  constructor(roundID, opts) {
    this.roundID = roundID;
    this.onMessage = opts.onMessage;
    this.onStatus = opts.onStatus || (() => {});
    this.random = opts.random || Math.random;
    this.ws = null;
    this.attempt = 0;
    this.stopped = false;
    this.timer = 0;
  }

  url() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}/ws?round=${encodeURIComponent(this.roundID)}`;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  connect() {
    clearTimeout(this.timer);
    this.onStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch (err) {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.onStatus('open');
      this.send({ type: 'hello' });
    });
    ws.addEventListener('message', (ev) => {
      if (this.ws !== ws) return;
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        this.onStatus('garbled');
        return;
      }
      if (msg && typeof msg === 'object') this.onMessage(msg);
    });
    ws.addEventListener('close', (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) {
        this.onStatus('closed', { code: ev.code });
        return;
      }
      this.scheduleReconnect(ev.code);
    });
  }

  scheduleReconnect(code) {
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt);
    // Full jitter on the upper half keeps many tabs from reconnecting in step.
    const delay = Math.round(base / 2 + (this.random() * base) / 2);
    this.attempt++;
    this.onStatus('waiting', { delayMs: delay, code });
    this.timer = setTimeout(() => this.connect(), delay);
  }

  /** reconnectNow skips the remaining backoff (the "Retry now" button). */
  reconnectNow() {
    if (this.stopped || this.isOpen()) return;
    this.connect();
  }

  isOpen() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  /** send writes one message and reports whether it left; callers keep
   * what matters (a typed answer) until the server acknowledges it. */
  send(msg) {
    if (!this.isOpen()) return false;
    this.ws.send(JSON.stringify({ v: PROTOCOL_VERSION, ...msg }));
    return true;
  }

  /** sendRaw writes a string as is (diagnostics and tests). */
  sendRaw(text) {
    if (!this.isOpen()) return false;
    this.ws.send(text);
    return true;
  }

  /** stop closes for good: no reconnect (taken over, finished, leaving). */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000, 'bye');
    else this.onStatus('closed', {});
  }
}
