package voice

import (
	"testing"
	"time"
)

// TestReceivePathOnHumanSpeech runs what server/rtc does with a track:
// RTP payloads, some out of order and one lost, through Reorder,
// OpusDecoder and Framer (silence for the loss) into a Listener, with a
// human recording followed by the silence of a finished answer.
func TestReceivePathOnHumanSpeech(t *testing.T) {
	tests := []struct {
		name          string
		clip          string
		minUtterances int
	}{
		{"a read sentence becomes one utterance and the turn ends on silence", "librispeech_61-70968-0000.wav", 1},
		{"an unscripted answer with thinking pauses is split at the pauses into one turn", "mfa_surround.wav", 3},
		{"the noisy 27 s recording, whose pauses are all under the utterance end, is kept whole", "mfa_acoustic_corpus.wav", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clip := loadClip(t, tt.clip)
			tail := make([]int16, 0)
			bg := quietest(clip, 300*time.Millisecond)
			for len(tail) < 4*SampleRate {
				tail = append(tail, bg...)
			}
			packets := encodeOpus(t, concat(clip, tail))

			stt := &fakeSTT{name: "fake", texts: []string{"words"}}
			h := newHarness(t, ListenerConfig{Turn: silenceOnly, STT: stt})
			reorder := NewReorder(3)
			dec, err := NewOpusDecoder()
			if err != nil {
				t.Fatal(err)
			}
			framer := NewFramer()
			var last []byte
			deliver := func(payloads [][]byte) {
				for _, p := range payloads {
					var fs []Frame
					if p == nil {
						// Lost: as long as the packet before it.
						d, _ := OpusPacketDuration(last)
						fs = framer.Silence(d)
					} else {
						pcm, err := dec.Decode(p)
						if err != nil {
							t.Fatal(err)
						}
						fs = framer.Push(pcm)
						last = p
					}
					for _, f := range fs {
						h.frames <- f
					}
				}
			}
			for i := 0; i < len(packets); i++ {
				seq := uint16(60000 + i) // wraps during the clip
				switch {
				case i == 100: // lost
					continue
				case i%50 == 10 && i+1 < len(packets): // swapped with the next
					deliver(reorder.Push(seq+1, packets[i+1]))
					deliver(reorder.Push(seq, packets[i]))
					i++
					continue
				}
				deliver(reorder.Push(seq, packets[i]))
			}
			deliver(reorder.Flush())

			end := h.waitFor(TurnEnd, nil)
			if end.Reason != ReasonSilence {
				t.Fatalf("turn ended by %q", end.Reason)
			}
			var utts []Event
			for _, ev := range h.drain() {
				if ev.Kind == Utterance {
					utts = append(utts, ev)
				}
			}
			if len(utts) < tt.minUtterances {
				t.Fatalf("%d utterances, want at least %d: %s", len(utts), tt.minUtterances, summary(h.seen))
			}
			// Every stretch the VAD calls speech in the original is inside
			// some utterance: nothing said is dropped.
			speech, _ := vadRun(VADConfig{}, clip)
			for i, s := range speech {
				if !s {
					continue
				}
				at := time.Duration(i) * FrameDur
				covered := false
				for _, u := range utts {
					// 60 ms of codec delay and onset slack.
					if at >= u.Offset-60*time.Millisecond && at < u.Offset+u.Duration+60*time.Millisecond {
						covered = true
					}
				}
				if !covered {
					t.Fatalf("speech at %v is in no utterance: %s", at, summary(h.seen))
				}
			}
			t.Logf("%s", summary(h.seen))
		})
	}
}
