package httpapi

import (
	"bytes"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/oggopus"
	"github.com/mockloop/mockloop/server/voice"
)

// TestAudioServedByFormat keeps one answer as Ogg Opus and one, from an
// older round, as WAV, and checks each is served with its own type and
// with byte ranges, which <audio> needs to seek.
func TestAudioServedByFormat(t *testing.T) {
	db := progressDB(t)
	ctx := progressCtx(t)
	dir := t.TempDir()
	const id = "r-audio"

	pcm := make([]int16, 16000)
	for i := range pcm {
		pcm[i] = int16(8000 * math.Sin(2*math.Pi*300*float64(i)/16000))
	}
	a := mockloop.Audio{SampleRate: 16000, PCM: pcm}
	var opusFile, wavFile bytes.Buffer
	if err := oggopus.Encode(&opusFile, a, 0); err != nil {
		t.Fatal(err)
	}
	if err := voice.WriteWAV(&wavFile, a); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, id), 0o700); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"1.opus": opusFile.Bytes(), "2.wav": wavFile.Bytes()} {
		if err := os.WriteFile(filepath.Join(dir, id, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := &mockloop.Round{ID: id, Kind: mockloop.KindBehavioral, Status: mockloop.StatusFinished, Seed: 1, Minutes: 30, CreatedAt: progressT0, UpdatedAt: progressT0, State: []byte("{}")}
	if err := db.CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	turns := []*mockloop.Turn{
		{RoundID: id, Seq: 0, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnQuestion, Text: "Tell me about a time.", StartedAt: progressT0},
		{RoundID: id, Seq: 1, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, Text: "kept as opus", StartedAt: progressT0, AudioPath: "1.opus"},
		{RoundID: id, Seq: 2, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, Text: "kept as wav", StartedAt: progressT0, AudioPath: "2.wav"},
		{RoundID: id, Seq: 3, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, Text: "typed", StartedAt: progressT0},
	}
	if err := db.SaveStep(ctx, mockloop.Step{Round: r, Turns: turns}); err != nil {
		t.Fatal(err)
	}
	h := (&API{Store: db, AudioDir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler()

	tests := []struct {
		name       string
		path       string
		rangeHdr   string
		wantStatus int
		wantType   string
		wantBody   []byte
	}{
		{"an answer kept as Ogg Opus is served as Ogg Opus", "/api/rounds/" + id + "/audio/1", "", http.StatusOK, "audio/ogg; codecs=opus", opusFile.Bytes()},
		{"a seek into the Ogg Opus answer gets the byte range it asked for", "/api/rounds/" + id + "/audio/1", "bytes=100-199", http.StatusPartialContent, "audio/ogg; codecs=opus", opusFile.Bytes()[100:200]},
		{"an answer kept as WAV by an older version is still served as WAV", "/api/rounds/" + id + "/audio/2", "", http.StatusOK, "audio/wav", wavFile.Bytes()},
		{"a typed answer has no audio", "/api/rounds/" + id + "/audio/3", "", http.StatusNotFound, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.rangeHdr != "" {
				req.Header.Set("Range", tt.rangeHdr)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.wantStatus, rec.Body.String())
			}
			if tt.wantBody == nil {
				return
			}
			if got := rec.Header().Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type %q, want %q", got, tt.wantType)
			}
			if !bytes.Equal(rec.Body.Bytes(), tt.wantBody) {
				t.Errorf("body is %d bytes and differs from the %d kept", rec.Body.Len(), len(tt.wantBody))
			}
		})
	}
}
