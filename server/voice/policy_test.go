package voice

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestClassifyEnding(t *testing.T) {
	tests := []struct {
		name string
		text string
		want Ending
	}{
		{"a finished sentence is complete", "and that's how we shipped it on time.", EndComplete},
		{"a result with a number is complete", "latency dropped by forty percent", EndComplete},
		{"a trailing and is a connective", "we cut scope and", EndConnective},
		{"so um ends on a filler", "the hardest part was the migration so um", EndFiller},
		{"a trailing so is a connective", "the deadline was friday so", EndConnective},
		{"because is a connective", "I pushed back because", EndConnective},
		{"let me think is thinking", "that's a good question, let me think", EndThinking},
		{"give me a second is thinking, whatever the case", "Give me a SECOND", EndThinking},
		{"a list opened with first and no second item is in progress", "there were three problems. first the cache was cold", EndList},
		{"first after a connective opens a list", "it was slow and first we looked at the cache", EndList},
		{"the first thing opens a list", "the first thing I did was read the logs", EndList},
		{"first as an adverb after a verb opens no list", "let me ask a couple of things first is it all in memory", EndComplete},
		{"at first opens no list", "at first we thought it was the network", EndComplete},
		{"a list carried on by then is no longer open", "first we cut scope, then we paired with QA on the tests", EndComplete},
		{"a counted list announced is in progress", "I did three things", EndList},
		{"a clause ending on an article dangles", "so we rewrote the", EndDangling},
		{"a clause ending on to dangles", "my manager asked me to", EndDangling},
		{"that's it is a close", "and yeah, that's it", EndClosing},
		{"I'm done with a curly apostrophe is a close", "I’m done", EndClosing},
		{"a filler in the middle does not count", "um so we shipped it", EndComplete},
		{"a word that merely ends in a filler's letters does not count", "the album", EndComplete},
		{"no words is none", "  ", EndNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ClassifyEnding(tt.text); got != tt.want {
				t.Fatalf("ClassifyEnding(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestAsksQuestion(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"can I assume the input fits in memory", true},
		{"um so what if two users write at once", true},
		{"should I optimise for reads", true},
		{"and how many requests per second", true},
		{"I can assume the input fits in memory", false},
		{"the middle classes and", false},
		{"we shipped it on time", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := AsksQuestion(tt.text); got != tt.want {
				t.Fatalf("AsksQuestion(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestDecide(t *testing.T) {
	c := DefaultTurnConfig()
	// finished is a finished story, final, with a falling voice.
	finished := TurnInput{Spoke: true, Final: true, Ending: EndComplete, Story: StoryResult, Prosody: ContourFalling, Voiced: 20 * time.Second}
	with := func(in TurnInput, f func(*TurnInput)) TurnInput { f(&in); return in }
	at := func(in TurnInput, silence time.Duration) TurnInput { in.Silence = silence; return in }
	ending := func(e Ending) func(*TurnInput) { return func(in *TurnInput) { in.Ending = e } }
	ms := time.Millisecond
	s := time.Second

	tests := []struct {
		name   string
		cfg    TurnConfig
		in     TurnInput
		want   Verdict
		reason string
	}{
		{"a finished answer is committed after 0.8 s of silence", c, at(finished, 800*ms), Commit, ReasonSilence},
		{"a finished answer is not committed at 0.7 s", c, at(finished, 700*ms), Wait, ""},
		{"a level voice at the end of a finished answer still commits at 0.8 s", c, at(with(finished, func(in *TurnInput) { in.Prosody = ContourLevel }), 800*ms), Commit, ReasonSilence},
		{"unknown prosody does not hold a finished answer", c, at(with(finished, func(in *TurnInput) { in.Prosody = ContourUnknown }), 800*ms), Commit, ReasonSilence},
		{"a rising voice waits longer", c, at(with(finished, func(in *TurnInput) { in.Prosody = ContourRising }), 1500*ms), Wait, ""},
		{"a rise held mid-range on a statement waits out a 5 s pause", c, at(with(finished, func(in *TurnInput) { in.Prosody, in.PitchLevel, in.PitchKnown = ContourRising, 0.6, true }), 5*s), Wait, ""},
		{"a rise at the end of a question is committed at the turn commit time", c, at(with(finished, func(in *TurnInput) {
			in.Prosody, in.PitchLevel, in.PitchKnown, in.Asks = ContourRising, 0.9, true, true
		}), 2500*ms), Commit, ReasonSilence},
		{"an uptick that ends low in the range reads as a finished sentence", c, at(with(finished, func(in *TurnInput) { in.Prosody, in.PitchLevel, in.PitchKnown = ContourRising, 0.2, true }), 800*ms), Commit, ReasonSilence},
		{"a low rise on a question still waits for the turn commit", c, at(with(finished, func(in *TurnInput) {
			in.Prosody, in.PitchLevel, in.PitchKnown, in.Asks = ContourRising, 0.2, true, true
		}), 1500*ms), Wait, ""},
		{"a held level that is not known does not hold", c, at(with(finished, func(in *TurnInput) { in.PitchLevel = 0.9 }), 800*ms), Commit, ReasonSilence},
		{"a rising voice is committed at the turn commit time", c, at(with(finished, func(in *TurnInput) { in.Prosody = ContourRising }), 2500*ms), Commit, ReasonSilence},
		{"a sentence end with the voice held mid-range waits out a 5 s pause", c, at(with(finished, func(in *TurnInput) { in.Prosody, in.PitchLevel, in.PitchKnown = ContourLevel, 0.6, true }), 5*s), Wait, ""},
		{"a fall that ends mid-range is a finished sentence", c, at(with(finished, func(in *TurnInput) { in.Prosody, in.PitchLevel, in.PitchKnown = ContourFalling, 0.48, true }), 800*ms), Commit, ReasonSilence},
		{"a fall that still ends high in the range holds", c, at(with(finished, func(in *TurnInput) { in.Prosody, in.PitchLevel, in.PitchKnown = ContourFalling, 0.7, true }), 5*s), Wait, ""},
		{"a sentence end with the voice held mid-range is committed after the held wait", c, at(with(finished, func(in *TurnInput) { in.Prosody, in.PitchLevel, in.PitchKnown = ContourLevel, 0.6, true }), 6*s), Commit, ReasonSilence},
		{"a voice come to rest near the bottom of its range commits at 0.8 s", c, at(with(finished, func(in *TurnInput) { in.PitchLevel, in.PitchKnown = 0.1, true }), 800*ms), Commit, ReasonSilence},
		{"a held voice counts in a follow-up answer too", c, at(with(finished, func(in *TurnInput) {
			in.Story, in.Prosody, in.PitchLevel, in.PitchKnown = StoryNone, ContourLevel, 0.8, true
		}), 2*s), Wait, ""},
		{"a config without a held level never holds on pitch", TurnConfig{FinishedWait: 800 * ms, TurnCommit: 2500 * ms}, at(with(finished, func(in *TurnInput) { in.PitchLevel, in.PitchKnown = 0.9, true }), 800*ms), Commit, ReasonSilence},
		{"one or two words heard after a 3 s pause are too little to commit on", c, at(with(finished, func(in *TurnInput) { in.Story, in.Voiced = StoryNone, 300*ms }), 3*s), Wait, ""},
		{"a turn too brief to read is committed after the held wait", c, at(with(finished, func(in *TurnInput) { in.Story, in.Voiced = StoryNone, 300*ms }), 6*s), Commit, ReasonSilence},
		{"a brief answer with a spoken close still commits at once", c, at(with(finished, func(in *TurnInput) { in.Ending, in.Voiced = EndClosing, 300*ms }), 500*ms), Commit, ReasonSilence},
		{"a short follow-up answer (forty percent) commits at 0.8 s", c, at(with(finished, func(in *TurnInput) { in.Story, in.Voiced = StoryNone, 700*ms }), 800*ms), Commit, ReasonSilence},
		{"an answer that is not a story does not wait for a result", c, at(with(finished, func(in *TurnInput) { in.Story = StoryNone }), 800*ms), Commit, ReasonSilence},
		{"a 5 s pause between sentences of a story without its result is waited out", c, at(with(finished, func(in *TurnInput) { in.Story = StoryOpen }), 5*s), Wait, ""},
		{"a story without a result is committed after the story wait", c, at(with(finished, func(in *TurnInput) { in.Story = StoryOpen }), 6*s), Commit, ReasonSilence},
		{"a 3 s pause after so um is waited out", c, at(with(finished, ending(EndFiller)), 3*s), Wait, ""},
		{"a 5 s pause after a connective is waited out even with the result said", c, at(with(finished, ending(EndConnective)), 5*s), Wait, ""},
		{"a 5 s pause after let me think is waited out", c, at(with(finished, ending(EndThinking)), 5*s), Wait, ""},
		{"a 5 s pause in a list in progress is waited out", c, at(with(finished, ending(EndList)), 5*s), Wait, ""},
		{"a 5 s pause after a dangling clause is waited out", c, at(with(finished, ending(EndDangling)), 5*s), Wait, ""},
		{"a 5 s pause after a connective said at the bottom of the range is waited out", c, at(with(finished, func(in *TurnInput) { in.Ending, in.PitchLevel, in.PitchKnown = EndConnective, 0.1, true }), 5*s), Wait, ""},
		{"unfinished words said at the bottom of the range are committed after the held wait", c, at(with(finished, func(in *TurnInput) { in.Ending, in.PitchLevel, in.PitchKnown = EndDangling, 0.1, true }), 6*s), Commit, ReasonSilence},
		{"unfinished words said mid-range still hold past the held wait", c, at(with(finished, func(in *TurnInput) { in.Ending, in.PitchLevel, in.PitchKnown = EndDangling, 0.6, true }), 7*s), Wait, ""},
		{"let me think said at the bottom of the range still holds past the held wait", c, at(with(finished, func(in *TurnInput) { in.Ending, in.PitchLevel, in.PitchKnown = EndThinking, 0.1, true }), 7*s), Wait, ""},
		{"unfinished words with no pitch range still hold past the held wait", c, at(with(finished, func(in *TurnInput) { in.Ending, in.PitchLevel = EndFiller, 0.1 }), 7*s), Wait, ""},
		{"a long thinking pause gets one gentle nudge", c, at(with(finished, ending(EndConnective)), 8*s), Nudge, ""},
		{"after the nudge the floor stays with the candidate", c, at(with(finished, func(in *TurnInput) { in.Ending, in.Nudged = EndFiller, true }), 12*s), Wait, ""},
		{"a thinking pause past the hold maximum is committed", c, at(with(finished, func(in *TurnInput) { in.Ending, in.Nudged = EndThinking, true }), 20*s), Commit, ReasonSilence},
		{"a spoken close commits after half a second", c, at(with(finished, func(in *TurnInput) { in.Ending, in.Story = EndClosing, StoryOpen }), 500*ms), Commit, ReasonSilence},
		{"words still being transcribed are not judged", c, at(with(finished, func(in *TurnInput) { in.Final = false }), 3*s), Wait, ""},
		{"an open utterance is not judged", c, at(with(finished, func(in *TurnInput) { in.Open = true }), 3*s), Wait, ""},
		{"silence alone, with nothing said, never ends the turn", c, at(TurnInput{Final: true}, time.Minute), Wait, ""},
		{"the timebox ends the turn even mid-sentence", c, with(finished, func(in *TurnInput) { in.Open, in.Elapsed, in.MaxAnswer = true, 3*time.Minute, 3*time.Minute }), Commit, ReasonMaxTime},
		{"the timebox ends a silent turn", c, TurnInput{Elapsed: 2 * time.Minute, MaxAnswer: 2 * time.Minute}, Commit, ReasonMaxTime},
		{"the baseline commits on 2.5 s of silence whatever the words", TurnConfig{Policy: PolicySilence, TurnCommit: 2500 * ms, ThinkingExtra: 2500 * ms}, at(with(finished, func(in *TurnInput) { in.Text = "we shipped it" }), 2500*ms), Commit, ReasonSilence},
		{"the baseline gives a trailing um the thinking extra", TurnConfig{Policy: PolicySilence, TurnCommit: 2500 * ms, ThinkingExtra: 2500 * ms}, at(with(finished, func(in *TurnInput) { in.Text = "so um" }), 4*s), Wait, ""},
		{"the baseline cuts in at 2.5 s when the filler was not transcribed", TurnConfig{Policy: PolicySilence, TurnCommit: 2500 * ms, ThinkingExtra: 2500 * ms}, at(with(finished, func(in *TurnInput) { in.Text = "the hardest part was" }), 2600*ms), Commit, ReasonSilence},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tt.cfg, tt.in)
			if d.Verdict != tt.want || d.Reason != tt.reason {
				t.Fatalf("Decide = %+v, want verdict %v reason %q", d, tt.want, tt.reason)
			}
		})
	}
}

func TestListenerInterviewPolicy(t *testing.T) {
	t.Parallel()
	t.Run("a finished follow-up answer is committed about 0.8 s after its last voiced frame, by the listener's clock", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, ListenerConfig{STT: &fakeSTT{name: "fake", texts: []string{"we measured it with the p99 latency dashboard"}}})
		h.send(Control{Kind: Reset, NoStory: true})
		h.feed(h.quiet(500 * time.Millisecond))
		// Eight words: two seconds of syllables, over BriefVoice.
		h.feed(h.speech(2 * time.Second))
		// The harness feeds faster than real time: let the transcript in
		// as it would be in the 0.3 s before the commit.
		h.feed(h.quiet(600 * time.Millisecond))
		h.waitFor(Utterance, nil)
		h.feed(h.quiet(1400 * time.Millisecond))
		end := h.waitFor(TurnEnd, nil)
		if end.Reason != ReasonSilence || end.SpeechEnd.IsZero() {
			t.Fatalf("turn end %q, speech end %v", end.Reason, end.SpeechEnd)
		}
		// The last voiced frame is stamped when it arrives and the VAD's
		// hangover can end a frame either side of it: 0.8 s give or take
		// one 20 ms frame.
		wait := end.Decided.Sub(end.SpeechEnd)
		if wait < 800*time.Millisecond-FrameDur || wait > time.Second {
			t.Fatalf("speech end -> commit %v, want 0.8-1.0 s (less one frame)", wait)
		}
		if end.Transcribed.Before(end.Decided) {
			t.Fatalf("transcribed %v before the decision %v", end.Transcribed, end.Decided)
		}
	})

	t.Run("a 5 s pause after 'so um' is waited out and a spoken close then commits at once", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, ListenerConfig{STT: &fakeSTT{name: "fake", texts: []string{"the hard part was the data migration so um", "we moved all of it in a weekend and that's it"}}})
		h.send(Control{Kind: Reset, NoStory: true})
		h.feed(h.speech(time.Second))
		h.feed(h.quiet(5 * time.Second))
		h.stillOpen("cut in during a thinking pause")
		h.feed(h.speech(time.Second))
		h.feed(h.quiet(600 * time.Millisecond))
		h.waitFor(Utterance, func(ev Event) bool { return ev.Text != "the hard part was the data migration so um" })
		h.feed(h.quiet(900 * time.Millisecond))
		end := h.waitFor(TurnEnd, nil)
		if want := "the hard part was the data migration so um we moved all of it in a weekend and that's it"; end.Text != want {
			t.Fatalf("turn %q", end.Text)
		}
		if wait := end.Decided.Sub(end.SpeechEnd); wait > 800*time.Millisecond {
			t.Fatalf("a spoken close waited %v", wait)
		}
	})

	// A voice that ranged over 100-200 Hz, then ended its sentence
	// either held up at 180 Hz (an "and" or an "um" the recogniser did
	// not hear) or fallen to 100 Hz.
	voiced := func(h *harness, end []int16) []int16 {
		pcm := append(glide(100, 200, 0.3, 0.3, time.Second), glide(200, 100, 0.3, 0.3, time.Second)...)
		// Syllables: 200 ms of voice, 100 ms of quiet, as the VAD expects.
		for i := range pcm {
			if i%durSamples(300*time.Millisecond) >= durSamples(200*time.Millisecond) {
				pcm[i] = 0
			}
		}
		pcm = append(h.quiet(500*time.Millisecond), append(pcm, end...)...)
		return add(pcm, h.quiet(samplesDur(len(pcm))))
	}
	for _, tc := range []struct {
		name     string
		end      []int16
		min, max time.Duration // speech end -> commit
	}{
		{"a sentence that ends with the voice held up is waited out for 5 s, then committed", glide(180, 180, 0.3, 0.3, 600*time.Millisecond), 6*time.Second - FrameDur, 6500 * time.Millisecond},
		{"the same sentence ending with the voice fallen to the bottom of its range commits at 0.8 s", glide(130, 95, 0.3, 0.2, 600*time.Millisecond), 800*time.Millisecond - FrameDur, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, ListenerConfig{STT: &fakeSTT{name: "fake", texts: []string{"we looked at the caching layer"}}})
			h.send(Control{Kind: Reset, NoStory: true})
			h.feed(voiced(h, tc.end))
			// The harness feeds faster than real time: let the transcript
			// in before the pause goes on, as it would be in real time.
			h.feed(h.quiet(600 * time.Millisecond))
			h.waitFor(Utterance, nil)
			// Stop just before the least wait, then go past the most.
			h.feed(h.quiet(tc.min - 600*time.Millisecond - 2*FrameDur))
			h.stillOpen(fmt.Sprintf("committed before %v", tc.min))
			h.feed(h.quiet(tc.max - tc.min + 600*time.Millisecond))
			end := h.waitFor(TurnEnd, nil)
			if wait := end.Decided.Sub(end.SpeechEnd); end.Reason != ReasonSilence || wait < tc.min || wait > tc.max {
				t.Fatalf("turn end %q after %v, want silence after %v-%v", end.Reason, wait, tc.min, tc.max)
			}
		})
	}

	t.Run("a design answer that has not yet given what its stage asks for is not cut between sentences", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, ListenerConfig{STT: &fakeSTT{name: "fake", texts: []string{"okay I want to pin down the scope.", "it must deliver at least once."}}})
		covered := func(text string) bool { return strings.Contains(text, "must") }
		h.send(Control{Kind: Reset, NoStory: true, Expect: covered})
		h.feed(h.speech(time.Second))
		h.feed(h.quiet(600 * time.Millisecond))
		h.waitFor(Utterance, nil)
		h.feed(h.quiet(4400 * time.Millisecond))
		h.stillOpen("cut in before the stage was covered")
		h.feed(h.speech(time.Second))
		h.feed(h.quiet(600 * time.Millisecond))
		h.waitFor(Utterance, func(ev Event) bool { return ev.Text == "it must deliver at least once." })
		h.feed(h.quiet(900 * time.Millisecond))
		end := h.waitFor(TurnEnd, nil)
		if wait := end.Decided.Sub(end.SpeechEnd); wait > time.Second {
			t.Fatalf("a covered stage waited %v", wait)
		}
	})

	t.Run("a story without its result yet is not cut between sentences", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, ListenerConfig{STT: &fakeSTT{name: "fake", texts: []string{"I was the tech lead on the payments team when our biggest merchant asked for Apple Pay by Friday."}}})
		h.send(Control{Kind: Reset})
		h.feed(h.speech(3 * time.Second))
		h.feed(h.quiet(5 * time.Second))
		h.stillOpen("cut in between sentences of a story")
		h.feed(h.quiet(1500 * time.Millisecond))
		if end := h.waitFor(TurnEnd, nil); end.Reason != ReasonSilence {
			t.Fatalf("reason %q", end.Reason)
		}
	})

	t.Run("a long pause after a connective gets one 'Take your time' and the turn stays open", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, ListenerConfig{STT: &fakeSTT{name: "fake", texts: []string{"we had two options and"}}})
		h.send(Control{Kind: Reset, NoStory: true})
		h.feed(h.speech(time.Second))
		h.feed(h.quiet(10 * time.Second))
		hold := h.waitFor(Hold, nil)
		if hold.Text != holdText {
			t.Fatalf("hold %q", hold.Text)
		}
		h.feed(h.quiet(5 * time.Second))
		h.barrier()
		if n, m := h.count(Hold), h.count(TurnEnd); n != 1 || m != 0 {
			t.Fatalf("%d holds and %d turn ends in a 15 s pause: %s", n, m, summary(h.seen))
		}
		h.feed(h.quiet(6 * time.Second))
		if end := h.waitFor(TurnEnd, nil); end.Reason != ReasonSilence {
			t.Fatalf("reason %q", end.Reason)
		}
	})

	t.Run("done still commits at once in a thinking pause", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, ListenerConfig{STT: &fakeSTT{name: "fake", texts: []string{"let me think"}}})
		h.feed(h.speech(time.Second))
		h.feed(h.quiet(time.Second))
		h.waitFor(Utterance, nil)
		h.send(Control{Kind: Done})
		if end := h.waitFor(TurnEnd, nil); end.Reason != ReasonDone {
			t.Fatalf("reason %q", end.Reason)
		}
	})
}
