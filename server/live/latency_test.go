package live

import (
	"testing"
	"time"

	"github.com/mockloop/mockloop"
)

func TestReplyLatencyHasOneOrigin(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	tests := []struct {
		name  string
		clock replyClock
		want  *mockloop.Latency
	}{
		{
			"a spoken answer counts every stage from the end of speech",
			replyClock{origin: at(900), speechEnd: at(0), decided: at(800), transcribed: at(850)},
			&mockloop.Latency{SpeechEndToCommitMS: 800, TranscriptMS: 850, FirstTokenMS: 1000, FirstAudioMS: 1100},
		},
		{
			"a typed answer counts from its submission, with no commit stage",
			replyClock{origin: at(0)},
			&mockloop.Latency{TranscriptMS: 900, FirstTokenMS: 1000, FirstAudioMS: 1100},
		},
		{"a reply to no answer (the opening question) has no latency", replyClock{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &reply{started: at(900), clock: tt.clock, firstToken: at(1000), firstAudio: at(1100)}
			_, _, got := r.snapshot()
			if (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
				t.Fatalf("latency %+v, want %+v", got, tt.want)
			}
		})
	}
}
