// Package dial is a scripted candidate: it joins a round over the websocket
// and WebRTC exactly as the browser does, speaks a WAV file as the
// microphone, and records everything the server sends back. `mockloop dial`,
// the end-to-end tests, benchmarks and demos use it.
package dial

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
	"golang.org/x/sync/errgroup"
	"gopkg.in/hraban/opus.v2"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/server/voice"
)

const (
	// Chrome's Opus settings for a microphone (VOICE-NOTES "Receiving the
	// microphone", following WebRTC's encoder defaults): 48 kHz mono, VoIP,
	// 32 kbps, 20 ms frames. The RTP clock of Opus is 48 kHz whatever the
	// input rate (RFC 7587 section 4.1), so the WAV is resampled to 48 kHz.
	opusRate = 48000
	// opusBitrate is WebRTC's default Opus rate for mono speech; an answer
	// that asks for another (maxaveragebitrate) gets that, as a browser
	// does.
	opusBitrate   = 32000
	frameDur      = 20 * time.Millisecond
	frameSamples  = opusRate / 50
	maxOpusPacket = 1500

	// trailingSilence is how long the candidate stays quiet after the WAV
	// so the server's end-of-turn detector commits the answer; VOICE-NOTES
	// puts the commit at about 2.5 s of silence.
	trailingSilence = 3 * time.Second

	// After the question arrives as text, the candidate waits for the
	// interviewer's voice to stop before answering, so as not to barge in.
	// audioIdle is the pause in incoming audio taken as the end of the
	// question; noAudioWait is how long to wait for audio that may never
	// come (no TTS, or the track not up yet when the question was spoken).
	audioIdle = 700 * time.Millisecond
	// maxArrivals bounds the recorded packet times: 10 minutes of voice.
	maxArrivals = 30000
	noAudioWait = 2 * time.Second

	defaultTimeout = 3 * time.Minute
	wsWriteTimeout = 5 * time.Second
)

// Options says what round to join and what to say.
type Options struct {
	BaseURL string // http://127.0.0.1:8080
	Round   string // an existing round id, or "" to create one
	Kind    string // round kind when creating one; default behavioral
	Minutes int    // round length when creating one; default 30
	WAV     string // 16 kHz mono PCM WAV (other rates are resampled)
	Speed   float64
	// Answers is how many questions to answer with the same WAV; default 1.
	Answers int
	// Done sends "done" after the audio instead of waiting for the silence
	// commit.
	Done bool
	// BargeIn, when set, starts the first answer this long after the
	// interviewer's voice begins, talking over it (to test barge-in).
	BargeIn time.Duration
	Timeout time.Duration // whole run; default 3 minutes
	Logger  *slog.Logger
}

// Event is one websocket message from the server, or a client-side mark
// (Type starting "client:"), with its arrival time since Run started.
type Event struct {
	At   time.Duration   `json:"at_ns"`
	Type string          `json:"type"`
	Msg  json.RawMessage `json:"msg,omitempty"`
}

// Client-side marks recorded in Result.Events, for latency figures.
const (
	MarkSpeechStart = "client:speech_start" // first frame of the WAV sent
	MarkSpeechEnd   = "client:speech_end"   // last frame of the WAV sent
	MarkSilenceEnd  = "client:silence_end"  // trailing silence sent
	MarkDoneSent    = "client:done_sent"    // "done" sent
	MarkFirstAudio  = "client:first_audio"  // first interviewer packet after speech end
	MarkConnected   = "client:rtc_connected"
)

// Result is what the server said during the run.
type Result struct {
	RoundID     string               `json:"round_id"`
	Utterances  []mockloop.Utterance `json:"utterances"`
	Feedback    []analysis.Report    `json:"feedback"`
	Interviewer []string             `json:"interviewer"`
	// AudioPacketsIn counts interviewer audio packets received.
	AudioPacketsIn int `json:"audio_packets_in"`
	// AudioArrivals are the arrival times of the interviewer's packets.
	AudioArrivals  []time.Duration `json:"-"`
	Events         []Event         `json:"events"`
	TranscriptText string          `json:"transcript_text"`
}

// ErrServer is wrapped by errors the server sent as "error" messages that
// end the run.
var ErrServer = errors.New("server error")

// Run joins (or creates) a round, answers Answers questions with the WAV,
// and returns what the server sent. It returns the partial Result with any
// error.
func Run(ctx context.Context, o Options) (Result, error) {
	if err := o.defaults(); err != nil {
		return Result{}, err
	}
	pcm48k, err := loadWAV(o.WAV)
	if err != nil {
		return Result{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()

	if o.Round == "" {
		id, err := createRound(ctx, o)
		if err != nil {
			return Result{}, err
		}
		o.Round = id
	}
	s := &session{o: o, log: o.Logger, start: time.Now(), pcm48k: pcm48k}
	s.res.RoundID = o.Round
	err = s.run(ctx)
	return s.result(), err
}

func (o *Options) defaults() error {
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("dial: base URL %q: want http://host:port", o.BaseURL)
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.WAV == "" {
		return errors.New("dial: no WAV file")
	}
	if o.Kind == "" {
		o.Kind = string(mockloop.KindBehavioral)
	}
	if !mockloop.RoundKind(o.Kind).Valid() {
		return fmt.Errorf("dial: unknown round kind %q", o.Kind)
	}
	if o.Minutes <= 0 {
		o.Minutes = 30
	}
	if o.Speed <= 0 {
		o.Speed = 1
	}
	if o.Answers <= 0 {
		o.Answers = 1
	}
	if o.Timeout <= 0 {
		o.Timeout = defaultTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// loadWAV reads the WAV and resamples it to the Opus rate.
func loadWAV(path string) ([]int16, error) {
	audio, err := voice.ReadWAVFile(path)
	if err != nil {
		return nil, fmt.Errorf("dial: read %s: %w", path, err)
	}
	if len(audio.PCM) == 0 {
		return nil, fmt.Errorf("dial: %s has no audio", path)
	}
	return voice.Resample(audio.PCM, audio.SampleRate, opusRate), nil
}

// createRound creates a round with POST /api/rounds.
func createRound(ctx context.Context, o Options) (string, error) {
	body, err := json.Marshal(map[string]any{"kind": o.Kind, "minutes": o.Minutes})
	if err != nil {
		return "", fmt.Errorf("create round: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.BaseURL+"/api/rounds", bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("create round: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("create round: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("create round: read response: %w", err)
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("create round: %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	// The protocol returns the round itself; accept {"round":{…}} too.
	var r struct {
		mockloop.Round
		Wrapped *mockloop.Round `json:"round"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return "", fmt.Errorf("create round: decode response: %w", err)
	}
	id := r.ID
	if id == "" && r.Wrapped != nil {
		id = r.Wrapped.ID
	}
	if id == "" {
		return "", fmt.Errorf("create round: no id in %s", b)
	}
	return id, nil
}

// session is one run: a websocket, a peer connection and the conversation.
type session struct {
	o      Options
	log    *slog.Logger
	start  time.Time
	pcm48k []int16

	ws  *websocket.Conn
	out chan mockloop.Message // to the single writer
	in  chan mockloop.Message // conversation messages for the main loop
	pc  *webrtc.PeerConnection
	mic *webrtc.TrackLocalStaticSample
	// micSender carries mic; after the answer its parameters hold the
	// Opus format the server asked for.
	micSender *webrtc.RTPSender

	// ICE candidates are held until the description they follow has been
	// sent (local) or applied (remote).
	iceMu       sync.Mutex
	offerSent   bool
	localCands  [][]byte
	answerSet   bool
	remoteCands []webrtc.ICECandidateInit

	audioIn      atomic.Int64 // interviewer packets received
	lastAudioNS  atomic.Int64 // arrival of the last one, ns since start
	firstAudioNS atomic.Int64 // arrival of the first one, ns since start
	arrivalsMu   sync.Mutex
	arrivals     []time.Duration
	wantFirst    atomic.Bool  // mark the next interviewer packet
	micBitrate   atomic.Int64 // what the answer asked the microphone for

	resMu sync.Mutex
	res   Result
}

func (s *session) since() time.Duration { return time.Since(s.start) }

func (s *session) mark(typ string, msg json.RawMessage) {
	s.resMu.Lock()
	defer s.resMu.Unlock()
	s.res.Events = append(s.res.Events, Event{At: s.since(), Type: typ, Msg: msg})
}

func (s *session) result() Result {
	s.resMu.Lock()
	defer s.resMu.Unlock()
	r := s.res
	r.AudioPacketsIn = int(s.audioIn.Load())
	s.arrivalsMu.Lock()
	r.AudioArrivals = append([]time.Duration(nil), s.arrivals...)
	s.arrivalsMu.Unlock()
	var texts []string
	for _, u := range r.Utterances {
		if t := strings.TrimSpace(u.Text); t != "" {
			texts = append(texts, t)
		}
	}
	r.TranscriptText = strings.Join(texts, " ")
	return r
}

func (s *session) run(ctx context.Context) error {
	wsURL := "ws" + strings.TrimPrefix(s.o.BaseURL, "http") + "/ws?round=" + url.QueryEscape(s.o.Round)
	hdr := http.Header{}
	hdr.Set("Origin", s.o.BaseURL)
	ws, resp, err := websocket.DefaultDialer.DialContext(ctx, wsURL, hdr)
	if err != nil {
		if resp != nil {
			return fmt.Errorf("dial websocket: %s: %w", resp.Status, err)
		}
		return fmt.Errorf("dial websocket: %w", err)
	}
	s.ws = ws
	ws.SetReadLimit(mockloop.MaxMessageBytes)
	s.out = make(chan mockloop.Message, 64)
	s.in = make(chan mockloop.Message, 64)

	if err := s.newPeer(); err != nil {
		ws.Close()
		return err
	}
	defer s.pc.Close()

	g, gctx := errgroup.WithContext(ctx)
	convDone := make(chan struct{})
	g.Go(func() error { return s.readLoop(gctx, convDone) })
	g.Go(func() error { return s.writeLoop(gctx, convDone) })
	g.Go(func() error {
		defer close(convDone)
		return s.converse(gctx)
	})
	err = g.Wait()
	ws.Close()
	return err
}

// newPeer builds the browser's side of WebRTC, in the order of pion's
// examples: MediaEngine, API, PeerConnection, OnTrack, then (in converse)
// offer/answer.
func (s *session) newPeer() error {
	// Opus and PCMU, as Chrome offers them: the server answers Opus both
	// ways, PCMU only to a peer that cannot receive Opus.
	mediaEngine := &webrtc.MediaEngine{}
	codecs := []webrtc.RTPCodecParameters{
		{RTPCodecCapability: webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeOpus, ClockRate: opusRate, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1",
		}, PayloadType: 111},
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMU, ClockRate: 8000}, PayloadType: 0},
	}
	for _, c := range codecs {
		if err := mediaEngine.RegisterCodec(c, webrtc.RTPCodecTypeAudio); err != nil {
			return fmt.Errorf("register %s: %w", c.MimeType, err)
		}
	}
	interceptorRegistry := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(mediaEngine, interceptorRegistry); err != nil {
		return fmt.Errorf("register interceptors: %w", err)
	}
	api := webrtc.NewAPI(webrtc.WithMediaEngine(mediaEngine), webrtc.WithInterceptorRegistry(interceptorRegistry))

	// No ICE servers: the server is on loopback or the LAN.
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return fmt.Errorf("new peer connection: %w", err)
	}
	s.pc = pc

	// The microphone, on a sendrecv transceiver like getUserMedia+addTrack,
	// so the server's interviewer track comes back on the same m-line.
	mic, err := webrtc.NewTrackLocalStaticSample(
		webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: opusRate, Channels: 2},
		"audio", "dial-mic")
	if err != nil {
		return fmt.Errorf("new microphone track: %w", err)
	}
	s.mic = mic
	tr, err := pc.AddTransceiverFromTrack(mic, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendrecv})
	if err != nil {
		return fmt.Errorf("add microphone: %w", err)
	}
	s.micSender = tr.Sender()
	s.micBitrate.Store(opusBitrate) // until the answer says otherwise
	go func() {
		// Read RTCP so the interceptors run.
		buf := make([]byte, 1500)
		for {
			if _, _, err := tr.Sender().Read(buf); err != nil {
				return
			}
		}
	}()

	// The interviewer's voice: count packets and note when they arrive.
	pc.OnTrack(func(track *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		s.log.Debug("dial: interviewer track", "codec", track.Codec().MimeType)
		buf := make([]byte, 1500)
		for {
			if _, _, err := track.Read(buf); err != nil {
				return
			}
			s.audioIn.Add(1)
			now := s.since()
			s.lastAudioNS.Store(int64(now))
			s.firstAudioNS.CompareAndSwap(0, int64(now))
			s.arrivalsMu.Lock()
			if len(s.arrivals) < maxArrivals {
				s.arrivals = append(s.arrivals, now)
			}
			s.arrivalsMu.Unlock()
			if s.wantFirst.CompareAndSwap(true, false) {
				s.mark(MarkFirstAudio, nil)
			}
		}
	})

	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c == nil {
			return
		}
		b, err := json.Marshal(c.ToJSON())
		if err != nil {
			return
		}
		s.iceMu.Lock()
		defer s.iceMu.Unlock()
		if !s.offerSent {
			s.localCands = append(s.localCands, b)
			return
		}
		s.send(mockloop.Message{Type: "rtc_ice", Candidate: b})
	})
	return nil
}

// send queues a message for the writer without blocking forever.
func (s *session) send(m mockloop.Message) {
	m.V = mockloop.ProtocolVersion
	select {
	case s.out <- m:
	default:
		s.log.Warn("dial: send queue full, dropping", "type", m.Type)
	}
}

func (s *session) writeLoop(ctx context.Context, convDone <-chan struct{}) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-convDone:
			_ = s.ws.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye"), time.Now().Add(time.Second))
			return nil
		case m := <-s.out:
			_ = s.ws.SetWriteDeadline(time.Now().Add(wsWriteTimeout))
			if err := s.ws.WriteJSON(m); err != nil {
				return fmt.Errorf("write %s: %w", m.Type, err)
			}
		}
	}
}

// readLoop records every message, handles signalling itself, and passes
// the rest to converse.
func (s *session) readLoop(ctx context.Context, convDone <-chan struct{}) error {
	go func() {
		// Unblock ReadMessage when the run ends.
		select {
		case <-ctx.Done():
		case <-convDone:
		}
		_ = s.ws.SetReadDeadline(time.Now())
	}()
	for {
		_, b, err := s.ws.ReadMessage()
		if err != nil {
			select {
			case <-convDone:
				return nil
			case <-ctx.Done():
				return nil
			default:
			}
			return fmt.Errorf("read websocket: %w", err)
		}
		var m mockloop.Message
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("read websocket: decode: %w", err)
		}
		s.mark(m.Type, json.RawMessage(b))
		switch m.Type {
		case "rtc_answer":
			if err := s.applyAnswer(m.SDP); err != nil {
				return err
			}
		case "rtc_ice":
			if err := s.addRemoteCandidate(m.Candidate); err != nil {
				s.log.Warn("dial: remote candidate", "err", err)
			}
		default:
			select {
			case s.in <- m:
			case <-ctx.Done():
				return nil
			case <-convDone:
				return nil
			}
		}
	}
}

func (s *session) applyAnswer(sdp string) error {
	if err := s.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp}); err != nil {
		return fmt.Errorf("apply rtc answer: %w", err)
	}
	s.micBitrate.Store(int64(askedBitrate(s.micSender.GetParameters().Codecs)))
	s.iceMu.Lock()
	s.answerSet = true
	held := s.remoteCands
	s.remoteCands = nil
	s.iceMu.Unlock()
	for _, c := range held {
		if err := s.pc.AddICECandidate(c); err != nil {
			s.log.Warn("dial: held remote candidate", "err", err)
		}
	}
	return nil
}

// askedBitrate is the maxaveragebitrate of the first Opus codec in codecs
// (RFC 7587 section 6.1), or opusBitrate when none asks for one; like a
// browser's, it is kept within Opus's 6-510 kbps.
func askedBitrate(codecs []webrtc.RTPCodecParameters) int {
	for _, c := range codecs {
		if !strings.EqualFold(c.MimeType, webrtc.MimeTypeOpus) {
			continue
		}
		for _, kv := range strings.Split(c.SDPFmtpLine, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
			if !strings.EqualFold(k, "maxaveragebitrate") {
				continue
			}
			if n, err := strconv.Atoi(v); err == nil {
				return min(max(n, 6000), 510000)
			}
		}
		break
	}
	return opusBitrate
}

func (s *session) addRemoteCandidate(raw json.RawMessage) error {
	var c webrtc.ICECandidateInit
	if err := json.Unmarshal(raw, &c); err != nil {
		return fmt.Errorf("decode candidate: %w", err)
	}
	s.iceMu.Lock()
	if !s.answerSet {
		s.remoteCands = append(s.remoteCands, c)
		s.iceMu.Unlock()
		return nil
	}
	s.iceMu.Unlock()
	return s.pc.AddICECandidate(c)
}

// offer sends the offer, then any candidates found meanwhile.
func (s *session) offer() error {
	offer, err := s.pc.CreateOffer(nil)
	if err != nil {
		return fmt.Errorf("create offer: %w", err)
	}
	if err := s.pc.SetLocalDescription(offer); err != nil {
		return fmt.Errorf("set local description: %w", err)
	}
	s.iceMu.Lock()
	defer s.iceMu.Unlock()
	s.send(mockloop.Message{Type: "rtc_offer", SDP: offer.SDP})
	s.offerSent = true
	for _, c := range s.localCands {
		s.send(mockloop.Message{Type: "rtc_ice", Candidate: c})
	}
	s.localCands = nil
	return nil
}

// converse is the candidate's side of the round.
func (s *session) converse(ctx context.Context) error {
	connected := make(chan struct{})
	var once sync.Once
	s.pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		if st == webrtc.PeerConnectionStateConnected {
			once.Do(func() { s.mark(MarkConnected, nil); close(connected) })
		}
	})
	s.send(mockloop.Message{Type: "hello"})
	if err := s.offer(); err != nil {
		return err
	}

	m := newMic(s)
	micErr := make(chan error, 1)
	micCtx, stopMic := context.WithCancel(ctx)
	defer stopMic()
	go func() { micErr <- m.run(micCtx) }()

	var (
		rtcUpAt                   = time.Duration(-1)
		questionAt                = time.Duration(-1) // arrival of the question being waited on
		spokeAt                   time.Duration       // when the last answer began
		speaking                  bool                // the WAV or its trailing silence is being sent
		started                   int                 // answers begun
		answered                  int                 // answers with feedback and a reply
		feedbackSince, turnsSince int                 // since the current answer began
		poll                      = time.NewTicker(50 * time.Millisecond)
	)
	defer poll.Stop()
	// ready says whether the question has been asked and spoken: the
	// interviewer's audio has paused, or none came although it could have.
	ready := func() bool {
		if speaking {
			return false
		}
		now := s.since()
		if first := time.Duration(s.firstAudioNS.Load()); s.o.BargeIn > 0 && started == 0 && first > 0 {
			return now-first >= s.o.BargeIn
		}
		if rtcUpAt < 0 || questionAt < 0 {
			return false
		}
		// The server may send the turn before, during or after speaking
		// it: any interviewer audio since the last answer began counts.
		last := time.Duration(s.lastAudioNS.Load())
		if last > spokeAt {
			return now-last >= audioIdle
		}
		return now-max(questionAt, rtcUpAt) >= noAudioWait
	}
	finished := false
	for !finished {
		select {
		case <-ctx.Done():
			return fmt.Errorf("dial: %d of %d answers done: %w", answered, s.o.Answers, context.Cause(ctx))
		case err := <-micErr:
			return err
		case <-connected:
			rtcUpAt = s.since()
			connected = nil
		case <-m.spoken:
			speaking = false
			if s.o.Done {
				s.send(mockloop.Message{Type: "done"})
				s.mark(MarkDoneSent, nil)
			}
		case msg := <-s.in:
			switch msg.Type {
			case "state":
				if msg.Phase == mockloop.PhaseFinished {
					finished = true
				} else if msg.Question != nil && started == answered {
					questionAt = s.since()
				}
			case "interviewer":
				if msg.Turn != nil {
					s.resMu.Lock()
					s.res.Interviewer = append(s.res.Interviewer, msg.Turn.Text)
					s.resMu.Unlock()
					if msg.Turn.Kind == mockloop.TurnClosing {
						finished = true
					}
				}
				questionAt = s.since()
				turnsSince++
			case "utterance":
				if msg.Utterance != nil {
					s.resMu.Lock()
					s.res.Utterances = append(s.res.Utterances, *msg.Utterance)
					s.resMu.Unlock()
				}
			case "feedback":
				if msg.Report != nil {
					s.resMu.Lock()
					s.res.Feedback = append(s.res.Feedback, *msg.Report)
					s.resMu.Unlock()
				}
				feedbackSince++
			case "finished":
				finished = true
			case "error":
				switch msg.Code {
				case mockloop.CodeRTC, mockloop.CodeNotFound, mockloop.CodeRoundFinished, mockloop.CodeTakenOver:
					return fmt.Errorf("dial: %w: %s: %s", ErrServer, msg.Code, msg.Message)
				}
				s.log.Warn("dial: server error", "code", msg.Code, "message", msg.Message)
			}
		case <-poll.C:
		}

		// An answer is complete once its feedback and the interviewer's
		// next turn have arrived.
		if started > answered && !speaking && feedbackSince > 0 && turnsSince > 0 {
			answered++
			if answered == s.o.Answers {
				return nil
			}
		}
		if started == answered && ready() {
			started++
			speaking = true
			spokeAt = s.since()
			feedbackSince, turnsSince = 0, 0
			m.speak()
		}
	}
	if answered < s.o.Answers {
		return fmt.Errorf("dial: the round finished after %d of %d answers", answered, s.o.Answers)
	}
	return nil
}

// mic plays the part of the browser's microphone: it sends silence in real
// time whenever the candidate is not speaking, as Chrome does, and the WAV
// (at Speed) plus trailing silence when told to speak.
type mic struct {
	s      *session
	say    chan struct{}
	spoken chan struct{}
}

func newMic(s *session) *mic {
	return &mic{s: s, say: make(chan struct{}, 1), spoken: make(chan struct{}, 1)}
}

func (m *mic) speak() { m.say <- struct{}{} }

func (m *mic) run(ctx context.Context) error {
	enc, err := opus.NewEncoder(opusRate, 1, opus.AppVoIP)
	if err != nil {
		return fmt.Errorf("dial: new opus encoder: %w", err)
	}
	bitrate := 0 // set before the first frame, and again when the answer changes it
	fast := time.Duration(float64(frameDur) / m.s.o.Speed)
	ticker := time.NewTicker(frameDur)
	defer ticker.Stop()

	silence := make([]int16, frameSamples)
	trailing := int(trailingSilence / frameDur)
	buf := make([]byte, maxOpusPacket)
	var (
		speech   []int16 // what is left of the WAV
		silences int     // trailing silence frames left
	)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-m.say:
			speech, silences = m.s.pcm48k, trailing
			ticker.Reset(fast)
			m.s.wantFirst.Store(false)
			m.s.mark(MarkSpeechStart, nil)
			continue
		case <-ticker.C:
		}
		frame := silence
		switch {
		case len(speech) > 0:
			n := min(frameSamples, len(speech))
			if n < frameSamples {
				frame = make([]int16, frameSamples)
				copy(frame, speech[:n])
			} else {
				frame = speech[:n]
			}
			speech = speech[n:]
			if len(speech) == 0 {
				m.s.mark(MarkSpeechEnd, nil)
				m.s.wantFirst.Store(true)
				if m.s.o.Done {
					silences = 0
					m.done(ticker)
				}
			}
		case silences > 0:
			silences--
			if silences == 0 {
				m.s.mark(MarkSilenceEnd, nil)
				m.done(ticker)
			}
		}
		if want := int(m.s.micBitrate.Load()); want != bitrate {
			if err := enc.SetBitrate(want); err != nil {
				return fmt.Errorf("dial: set opus bitrate %d: %w", want, err)
			}
			bitrate = want
		}
		n, err := enc.Encode(frame, buf)
		if err != nil {
			return fmt.Errorf("dial: encode opus: %w", err)
		}
		// WriteSample stamps the packet with Duration at the 48 kHz clock.
		if err := m.s.mic.WriteSample(media.Sample{Data: append([]byte(nil), buf[:n]...), Duration: frameDur}); err != nil {
			return fmt.Errorf("dial: write microphone: %w", err)
		}
	}
}

// done returns the microphone to real-time silence and tells converse.
func (m *mic) done(ticker *time.Ticker) {
	ticker.Reset(frameDur)
	select {
	case m.spoken <- struct{}{}:
	default:
	}
}
