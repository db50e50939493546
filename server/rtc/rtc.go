// Package rtc owns the WebRTC side of one browser tab: it answers the tab's
// offer, turns the incoming Opus microphone track into 20 ms 16 kHz frames,
// and carries the interviewer's voice back on an outgoing Opus track (48
// kHz mono), or PCMU when the remote cannot receive Opus.
//
// Signalling (offer, answer, trickled candidates) travels over the session's
// websocket, so this package deals only in SDP strings and candidate JSON.
// The code follows the order of pion's save-to-disk and play-from-disk
// examples: MediaEngine, API, PeerConnection, OnTrack, offer/answer.
package rtc

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"

	"github.com/mockloop/mockloop/server/oggopus"
	"github.com/mockloop/mockloop/server/voice"
)

const (
	// MaxSDPBytes bounds an offer, well inside the 256 KiB websocket frame
	// limit (mockloop.MaxMessageBytes). A browser audio offer is 3-6 KiB.
	MaxSDPBytes = 64 << 10
	// maxCandidateBytes bounds one trickled RTCIceCandidateInit; real ones
	// are around 200 bytes.
	maxCandidateBytes = 4 << 10

	// reorderWindow is how many packets may overtake a missing one before it
	// is declared lost. Three is enough on loopback and LAN, and unlike
	// pion's samplebuilder or the 1 s interceptor jitter buffer it adds no
	// delay to packets that arrive in order (VOICE-NOTES "Buffering you do
	// not need").
	reorderWindow = 3

	// opusClockRate is the RTP clock of Opus whatever the audio bandwidth
	// (RFC 7587 section 4.1), so one 16 kHz sample is three ticks.
	opusClockRate  = 48000
	ticksPerSample = opusClockRate / voice.SampleRate

	// maxGap is the longest silence a timestamp jump is allowed to fill. A
	// longer jump is a discontinuity (a restarted sender, a bogus packet),
	// not a pause, so the timeline is re-anchored instead of allocating
	// minutes of zeros.
	maxGap = 10 * time.Second

	// framesBuffer lets the consumer fall a few seconds behind (a slow
	// transcriber start) before the RTP reader blocks.
	framesBuffer = 250 // 5 s of 20 ms frames

	// gatherWait bounds how long Answer waits for local ICE candidates to
	// put them in the answer. With no ICE servers only host candidates are
	// gathered, which takes milliseconds.
	gatherWait = 2 * time.Second

	// ICE timeouts shorter than pion's defaults (5 s disconnected, 25 s
	// failed): on loopback or a LAN a silent path is a closed tab, and the
	// session should learn of it before the candidate wonders why nothing
	// happens.
	iceDisconnectedTimeout = 3 * time.Second
	iceFailedTimeout       = 6 * time.Second
	iceKeepalive           = 1 * time.Second

	// outBitrate is the interviewer's Opus bitrate: WebRTC's default for
	// mono speech (VOICE-NOTES "Receiving the microphone": 32 kbps), full
	// band at 48 kHz where PCMU was telephone band.
	outBitrate = 32000

	// micBitrate is the microphone bitrate the answer asks for by default
	// (maxaveragebitrate, RFC 7587 section 6.1; Chrome and Firefox size
	// their encoder by it). At WebRTC's default 32 kbps the coding noise
	// of the same words depends on what the encoder heard before them, and
	// pocketsphinx's word error rate on the held-out human clips wandered
	// 0.48-0.56 from run to run; at 64 kbps it stayed within 0.515-0.523
	// (TestHumanClipsThroughWebRTC, six runs). The mean did not move.
	// Bandwidth is no concern on loopback or a LAN.
	micBitrate = 64000

	// opusFmtp is the Opus format both directions register (pion's
	// default). pion answers with the offer's parameters, not these, so
	// askMicBitrate adds the bitrate to the answer itself.
	opusFmtp = "minptime=10;useinbandfec=1"
)

// Errors reported by Answer, AddICECandidate, WriteAudio and Errors.
var (
	ErrSDPTooLarge       = errors.New("sdp larger than 64 KiB")
	ErrNoOpus            = errors.New("offer has no Opus audio")
	ErrUnexpectedCodec   = errors.New("unexpected codec on incoming track")
	ErrCandidateTooLarge = errors.New("ice candidate larger than 4 KiB")
	ErrClosed            = errors.New("peer closed")
)

// Config configures a Peer.
type Config struct {
	// ICEServers are STUN/TURN URLs. None by default: mockloop is
	// local-first, on loopback or a LAN host candidates are enough, and a
	// public STUN server would tell a third party the user is practising.
	ICEServers []string
	// MicBitrate is the bitrate the answer asks the browser's microphone
	// for; 0 means 64 kbps (see micBitrate).
	MicBitrate int
	Logger     *slog.Logger
}

// Stats counts what the microphone track delivered.
type Stats struct {
	Packets      int64 // RTP packets read
	Lost         int64 // packets the reorder window gave up on
	DecodeErrors int64 // packets the Opus decoder refused
	BadPackets   int64 // datagrams that did not parse as RTP
	Gaps         int64 // timestamp jumps filled with silence
	PayloadBytes int64 // Opus bytes received: the browser's bitrate
}

// Peer is the server side of one browser's WebRTC connection.
type Peer struct {
	pc  *webrtc.PeerConnection
	out *webrtc.TrackLocalStaticSample
	// outMime is the interviewer track's codec, webrtc.MimeTypeOpus or
	// webrtc.MimeTypePCMU.
	outMime string
	log     *slog.Logger
	frames  chan voice.Frame
	errs    chan error
	done    chan struct{}
	// connected is closed when the connection first comes up.
	connected chan struct{}

	doneOnce      sync.Once
	connectedOnce sync.Once
	mu            sync.Mutex
	// frameOwner is set once a reader goroutine owns frames, or once frames
	// has been closed because the peer went away before any track arrived.
	frameOwner bool

	packets, lost, decodeErrs, badPackets, gaps, payloadBytes atomic.Int64
}

// Answer answers a browser's offer. It returns once the answer is ready;
// the answer carries the local ICE candidates gathered so far, and onICE
// (called from another goroutine, never before Answer returns) receives any
// found later as RTCIceCandidateInit JSON. The peer lives until Close, a
// failed connection, or ctx is cancelled.
func Answer(ctx context.Context, cfg Config, offerSDP string, onICE func(candidateJSON []byte)) (*Peer, string, error) {
	if len(offerSDP) > MaxSDPBytes {
		return nil, "", fmt.Errorf("answer: %w (%d bytes)", ErrSDPTooLarge, len(offerSDP))
	}
	outMime, err := checkOffer(offerSDP)
	if err != nil {
		return nil, "", fmt.Errorf("answer: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	// Create a MediaEngine with the two codecs we use: Opus for the
	// microphone and the interviewer's voice, PCMU for a remote that cannot
	// receive Opus. Both are in Chrome's offer and pion's defaults
	// (VOICE-NOTES "Speaking back").
	mediaEngine := &webrtc.MediaEngine{}
	if err := registerCodecs(mediaEngine); err != nil {
		return nil, "", fmt.Errorf("answer: %w", err)
	}

	// The default interceptors send receiver reports and NACKs; no jitter
	// buffer is added, so packets reach OnTrack as they arrive.
	interceptorRegistry := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(mediaEngine, interceptorRegistry); err != nil {
		return nil, "", fmt.Errorf("answer: register interceptors: %w", err)
	}

	settingEngine := webrtc.SettingEngine{}
	settingEngine.SetICETimeouts(iceDisconnectedTimeout, iceFailedTimeout, iceKeepalive)

	// Create the API object with the MediaEngine.
	api := webrtc.NewAPI(
		webrtc.WithMediaEngine(mediaEngine),
		webrtc.WithInterceptorRegistry(interceptorRegistry),
		webrtc.WithSettingEngine(settingEngine),
	)

	// Prepare the configuration: no ICE servers unless configured.
	config := webrtc.Configuration{}
	if len(cfg.ICEServers) > 0 {
		config.ICEServers = []webrtc.ICEServer{{URLs: cfg.ICEServers}}
	}

	// Create a new RTCPeerConnection.
	pc, err := api.NewPeerConnection(config)
	if err != nil {
		return nil, "", fmt.Errorf("answer: new peer connection: %w", err)
	}
	p := &Peer{
		pc:      pc,
		outMime: outMime,
		log:     log,
		frames:  make(chan voice.Frame, framesBuffer),
		errs:    make(chan error, 4),
		done:    make(chan struct{}),

		connected: make(chan struct{}),
	}
	fail := func(step string, err error) (*Peer, string, error) {
		p.closeDone()
		_ = pc.Close()
		return nil, "", fmt.Errorf("answer: %s: %w", step, err)
	}

	// The microphone: accept one Opus track and turn it into frames.
	pc.OnTrack(func(track *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		p.onTrack(track)
	})

	// Candidates gathered before Answer returns go in the answer itself, so
	// the browser never gets a candidate before the description it belongs
	// to. Later ones (only with ICE servers) are trickled.
	var answered atomic.Bool
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c == nil || onICE == nil || !answered.Load() {
			return
		}
		b, err := json.Marshal(c.ToJSON())
		if err != nil {
			log.Warn("rtc: encode local candidate", "err", err)
			return
		}
		onICE(b)
	})

	// Done fires when the connection fails or closes. Disconnected may
	// recover, so it only gets a log line.
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		log.Debug("rtc: connection state", "state", s.String())
		switch s {
		case webrtc.PeerConnectionStateConnected:
			p.connectedOnce.Do(func() { close(p.connected) })
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed:
			p.closeDone()
		}
	})

	// Set the remote SessionDescription.
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offerSDP}); err != nil {
		return fail("set remote description", err)
	}

	// The interviewer's voice. Added after the offer is applied so pion
	// attaches it to the browser's sendrecv audio transceiver instead of
	// creating a new m-line the answer could not carry.
	out, err := webrtc.NewTrackLocalStaticSample(outCapability(outMime), "audio", "mockloop-interviewer")
	if err != nil {
		return fail("new interviewer track", err)
	}
	sender, err := pc.AddTrack(out)
	if err != nil {
		return fail("add interviewer track", err)
	}
	p.out = out
	// Read incoming RTCP so the interceptors (receiver reports, NACK) run.
	go func() {
		buf := make([]byte, 1500)
		for {
			if _, _, err := sender.Read(buf); err != nil {
				return
			}
		}
	}()

	// Create the answer and start gathering.
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return fail("create answer", err)
	}
	gatherComplete := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(answer); err != nil {
		return fail("set local description", err)
	}
	if !p.carriesVoice(sender) {
		log.Warn("rtc: the offer has no audio m-line that can carry the interviewer back; the interviewer will not be heard", "codec", outMime)
	}
	timer := time.NewTimer(gatherWait)
	defer timer.Stop()
	select {
	case <-gatherComplete:
	case <-timer.C:
		log.Debug("rtc: answering before ICE gathering completed")
	case <-ctx.Done():
		return fail("gather candidates", context.Cause(ctx))
	}
	// pion refuses an edited local description, so the bitrate request is
	// added to the copy the browser gets; it is a hint to the browser's
	// encoder that pion's own receiver never reads.
	bps := cfg.MicBitrate
	if bps <= 0 {
		bps = micBitrate
	}
	sent, err := askMicBitrate(pc.LocalDescription().SDP, bps)
	if err != nil {
		return fail("create answer", err)
	}
	answered.Store(true)
	go p.lifecycle(ctx)
	return p, sent, nil
}

// registerCodecs registers Opus (payload type 111, as Chrome numbers it) and
// PCMU (static payload type 0, RFC 3551) with the parameters of pion's
// default MediaEngine.
func registerCodecs(m *webrtc.MediaEngine) error {
	codecs := []webrtc.RTPCodecParameters{
		{
			RTPCodecCapability: webrtc.RTPCodecCapability{
				MimeType: webrtc.MimeTypeOpus, ClockRate: opusClockRate, Channels: 2,
				SDPFmtpLine: opusFmtp,
			},
			PayloadType: 111,
		},
		{
			RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMU, ClockRate: 8000},
			PayloadType:        0,
		},
	}
	for _, c := range codecs {
		if err := m.RegisterCodec(c, webrtc.RTPCodecTypeAudio); err != nil {
			return fmt.Errorf("register %s: %w", c.MimeType, err)
		}
	}
	return nil
}

// checkOffer parses the offer and insists on an Opus audio m-line, so a
// client that cannot send Opus gets a clear error instead of a silent
// microphone. It returns the codec for the interviewer's voice: Opus when
// an audio m-line the browser receives on lists it, else PCMU.
func checkOffer(offerSDP string) (outMime string, err error) {
	var desc sdp.SessionDescription
	if err := desc.UnmarshalString(offerSDP); err != nil {
		return "", fmt.Errorf("parse offer: %w", err)
	}
	sendsOpus, receivesOpus := false, false
	for _, m := range desc.MediaDescriptions {
		if m.MediaName.Media != "audio" {
			continue
		}
		receives := true // no direction attribute means sendrecv (RFC 8866 6.7)
		hasOpus := false
		for _, a := range m.Attributes {
			switch a.Key {
			case "sendonly", "inactive":
				receives = false
			case "rtpmap":
				if _, ok := opusPayloadType(a); ok {
					hasOpus = true
				}
			}
		}
		sendsOpus = sendsOpus || hasOpus
		receivesOpus = receivesOpus || hasOpus && receives
	}
	switch {
	case !sendsOpus:
		return "", ErrNoOpus
	case receivesOpus:
		return webrtc.MimeTypeOpus, nil
	}
	return webrtc.MimeTypePCMU, nil
}

// opusPayloadType returns the payload type an rtpmap attribute maps to
// Opus ("111 opus/48000/2").
func opusPayloadType(a sdp.Attribute) (string, bool) {
	pt, enc, ok := strings.Cut(a.Value, " ")
	return pt, a.Key == "rtpmap" && ok && strings.HasPrefix(strings.ToLower(enc), "opus/")
}

// askMicBitrate sets maxaveragebitrate=bps on every Opus payload type of
// the audio m-lines of an answer, so the browser's microphone encoder runs
// at that rate; a bitrate the offer already asked for is replaced, since
// in an answer the parameter speaks for the answerer's receiver.
func askMicBitrate(answerSDP string, bps int) (string, error) {
	var desc sdp.SessionDescription
	if err := desc.UnmarshalString(answerSDP); err != nil {
		return "", fmt.Errorf("parse answer: %w", err)
	}
	param := fmt.Sprintf("maxaveragebitrate=%d", bps)
	for _, m := range desc.MediaDescriptions {
		if m.MediaName.Media != "audio" {
			continue
		}
		opusPT := map[string]bool{}
		for _, a := range m.Attributes {
			if pt, ok := opusPayloadType(a); ok {
				opusPT[pt] = true
			}
		}
		for i, a := range m.Attributes {
			pt, params, _ := strings.Cut(a.Value, " ")
			if a.Key != "fmtp" || !opusPT[pt] {
				continue
			}
			kept := []string{}
			for _, kv := range strings.Split(params, ";") {
				if k, _, _ := strings.Cut(strings.TrimSpace(kv), "="); k != "" && !strings.EqualFold(k, "maxaveragebitrate") {
					kept = append(kept, strings.TrimSpace(kv))
				}
			}
			m.Attributes[i].Value = pt + " " + strings.Join(append(kept, param), ";")
			delete(opusPT, pt)
		}
		for _, mf := range m.MediaName.Formats {
			if opusPT[mf] {
				m.Attributes = append(m.Attributes, sdp.Attribute{Key: "fmtp", Value: mf + " " + param})
			}
		}
	}
	out, err := desc.Marshal()
	if err != nil {
		return "", fmt.Errorf("write answer: %w", err)
	}
	return string(out), nil
}

// outCapability is the interviewer track's codec as registered in
// registerCodecs: the SDP says opus/48000/2 even for mono (RFC 7587
// section 7), and the encoder sends mono.
func outCapability(mime string) webrtc.RTPCodecCapability {
	if mime == webrtc.MimeTypeOpus {
		return webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: opusClockRate, Channels: 2,
			SDPFmtpLine: opusFmtp}
	}
	return webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMU, ClockRate: 8000}
}

// carriesVoice reports whether the interviewer track was negotiated on an
// m-line of the answer.
func (p *Peer) carriesVoice(sender *webrtc.RTPSender) bool {
	for _, t := range p.pc.GetTransceivers() {
		if t.Sender() == sender {
			return t.Mid() != ""
		}
	}
	return false
}

// lifecycle tears the connection down when the peer is done or ctx ends,
// and closes Frames if no track ever arrived to own it.
func (p *Peer) lifecycle(ctx context.Context) {
	select {
	case <-ctx.Done():
		p.closeDone()
	case <-p.done:
	}
	if err := p.pc.Close(); err != nil {
		p.log.Debug("rtc: close peer connection", "err", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.frameOwner {
		p.frameOwner = true
		close(p.frames)
	}
}

func (p *Peer) closeDone() {
	p.doneOnce.Do(func() { close(p.done) })
}

// report logs err and offers it on Errors without blocking.
func (p *Peer) report(err error) {
	p.log.Warn("rtc: "+err.Error(), "err", err)
	select {
	case p.errs <- err:
	default:
	}
}

// onTrack accepts the first Opus audio track and refuses everything else.
func (p *Peer) onTrack(track *webrtc.TrackRemote) {
	codec := track.Codec()
	if track.Kind() != webrtc.RTPCodecTypeAudio || !strings.EqualFold(codec.MimeType, webrtc.MimeTypeOpus) {
		p.report(fmt.Errorf("%w: got %s %s, want audio/opus; track ignored",
			ErrUnexpectedCodec, track.Kind(), codec.MimeType))
		return
	}
	p.mu.Lock()
	if p.frameOwner {
		p.mu.Unlock()
		p.log.Warn("rtc: ignoring a second microphone track", "track", track.ID())
		return
	}
	p.frameOwner = true
	p.mu.Unlock()

	p.log.Debug("rtc: microphone track", "codec", codec.MimeType, "ssrc", uint32(track.SSRC()))
	go p.readMic(track)
}

// readMic is the microphone pipeline: RTP -> reorder -> Opus decode ->
// 20 ms frames. It owns and finally closes p.frames.
func (p *Peer) readMic(track *webrtc.TrackRemote) {
	defer close(p.frames)
	dec, err := voice.NewOpusDecoder()
	if err != nil {
		p.report(fmt.Errorf("new opus decoder: %w", err))
		return
	}
	m := &micTimeline{
		peer:    p,
		dec:     dec,
		reorder: voice.NewReorder(reorderWindow),
		framer:  voice.NewFramer(),
	}
	buf := make([]byte, 1500)
	for {
		n, _, err := track.Read(buf)
		if err != nil {
			// The track ends when the connection closes.
			st := p.Stats()
			p.log.Debug("rtc: microphone track ended", "err", err, "packets", st.Packets, "lost", st.Lost,
				"gaps", st.Gaps, "decode_errors", st.DecodeErrors, "payload_bytes", st.PayloadBytes)
			break
		}
		var pkt rtp.Packet
		if err := pkt.Unmarshal(buf[:n]); err != nil {
			p.badPackets.Add(1)
			continue
		}
		p.packets.Add(1)
		p.payloadBytes.Add(int64(len(pkt.Payload)))
		if len(pkt.Payload) == 0 {
			continue // padding only
		}
		if !m.push(pkt.SequenceNumber, pkt.Timestamp, pkt.Payload) {
			return
		}
	}
	m.flush()
}

// micTimeline places decoded audio on a timeline driven by RTP timestamps,
// so lost packets and DTX pauses become silence of the right length.
type micTimeline struct {
	peer    *Peer
	dec     *voice.OpusDecoder
	reorder *voice.Reorder
	framer  *voice.Framer

	anchored bool
	lastTS   uint32
	ext      int64 // extended timestamp of the last packet, 48 kHz ticks
	shift    int64 // added to ext/ticksPerSample to get a position in samples
	pos      int64 // samples handed to the framer so far
}

// stampLen is the size of the RTP timestamp carried in front of each
// payload through the Reorder, which keeps payloads opaque and so would
// otherwise lose the timestamp that places the packet on the timeline.
const stampLen = 4

// push feeds one packet; it returns false when the peer is done.
func (m *micTimeline) push(seq uint16, ts uint32, payload []byte) bool {
	stamped := make([]byte, stampLen+len(payload))
	binary.BigEndian.PutUint32(stamped, ts)
	copy(stamped[stampLen:], payload)
	return m.place(m.reorder.Push(seq, stamped))
}

func (m *micTimeline) flush() {
	m.place(m.reorder.Flush())
}

// place decodes in-order packets and sends their frames.
func (m *micTimeline) place(ordered [][]byte) bool {
	for _, stamped := range ordered {
		if stamped == nil {
			// Lost: the next packet's timestamp opens the gap it left.
			m.peer.lost.Add(1)
			continue
		}
		ts := binary.BigEndian.Uint32(stamped)
		pcm, err := m.dec.Decode(stamped[stampLen:])
		if err != nil {
			m.peer.decodeErrs.Add(1)
			m.peer.log.Debug("rtc: undecodable opus packet", "err", err)
			continue
		}
		if !m.send(m.fill(ts)) || !m.send(m.framer.Push(pcm)) {
			return false
		}
		m.pos += int64(len(pcm))
	}
	return true
}

// fill returns the silence between the audio so far and a packet stamped
// ts.
func (m *micTimeline) fill(ts uint32) []voice.Frame {
	if !m.anchored {
		m.anchored, m.lastTS = true, ts
		return nil
	}
	// A signed 32-bit difference survives timestamp wrap-around.
	m.ext += int64(int32(ts - m.lastTS))
	m.lastTS = ts
	gap := m.ext/ticksPerSample + m.shift - m.pos
	maxSamples := int64(maxGap / time.Second * voice.SampleRate)
	if gap > maxSamples || gap < -maxSamples {
		m.peer.log.Debug("rtc: timestamp discontinuity, re-anchoring", "gap_samples", gap)
		m.shift -= gap
		return nil
	}
	if gap <= 0 {
		// Overlap or an early packet: play it now rather than drop speech.
		return nil
	}
	m.peer.gaps.Add(1)
	m.pos += gap
	return m.framer.Silence(time.Duration(gap) * time.Second / voice.SampleRate)
}

func (m *micTimeline) send(frames []voice.Frame) bool {
	for _, f := range frames {
		select {
		case m.peer.frames <- f:
		case <-m.peer.done:
			return false
		}
	}
	return true
}

// AddICECandidate adds a candidate trickled by the browser, as the
// RTCIceCandidateInit JSON it produced. An empty candidate marks the end of
// candidates.
func (p *Peer) AddICECandidate(candidateJSON []byte) error {
	if len(candidateJSON) > maxCandidateBytes {
		return fmt.Errorf("add ice candidate: %w", ErrCandidateTooLarge)
	}
	var c webrtc.ICECandidateInit
	if err := json.Unmarshal(candidateJSON, &c); err != nil {
		return fmt.Errorf("add ice candidate: decode: %w", err)
	}
	if err := p.pc.AddICECandidate(c); err != nil {
		return fmt.Errorf("add ice candidate: %w", err)
	}
	return nil
}

// Frames is the microphone as 20 ms 16 kHz frames, gaps filled with
// silence. It is closed when the peer goes away.
func (p *Peer) Frames() <-chan voice.Frame { return p.frames }

// Errors reports problems the caller should tell the user about, such as a
// track with the wrong codec. It is never closed; select on Done too.
func (p *Peer) Errors() <-chan error { return p.errs }

// OutputCodec is the interviewer track's codec: webrtc.MimeTypeOpus
// ("audio/opus") or webrtc.MimeTypePCMU.
func (p *Peer) OutputCodec() string { return p.outMime }

// NewEncoder returns a FrameEncoder for the interviewer track's codec:
// Opus at 48 kHz mono, or µ-law at 8 kHz. Each call makes a new encoder;
// one Speaker should own it.
func (p *Peer) NewEncoder() (voice.FrameEncoder, error) {
	if p.outMime == webrtc.MimeTypePCMU {
		return voice.MuLawEncoder{}, nil
	}
	enc, err := oggopus.NewPacketEncoder(opusClockRate, outBitrate)
	if err != nil {
		return nil, fmt.Errorf("interviewer encoder: %w", err)
	}
	return enc, nil
}

// WriteAudio sends one encoded 20 ms frame (see NewEncoder) on the
// interviewer track. The caller paces it (a 20 ms ticker); before the
// connection is up the frame is dropped by pion without error.
func (p *Peer) WriteAudio(payload []byte, dur time.Duration) error {
	select {
	case <-p.done:
		return fmt.Errorf("write audio: %w", ErrClosed)
	default:
	}
	if err := p.out.WriteSample(media.Sample{Data: payload, Duration: dur}); err != nil {
		return fmt.Errorf("write audio: %w", err)
	}
	return nil
}

// Connected is closed once ICE and DTLS are up and media can flow; until
// then WriteAudio frames are dropped.
func (p *Peer) Connected() <-chan struct{} { return p.connected }

// Done is closed when the connection fails or closes.
func (p *Peer) Done() <-chan struct{} { return p.done }

// Stats returns the microphone counters so far.
func (p *Peer) Stats() Stats {
	return Stats{
		Packets:      p.packets.Load(),
		Lost:         p.lost.Load(),
		DecodeErrors: p.decodeErrs.Load(),
		BadPackets:   p.badPackets.Load(),
		Gaps:         p.gaps.Load(),
		PayloadBytes: p.payloadBytes.Load(),
	}
}

// Close closes the connection; Frames closes once the reader stops.
func (p *Peer) Close() error {
	p.closeDone()
	if err := p.pc.Close(); err != nil {
		return fmt.Errorf("close peer: %w", err)
	}
	return nil
}
