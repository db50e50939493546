package rtc

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockloop/mockloop/server/speechdata"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
	"gopkg.in/hraban/opus.v2"

	"github.com/mockloop/mockloop/server/voice"
)

// speechClip is a real recording (16 kHz mono) with pauses and fillers.
const speechClipName = "mfa_youknow.wav"

func speechClipPath(tb testing.TB) string {
	tb.Helper()
	d, err := speechdata.Dir()
	if err != nil {
		speechdata.Unavailable(tb, err)
	}
	return filepath.Join(d, speechClipName)
}

// deadline bounds every wait in these tests; loopback needs far less.
const deadline = 15 * time.Second

// encodeClip encodes a 16 kHz clip the way Chrome does: 48 kHz mono Opus,
// VoIP, 32 kbps, 20 ms packets, which libopus codes in hybrid mode.
func encodeClip(t testing.TB, path string) (pcm16k []int16, packets [][]byte) {
	t.Helper()
	audio, err := voice.ReadWAVFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if audio.SampleRate != voice.SampleRate {
		t.Fatalf("%s is %d Hz, want %d", path, audio.SampleRate, voice.SampleRate)
	}
	pcm48k := voice.Resample(audio.PCM, voice.SampleRate, opusClockRate)
	enc, err := opus.NewEncoder(opusClockRate, 1, opus.AppVoIP)
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.SetBitrate(32000); err != nil {
		t.Fatal(err)
	}
	const frame48k = opusClockRate / 50
	buf := make([]byte, 1500)
	for off := 0; off+frame48k <= len(pcm48k); off += frame48k {
		n, err := enc.Encode(pcm48k[off:off+frame48k], buf)
		if err != nil {
			t.Fatal(err)
		}
		packets = append(packets, append([]byte(nil), buf[:n]...))
	}
	return audio.PCM, packets
}

// client is a pion peer standing in for the browser.
type client struct {
	pc    *webrtc.PeerConnection
	mic   webrtc.TrackLocal
	rtp   *webrtc.TrackLocalStaticRTP // nil when mic is a sample track
	heard chan *rtp.Packet            // interviewer packets received
	up    chan struct{}               // connected
	cands chan []byte                 // local candidates, RTCIceCandidateInit JSON
}

type clientOpts struct {
	codecs  []webrtc.RTPCodecParameters
	micMime string // codec of the track the client sends
}

var (
	opusCodec = webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1",
	}, PayloadType: 111}
	pcmuCodec = webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypePCMU, ClockRate: 8000,
	}, PayloadType: 0}
	pcmaCodec = webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypePCMA, ClockRate: 8000,
	}, PayloadType: 8}
)

func newClient(t *testing.T, o clientOpts) *client {
	t.Helper()
	m := &webrtc.MediaEngine{}
	for _, c := range o.codecs {
		if err := m.RegisterCodec(c, webrtc.RTPCodecTypeAudio); err != nil {
			t.Fatal(err)
		}
	}
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	c := &client{
		pc:    pc,
		heard: make(chan *rtp.Packet, 1000),
		up:    make(chan struct{}),
		cands: make(chan []byte, 100),
	}
	capability := webrtc.RTPCodecCapability{MimeType: o.micMime, ClockRate: 48000, Channels: 2}
	if o.micMime != webrtc.MimeTypeOpus {
		capability = webrtc.RTPCodecCapability{MimeType: o.micMime, ClockRate: 8000}
	}
	if o.micMime == webrtc.MimeTypeOpus {
		c.rtp, err = webrtc.NewTrackLocalStaticRTP(capability, "audio", "mic")
		c.mic = c.rtp
	} else {
		c.mic, err = webrtc.NewTrackLocalStaticSample(capability, "audio", "mic")
	}
	if err != nil {
		t.Fatal(err)
	}
	// A sendrecv transceiver, as getUserMedia + addTrack makes in Chrome.
	if _, err := pc.AddTransceiverFromTrack(c.mic, webrtc.RTPTransceiverInit{
		Direction: webrtc.RTPTransceiverDirectionSendrecv,
	}); err != nil {
		t.Fatal(err)
	}
	pc.OnTrack(func(track *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		for {
			pkt, _, err := track.ReadRTP()
			if err != nil {
				return
			}
			select {
			case c.heard <- pkt:
			default:
			}
		}
	})
	var once sync.Once
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			once.Do(func() { close(c.up) })
		}
	})
	pc.OnICECandidate(func(cand *webrtc.ICECandidate) {
		if cand == nil {
			return
		}
		b, err := json.Marshal(cand.ToJSON())
		if err == nil {
			c.cands <- b
		}
	})
	return c
}

// offer creates the client's offer without waiting for candidates, which
// are trickled.
func (c *client) offer(t *testing.T) string {
	t.Helper()
	offer, err := c.pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.pc.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	return offer.SDP
}

// connect runs offer/answer with trickled candidates against Answer and
// waits until both sides are connected.
func connect(t *testing.T, c *client) *Peer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	p, answer, err := Answer(ctx, Config{}, c.offer(t), func(cand []byte) {
		var init webrtc.ICECandidateInit
		if err := json.Unmarshal(cand, &init); err == nil {
			_ = c.pc.AddICECandidate(init)
		}
	})
	if err != nil {
		t.Fatalf("Answer: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	if err := c.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		t.Fatalf("apply answer: %v", err)
	}
	// Trickle the client's candidates to the server as they come.
	go func() {
		for {
			select {
			case cand := <-c.cands:
				if err := p.AddICECandidate(cand); err != nil {
					t.Errorf("AddICECandidate: %v", err)
				}
			case <-p.Done():
				return
			}
		}
	}()
	waitFor(t, c.up, "client connected")
	waitFor(t, p.Connected(), "server connected")
	return p
}

func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(deadline):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// sendPlan says which packets the client sends, in what order: indexes
// into the encoded clip. Missing indexes are lost.
func sendPackets(t *testing.T, c *client, packets [][]byte, order []int) {
	t.Helper()
	// Faster than real time: loopback keeps up, and the timeline comes from
	// RTP timestamps, not arrival times.
	ticker := time.NewTicker(2 * time.Millisecond)
	defer ticker.Stop()
	const seq0, ts0 = 65500, 4294871296 // both wrap during the clip (packets 36 and 100)
	for _, i := range order {
		<-ticker.C
		pkt := &rtp.Packet{
			Header: rtp.Header{
				Version:        2,
				PayloadType:    111,
				SequenceNumber: uint16(seq0 + i),
				Timestamp:      uint32(ts0 + i*960),
			},
			Payload: packets[i],
		}
		if err := c.rtp.WriteRTP(pkt); err != nil {
			t.Fatalf("write rtp: %v", err)
		}
	}
}

// collect reads n frames or fails at the deadline.
func collect(t *testing.T, p *Peer, n int) []voice.Frame {
	t.Helper()
	var out []voice.Frame
	timeout := time.After(deadline)
	for len(out) < n {
		select {
		case f, ok := <-p.Frames():
			if !ok {
				t.Fatalf("frames closed after %d of %d", len(out), n)
			}
			out = append(out, f)
		case <-timeout:
			t.Fatalf("got %d of %d frames before the deadline", len(out), n)
		}
	}
	return out
}

// reference decodes the packets directly in sequence order, with a 20 ms
// frame of silence for each lost one: what the peer should produce.
func reference(t *testing.T, packets [][]byte, lost map[int]bool) []int16 {
	t.Helper()
	dec, err := voice.NewOpusDecoder()
	if err != nil {
		t.Fatal(err)
	}
	var pcm []int16
	for i, pkt := range packets {
		if lost[i] {
			pcm = append(pcm, make([]int16, voice.FrameSamples)...)
			continue
		}
		out, err := dec.Decode(pkt)
		if err != nil {
			t.Fatal(err)
		}
		pcm = append(pcm, out...)
	}
	return pcm
}

func rms(pcm []int16) float64 {
	var sum float64
	for _, s := range pcm {
		sum += float64(s) * float64(s)
	}
	return math.Sqrt(sum / float64(max(len(pcm), 1)))
}

func TestMicrophone(t *testing.T) {
	pcm16k, packets := encodeClip(t, speechClipPath(t))
	hybrid := 0
	for _, pkt := range packets {
		if cfg, _ := voice.OpusConfig(pkt); cfg >= 12 && cfg <= 15 {
			hybrid++
		}
	}
	if hybrid < len(packets)/2 {
		t.Fatalf("only %d of %d packets are hybrid mode; the test would not cover what Chrome sends", hybrid, len(packets))
	}

	inOrder := make([]int, len(packets))
	for i := range inOrder {
		inOrder[i] = i
	}
	tests := []struct {
		name string
		lose []int    // packet indexes never sent
		swap [][2]int // positions swapped in the send order
	}{
		{name: "in-order packets come out as the same audio"},
		{name: "lost packets become silence of the same length", lose: []int{40, 41, 90, 150}},
		{name: "swapped packets are put back in order", swap: [][2]int{{30, 31}, {100, 102}, {200, 201}}},
		{name: "loss and reordering together", lose: []int{60, 120}, swap: [][2]int{{80, 81}, {121, 123}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lost := map[int]bool{}
			for _, i := range tt.lose {
				lost[i] = true
			}
			order := append([]int(nil), inOrder...)
			for _, s := range tt.swap {
				order[s[0]], order[s[1]] = order[s[1]], order[s[0]]
			}
			var send []int
			for _, i := range order {
				if !lost[i] {
					send = append(send, i)
				}
			}

			c := newClient(t, clientOpts{codecs: []webrtc.RTPCodecParameters{opusCodec, pcmuCodec}, micMime: webrtc.MimeTypeOpus})
			p := connect(t, c)
			sendPackets(t, c, packets, send)
			frames := collect(t, p, len(packets))

			// Nothing more comes once the client goes away.
			if err := c.pc.Close(); err != nil {
				t.Fatal(err)
			}
			extra := 0
			for range p.Frames() {
				extra++
			}
			if extra > 0 {
				t.Errorf("%d frames beyond the %d packets sent", extra, len(packets))
			}

			want := reference(t, packets, lost)
			for i, f := range frames {
				if f.At != time.Duration(i)*voice.FrameDur {
					t.Fatalf("frame %d at %v, want %v", i, f.At, time.Duration(i)*voice.FrameDur)
				}
				ref := want[i*voice.FrameSamples : (i+1)*voice.FrameSamples]
				for j := range ref {
					if f.PCM[j] != ref[j] {
						t.Fatalf("frame %d sample %d = %d, want %d (direct decode)", i, j, f.PCM[j], ref[j])
					}
				}
				if lost[i] && rms(f.PCM) != 0 {
					t.Errorf("frame %d stands for a lost packet but is not silent", i)
				}
			}

			// The output follows the speech: compare 100 ms energy envelopes
			// with the original recording.
			var got, orig []float64
			for w := 0; w+5 <= len(frames); w += 5 {
				var pcm []int16
				for _, f := range frames[w : w+5] {
					pcm = append(pcm, f.PCM...)
				}
				got = append(got, rms(pcm))
				orig = append(orig, rms(pcm16k[w*voice.FrameSamples:(w+5)*voice.FrameSamples]))
			}
			if r := correlation(got, orig); r < 0.9 {
				t.Errorf("energy envelope correlates %.2f with the recording, want >= 0.9", r)
			}
			st := p.Stats()
			if st.Lost != int64(len(tt.lose)) {
				t.Errorf("Stats().Lost = %d, want %d", st.Lost, len(tt.lose))
			}
			t.Logf("%d packets -> %d frames (%v), stats %+v", len(packets), len(frames), time.Duration(len(frames))*voice.FrameDur, st)
		})
	}
}

func correlation(a, b []float64) float64 {
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var cov, va, vb float64
	for i := range a {
		cov += (a[i] - ma) * (b[i] - mb)
		va += (a[i] - ma) * (a[i] - ma)
		vb += (b[i] - mb) * (b[i] - mb)
	}
	return cov / math.Sqrt(va*vb)
}

func TestInterviewerVoiceReachesTheClient(t *testing.T) {
	tests := []struct {
		name    string
		codecs  []webrtc.RTPCodecParameters
		mime    string
		pt      uint8
		ticks   uint32 // RTP clock ticks per 20 ms frame
		decoder func(t *testing.T) func([]byte) []int16
	}{
		{
			name:   "a browser that offers Opus hears Opus at 48 kHz, 960 ticks per frame",
			codecs: []webrtc.RTPCodecParameters{opusCodec, pcmuCodec},
			mime:   webrtc.MimeTypeOpus, pt: 111, ticks: 960,
			decoder: func(t *testing.T) func([]byte) []int16 {
				dec, err := voice.NewOpusDecoder()
				if err != nil {
					t.Fatal(err)
				}
				return func(b []byte) []int16 {
					pcm, err := dec.Decode(b)
					if err != nil {
						t.Fatalf("decode: %v", err)
					}
					return pcm
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, clientOpts{codecs: tt.codecs, micMime: webrtc.MimeTypeOpus})
			p := connect(t, c)
			if got := p.OutputCodec(); got != tt.mime {
				t.Fatalf("OutputCodec = %s, want %s", got, tt.mime)
			}
			enc, err := p.NewEncoder()
			if err != nil {
				t.Fatal(err)
			}
			// A 440 Hz tone, encoded frame by frame as the Speaker does.
			const frames = 25
			rate := enc.SampleRate()
			n := rate / 50
			var sent [][]byte
			for i := range frames {
				pcm := make([]int16, n)
				for j := range pcm {
					pcm[j] = int16(8000 * math.Sin(2*math.Pi*440*float64(i*n+j)/float64(rate)))
				}
				b, err := enc.Encode(pcm)
				if err != nil {
					t.Fatal(err)
				}
				sent = append(sent, b)
			}
			ticker := time.NewTicker(voice.FrameDur)
			defer ticker.Stop()
			for _, payload := range sent {
				<-ticker.C
				if err := p.WriteAudio(payload, voice.FrameDur); err != nil {
					t.Fatalf("WriteAudio: %v", err)
				}
			}

			decode := tt.decoder(t)
			timeout := time.After(deadline)
			var prev *rtp.Packet
			var heard []int16
			for i := range frames {
				select {
				case pkt := <-c.heard:
					if pkt.PayloadType != tt.pt {
						t.Fatalf("packet %d has payload type %d, want %d", i, pkt.PayloadType, tt.pt)
					}
					if string(pkt.Payload) != string(sent[i]) {
						t.Fatalf("packet %d payload differs from frame %d written", i, i)
					}
					if prev != nil && (pkt.SequenceNumber != prev.SequenceNumber+1 || pkt.Timestamp != prev.Timestamp+tt.ticks) {
						t.Fatalf("packet %d: seq %d ts %d after seq %d ts %d, want +1 and +%d",
							i, pkt.SequenceNumber, pkt.Timestamp, prev.SequenceNumber, prev.Timestamp, tt.ticks)
					}
					prev = pkt
					heard = append(heard, decode(pkt.Payload)...)
				case <-timeout:
					t.Fatalf("client heard %d of %d interviewer packets", i, frames)
				}
			}
			// 8000/32768 peak is about -15 dBFS RMS; past the codec's start.
			if lvl := 20 * math.Log10(rms(heard[len(heard)/4:])/32768); lvl < -19 || lvl > -11 {
				t.Fatalf("the tone came out at %.1f dBFS, want about -15", lvl)
			}
		})
	}
}

func TestInterviewerCodecFromTheOffer(t *testing.T) {
	const head = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
	opusLine := "m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\n"
	tests := []struct {
		name    string
		sdp     string
		want    string
		wantErr error
	}{
		{"a sendrecv Opus m-line carries Opus back", head + opusLine + "a=sendrecv\r\n", webrtc.MimeTypeOpus, nil},
		{"no direction attribute means sendrecv", head + opusLine, webrtc.MimeTypeOpus, nil},
		{"a send-only Opus microphone beside a PCMU-only receiving m-line gets PCMU back",
			head + opusLine + "a=sendonly\r\n" + "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=rtpmap:0 PCMU/8000\r\na=recvonly\r\n",
			webrtc.MimeTypePCMU, nil},
		{"an offer without Opus is refused", head + "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=rtpmap:0 PCMU/8000\r\n", "", ErrNoOpus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := checkOffer(tt.sdp)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("codec = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUnexpectedCodec(t *testing.T) {
	t.Run("an offer without Opus is refused with ErrNoOpus", func(t *testing.T) {
		c := newClient(t, clientOpts{codecs: []webrtc.RTPCodecParameters{pcmuCodec, pcmaCodec}, micMime: webrtc.MimeTypePCMA})
		_, _, err := Answer(context.Background(), Config{}, c.offer(t), nil)
		if !errors.Is(err, ErrNoOpus) {
			t.Fatalf("Answer error = %v, want ErrNoOpus", err)
		}
	})
	t.Run("a track with an unexpected codec is ignored and reported", func(t *testing.T) {
		c := newClient(t, clientOpts{codecs: []webrtc.RTPCodecParameters{opusCodec, pcmuCodec}, micMime: webrtc.MimeTypePCMU})
		p := connect(t, c)
		mic := c.mic.(*webrtc.TrackLocalStaticSample)
		ticker := time.NewTicker(voice.FrameDur)
		defer ticker.Stop()
		timeout := time.After(deadline)
		for {
			select {
			case err := <-p.Errors():
				if !errors.Is(err, ErrUnexpectedCodec) || !strings.Contains(err.Error(), "PCMU") {
					t.Fatalf("error = %v, want ErrUnexpectedCodec naming PCMU", err)
				}
				_ = c.pc.Close()
				for f := range p.Frames() {
					t.Fatalf("got a frame at %v from a refused track", f.At)
				}
				return
			case <-ticker.C:
				if err := mic.WriteSample(media.Sample{Data: make([]byte, 160), Duration: voice.FrameDur}); err != nil {
					t.Fatal(err)
				}
			case <-timeout:
				t.Fatal("no error reported for a PCMU microphone track")
			}
		}
	})
}

func TestPeerVanishing(t *testing.T) {
	_, packets := encodeClip(t, speechClipPath(t))
	c := newClient(t, clientOpts{codecs: []webrtc.RTPCodecParameters{opusCodec, pcmuCodec}, micMime: webrtc.MimeTypeOpus})
	p := connect(t, c)
	order := make([]int, 50)
	for i := range order {
		order[i] = i
	}
	sendPackets(t, c, packets, order)
	collect(t, p, 10)

	start := time.Now()
	if err := c.pc.Close(); err != nil {
		t.Fatal(err)
	}
	timeout := time.After(deadline)
	for open := true; open; {
		select {
		case _, open = <-p.Frames():
		case <-timeout:
			t.Fatal("frames still open after the client closed")
		}
	}
	waitFor(t, p.Done(), "Done after the client closed")
	t.Logf("frames closed and Done fired %v after the client closed", time.Since(start))
	if err := p.WriteAudio(make([]byte, 160), voice.FrameDur); !errors.Is(err, ErrClosed) {
		t.Errorf("WriteAudio after Done = %v, want ErrClosed", err)
	}
}

func TestAnswerRejectsBadOffers(t *testing.T) {
	tests := []struct {
		name  string
		offer string
		want  error
	}{
		{name: "an offer over 64 KiB", offer: "v=0\r\n" + strings.Repeat("a=x\r\n", MaxSDPBytes/5+1), want: ErrSDPTooLarge},
		{name: "an offer that is not SDP", offer: "hello there", want: nil},
		{name: "an empty offer", offer: "", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, answer, err := Answer(context.Background(), Config{}, tt.offer, nil)
			if err == nil {
				_ = p.Close()
				t.Fatalf("Answer accepted it and answered %q", answer)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "answer: ") {
				t.Errorf("error %q is not wrapped with context", err)
			}
		})
	}
}

func TestAddICECandidateRejectsJunk(t *testing.T) {
	c := newClient(t, clientOpts{codecs: []webrtc.RTPCodecParameters{opusCodec, pcmuCodec}, micMime: webrtc.MimeTypeOpus})
	p, _, err := Answer(context.Background(), Config{}, c.offer(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	tests := []struct {
		name string
		cand string
	}{
		{name: "not JSON", cand: "{"},
		{name: "too large", cand: `{"candidate":"` + strings.Repeat("x", maxCandidateBytes) + `"}`},
		{name: "a malformed candidate line", cand: `{"candidate":"candidate:garbage","sdpMid":"0"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := p.AddICECandidate([]byte(tt.cand)); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func TestAnswerAsksForTheMicrophoneBitrate(t *testing.T) {
	const head = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
	tests := []struct {
		name  string
		media string
		want  []string // fmtp values, in order
	}{
		{"Opus parameters keep theirs and gain the bitrate",
			"m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\na=rtpmap:0 PCMU/8000\r\n",
			[]string{"111 minptime=10;useinbandfec=1;maxaveragebitrate=64000"}},
		{"a bitrate already there is replaced",
			"m=audio 9 UDP/TLS/RTP/SAVPF 109\r\na=rtpmap:109 OPUS/48000/2\r\na=fmtp:109 maxaveragebitrate=20000; stereo=0\r\n",
			[]string{"109 stereo=0;maxaveragebitrate=64000"}},
		{"an Opus payload type without parameters gets a line",
			"m=audio 9 UDP/TLS/RTP/SAVPF 0 111\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:111 opus/48000/2\r\n",
			[]string{"111 maxaveragebitrate=64000"}},
		{"other codecs and other media are left alone",
			"m=audio 9 UDP/TLS/RTP/SAVPF 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n" +
				"m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\na=fmtp:96 max-fr=30\r\n",
			[]string{"101 0-15", "96 max-fr=30"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := askMicBitrate(head+tt.media, 64000)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, line := range strings.Split(out, "\r\n") {
				if v, ok := strings.CutPrefix(line, "a=fmtp:"); ok {
					got = append(got, v)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("fmtp lines %q, want %q\n%s", got, tt.want, out)
			}
		})
	}
	t.Run("a peer applying the answer sees the bitrate in its sender's codec", func(t *testing.T) {
		c := newClient(t, clientOpts{codecs: []webrtc.RTPCodecParameters{opusCodec, pcmuCodec}, micMime: webrtc.MimeTypeOpus})
		connect(t, c)
		codecs := c.pc.GetTransceivers()[0].Sender().GetParameters().Codecs
		if len(codecs) == 0 || !strings.Contains(codecs[0].SDPFmtpLine, "maxaveragebitrate=64000") {
			t.Fatalf("sender codecs after the answer: %+v", codecs)
		}
	})
	t.Run("an answer that does not parse is an error", func(t *testing.T) {
		if _, err := askMicBitrate("hello", 64000); err == nil {
			t.Fatal("no error")
		}
	})
}
