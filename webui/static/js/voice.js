// The browser half of the voice path: the microphone goes to the server
// over WebRTC and the interviewer's voice comes back on the same peer
// connection. Standard APIs only, feature-detected, so it runs in Chromium
// and Firefox alike.
//
// Interviewer audio plays through an <audio> element, never Web Audio:
// Chrome's echo canceller only hears media-element playback (crbug 687574),
// so Web Audio playback would leak the interviewer into the transcript.
// Web Audio is used only to *measure* the mic level (an AnalyserNode that is
// never connected to the speakers).

/** voiceSupport says whether this browser can do the voice path and, when
 * not, why, in words for the user. */
export function voiceSupport() {
  if (!window.isSecureContext) {
    return { ok: false, why: 'The browser only gives the microphone to pages on localhost or https. Open mockloop at http://127.0.0.1 or http://localhost.' };
  }
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return { ok: false, why: 'This browser does not offer microphone access to web pages.' };
  }
  if (!window.RTCPeerConnection) {
    return { ok: false, why: 'This browser has WebRTC turned off, which the voice mode needs.' };
  }
  return { ok: true, why: '' };
}

/** micErrorMessage explains a getUserMedia failure and offers typing. */
export function micErrorMessage(err) {
  const name = err && err.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Microphone access was blocked. Allow it from the icon in the address bar and try again, or type your answers below.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found. Plug one in and try again, or type your answers below.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The microphone is busy or failed to start (another app may be using it). Close it and try again, or type your answers below.';
    default:
      return `The microphone could not start (${(err && err.message) || name || 'unknown error'}). You can type your answers below.`;
  }
}

// Level meter range: speech at a normal distance sits around -30 to -10
// dBFS; below -60 dBFS is room noise.
const LEVEL_FLOOR_DB = -60;
// How often the interviewer's incoming audio is measured. getStats is
// cheap, and 200 ms is quick enough for a "speaking" light.
const REMOTE_POLL_MS = 200;
// Incoming audio above this RMS (about -40 dBFS) counts as the interviewer
// talking; the server sends nothing, or digital silence, between sentences.
const REMOTE_SPEECH_RMS = 0.01;

export class Voice {
  /**
   * @param {{send: (msg: object) => boolean, audio: HTMLAudioElement,
   *          onLevel?: (level01: number) => void, onState?: (state: string, detail?: string) => void,
   *          onRemote?: (r: {speaking: boolean, rms: number, packets: number, bytes: number}) => void}} opts
   */
  constructor(opts) {
    this.send = opts.send;
    this.audio = opts.audio;
    this.onLevel = opts.onLevel || (() => {});
    this.onState = opts.onState || (() => {});
    this.onRemote = opts.onRemote || (() => {});
    this.remoteTimer = 0;
    // remote is the last measurement of the interviewer's incoming audio.
    this.remote = { speaking: false, rms: 0, packets: 0, bytes: 0 };
    this.stream = null;
    this.track = null;
    this.pc = null;
    this.pendingIce = [];
    this.remoteSet = false;
    this.muted = false;
    this.meterCtx = null;
    this.meterRaf = 0;
  }

  get active() {
    return !!this.stream;
  }

  /** start asks for the microphone and negotiates. It throws the
   * getUserMedia error so the page can explain it (micErrorMessage). */
  async start() {
    if (!this.stream) {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
        video: false,
      });
      this.track = this.stream.getAudioTracks()[0];
      this.track.addEventListener('ended', () => this.onState('failed', 'The microphone stopped (unplugged?).'));
      this.startMeter();
    }
    await this.negotiate();
  }

  /** negotiate builds a fresh peer connection with the current mic track
   * and sends the offer; used at start and after the websocket reconnects,
   * since the server's half does not outlive its connection. */
  async negotiate() {
    this.closePeer();
    // No ICE servers: the server is on this machine or this LAN, and the
    // closed network has no STUN server to ask anyway.
    const pc = new RTCPeerConnection({ iceServers: [] });
    this.pc = pc;
    this.remoteSet = false;
    this.pendingIce = [];
    pc.addEventListener('icecandidate', (ev) => {
      if (this.pc !== pc || !ev.candidate) return;
      this.send({ type: 'rtc_ice', candidate: ev.candidate.toJSON() });
    });
    pc.addEventListener('track', (ev) => {
      if (this.pc !== pc) return;
      const stream = (ev.streams && ev.streams[0]) || new MediaStream([ev.track]);
      if (this.audio.srcObject !== stream) this.audio.srcObject = stream;
      // Autoplay may be refused until a gesture; the mic button click
      // usually counts, and the element keeps its controls as a fallback.
      const p = this.audio.play();
      if (p && p.catch) p.catch(() => this.onState('autoplay_blocked'));
    });
    pc.addEventListener('connectionstatechange', () => {
      if (this.pc !== pc) return;
      this.onState(pc.connectionState);
    });
    this.startRemoteMeter(pc);
    // sendrecv: the mic goes up and the interviewer's voice comes back on
    // the same transceiver, so the server needs no second offer.
    pc.addTransceiver(this.track, { direction: 'sendrecv', streams: [this.stream] });
    this.track.enabled = !this.muted;
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    if (!this.send({ type: 'rtc_offer', sdp: pc.localDescription.sdp })) {
      throw new Error('not connected to the server');
    }
    this.onState('negotiating');
  }

  async acceptAnswer(sdp) {
    const pc = this.pc;
    if (!pc) return;
    await pc.setRemoteDescription({ type: 'answer', sdp });
    this.remoteSet = true;
    const queued = this.pendingIce;
    this.pendingIce = [];
    for (const c of queued) await this.addIce(c);
  }

  /** addIce applies a trickled candidate; ones that arrive before the
   * answer wait, since addIceCandidate needs the remote description. */
  async addIce(candidate) {
    if (!this.pc) return;
    if (!this.remoteSet) {
      this.pendingIce.push(candidate);
      return;
    }
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (err) {
      // A candidate for a torn-down generation is harmless; say nothing.
    }
  }

  setMuted(on) {
    this.muted = !!on;
    if (this.track) this.track.enabled = !this.muted;
    this.send({ type: 'mute', on: this.muted });
  }

  startMeter() {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    this.meterCtx = ctx;
    const src = ctx.createMediaStreamSource(this.stream);
    const an = ctx.createAnalyser();
    an.fftSize = 1024;
    src.connect(an); // deliberately not connected to ctx.destination
    const buf = new Float32Array(an.fftSize);
    const tick = () => {
      an.getFloatTimeDomainData(buf);
      let sum = 0;
      for (let i = 0; i < buf.length; i++) sum += buf[i] * buf[i];
      const rms = Math.sqrt(sum / buf.length);
      const db = rms > 0 ? 20 * Math.log10(rms) : LEVEL_FLOOR_DB;
      const level = this.muted ? 0 : Math.max(0, Math.min(1, (db - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB));
      this.onLevel(level);
      this.meterRaf = requestAnimationFrame(tick);
    };
    if (ctx.state === 'suspended') ctx.resume().catch(() => {});
    tick();
  }

  /** startRemoteMeter measures the interviewer's audio from the receiver's
   * statistics rather than by tapping the stream with Web Audio, which
   * would add a second playback path the echo canceller cannot hear. The
   * energy counters give the mean power over each poll, not one sample. */
  startRemoteMeter(pc) {
    clearInterval(this.remoteTimer);
    let last = null;
    this.remoteTimer = setInterval(async () => {
      if (this.pc !== pc) return;
      let inbound = null;
      try {
        const stats = await pc.getStats();
        stats.forEach((r) => {
          if (r.type === 'inbound-rtp' && (r.kind || r.mediaType) === 'audio') inbound = r;
        });
      } catch {
        return; // closing; the next poll or closePeer ends this
      }
      if (!inbound || this.pc !== pc) return;
      const energy = inbound.totalAudioEnergy || 0;
      const dur = inbound.totalSamplesDuration || 0;
      let rms = 0;
      if (last && dur > last.dur) rms = Math.sqrt(Math.max(0, (energy - last.energy) / (dur - last.dur)));
      else if (typeof inbound.audioLevel === 'number') rms = inbound.audioLevel;
      const packets = inbound.packetsReceived || 0;
      // No new packets means the server is not sending: not speaking,
      // whatever the last level was.
      const flowing = !last || packets > last.packets;
      last = { energy, dur, packets };
      this.remote = { speaking: flowing && rms >= REMOTE_SPEECH_RMS, rms, packets, bytes: inbound.bytesReceived || 0 };
      this.onRemote(this.remote);
    }, REMOTE_POLL_MS);
  }

  closePeer() {
    clearInterval(this.remoteTimer);
    if (this.remote.speaking) {
      this.remote = { ...this.remote, speaking: false };
      this.onRemote(this.remote);
    }
    if (this.pc) {
      this.pc.close();
      this.pc = null;
    }
  }

  stop() {
    this.closePeer();
    cancelAnimationFrame(this.meterRaf);
    if (this.meterCtx) this.meterCtx.close().catch(() => {});
    this.meterCtx = null;
    if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
    this.stream = null;
    this.track = null;
    this.audio.srcObject = null;
    this.onLevel(0);
    this.onState('stopped');
  }
}
