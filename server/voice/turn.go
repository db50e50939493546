package voice

import (
	"strings"
	"time"
	"unicode"
)

// TurnConfig sets how patient the Listener is. Zero fields take the
// defaults of DefaultTurnConfig (a zero MaxAnswer means no cap). Interviews need more
// patience than assistants: candidates pause to think, and the most common
// complaint about AI interviewers is that they jump in during those pauses
// (VOICE-NOTES.md, "Turn-taking").
type TurnConfig struct {
	// UtteranceEnd of silence ends an utterance: its transcript is
	// finalised and sent as an Utterance event.
	UtteranceEnd time.Duration
	// TurnCommit of silence, with at least one non-empty utterance in the
	// turn, ends the candidate's turn (TurnEnd, reason silence).
	TurnCommit time.Duration
	// ThinkingExtra is added to TurnCommit when the last words heard end
	// on a filler, a thinking phrase ("let me think", "give me a second")
	// or a word that cannot end a sentence ("and", "because").
	ThinkingExtra time.Duration
	// MaxAnswer caps a turn (reason max_time); zero means no cap. A Reset
	// control sets it per turn from the round's timebox.
	MaxAnswer time.Duration
	// LeadIn of audio before detected speech is kept and transcribed, so
	// soft word onsets the VAD needs a few frames to trust are not cut.
	LeadIn time.Duration
}

// DefaultTurnConfig returns interview-tuned defaults.
func DefaultTurnConfig() TurnConfig {
	return TurnConfig{
		// Pipecat's VAD stop_secs is 0.8 s; LiveKit's Silero
		// min_silence_duration is 0.55 s and OpenAI's server_vad 500 ms.
		// We take the patient end: it only finalises text, it never
		// takes the floor.
		UtteranceEnd: 800 * time.Millisecond,
		// Pipecat's smart-turn falls back to 3 s and LiveKit's endpointing
		// delay runs 0.5-3 s; 2.5 s lets a candidate breathe and think
		// between points without a dead wait after a finished answer.
		TurnCommit: 2500 * time.Millisecond,
		// OpenAI semantic_vad at low eagerness waits up to 8 s when the
		// speech sounds unfinished; 2.5 s more (5 s in all) is enough for
		// "hmm, let me think" without stalling the interview.
		ThinkingExtra: 2500 * time.Millisecond,
		// OpenAI prefix_padding_ms is 300, LiveKit keeps 0.5 s.
		LeadIn: 400 * time.Millisecond,
	}
}

func (c TurnConfig) withDefaults() TurnConfig {
	d := DefaultTurnConfig()
	if c.UtteranceEnd <= 0 {
		c.UtteranceEnd = d.UtteranceEnd
	}
	if c.TurnCommit <= 0 {
		c.TurnCommit = d.TurnCommit
	}
	if c.ThinkingExtra <= 0 {
		c.ThinkingExtra = d.ThinkingExtra
	}
	if c.LeadIn <= 0 {
		c.LeadIn = d.LeadIn
	}
	return c
}

// thinkingEndings are word sequences that, at the end of what was said so
// far, mean the candidate is not finished. Fillers are those pocketsphinx's
// dictionary keeps (um, uh, ah, er, hmm) plus common spellings Whisper-like
// engines use; the conjunctions are the cue smart-turn models learn: a
// sentence does not end on "and".
var thinkingEndings = [][]string{
	{"um"}, {"umm"}, {"uh"}, {"uhm"}, {"erm"}, {"er"}, {"ah"}, {"hmm"}, {"hm"}, {"mm"}, {"mhm"},
	{"let", "me", "think"}, {"let", "me", "think", "about", "that"}, {"let", "me", "think", "about", "it"},
	{"let", "me", "see"}, {"let", "me", "recall"}, {"let", "me", "remember"},
	{"give", "me", "a", "second"}, {"give", "me", "a", "sec"}, {"give", "me", "a", "moment"}, {"give", "me", "a", "minute"},
	{"one", "second"}, {"one", "moment"}, {"just", "a", "second"}, {"just", "a", "moment"}, {"hold", "on"},
	{"and"}, {"so"}, {"but"}, {"because"}, {"or"}, {"then"}, {"like"}, {"you", "know"}, {"i", "mean"},
}

// EndsThinking reports whether text ends on a filler, a thinking phrase or
// a dangling conjunction, ignoring case and punctuation.
func EndsThinking(text string) bool {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	})
	for _, end := range thinkingEndings {
		if len(words) < len(end) {
			continue
		}
		tail := words[len(words)-len(end):]
		match := true
		for i := range end {
			if tail[i] != end[i] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
