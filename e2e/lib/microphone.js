// A fake microphone that speaks, for browsers whose own fake device only
// plays a tone (Firefox's media.navigator.streams.fake). Chromium plays a
// WAV into getUserMedia by itself (--use-file-for-fake-audio-capture); for
// Firefox the page's getUserMedia is wrapped by an init script: the
// browser's own call still runs (permission checks, the device opening,
// the capture indicator that lets the page autoplay), and the audio track
// it returns is swapped for one fed by the decoded WAV through a
// MediaStreamAudioDestinationNode. The page's code is untouched: it gets a
// live MediaStream with one audio track, as from a real microphone.

/**
 * fakeMicrophoneScript returns an init script (Playwright's addInitScript
 * {content}) that makes getUserMedia({audio}) hear `wav`, played once from
 * each call, then silence (as Chromium's %noloop file capture does).
 * @param {Buffer} wav a RIFF/WAVE file any browser can decode
 */
export function fakeMicrophoneScript(wav) {
  return { content: `(${installFakeMicrophone.toString()})(${JSON.stringify(wav.toString('base64'))});` };
}

// installFakeMicrophone runs in the page, before the page's own scripts.
function installFakeMicrophone(wavBase64) {
  const md = navigator.mediaDevices;
  if (!md || !md.getUserMedia) return; // not a secure context: the page says so itself
  const realGetUserMedia = md.getUserMedia.bind(md);
  md.getUserMedia = async function getUserMedia(constraints) {
    const stream = await realGetUserMedia(constraints);
    if (!constraints || !constraints.audio) return stream;
    const bytes = Uint8Array.from(atob(wavBase64), (c) => c.charCodeAt(0));
    const ctx = new AudioContext();
    const clip = await ctx.decodeAudioData(bytes.buffer);
    // getUserMedia follows the user's click, so the context may start;
    // a context left suspended would send silence and the test would only
    // learn of it as "nothing transcribed", so say it here.
    if (ctx.state !== 'running') {
      await Promise.race([ctx.resume(), new Promise((r) => setTimeout(r, 2000))]);
      if (ctx.state !== 'running') throw new DOMException(`fake microphone: AudioContext is ${ctx.state}`, 'NotReadableError');
    }
    const src = ctx.createBufferSource();
    src.buffer = clip;
    const device = stream.getAudioTracks();
    const dest = ctx.createMediaStreamDestination();
    // As many channels as the device gives (a microphone is mono); the
    // node's default of two would make Firefox send stereo Opus.
    const channels = (device[0] && device[0].getSettings().channelCount) || 1;
    dest.channelCount = channels;
    src.connect(dest);
    src.start();
    const speech = dest.stream.getAudioTracks()[0];
    for (const t of device) stream.removeTrack(t);
    stream.addTrack(speech);
    // Stopping the track closes the device too, as it would a microphone.
    const stop = speech.stop.bind(speech);
    speech.stop = () => {
      stop();
      for (const t of device) t.stop();
      ctx.close().catch(() => {});
    };
    return stream;
  };
}
