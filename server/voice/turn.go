package voice

import (
	"strings"
	"time"
	"unicode"

	"github.com/mockloop/mockloop/analysis"
)

// TurnConfig sets how patient the Listener is. Zero fields take the
// defaults of DefaultTurnConfig (a zero MaxAnswer means no cap). Interviews need more
// patience than assistants: candidates pause to think, and the most common
// complaint about AI interviewers is that they jump in during those pauses
// (VOICE-NOTES.md, "Turn-taking").
type TurnConfig struct {
	// Policy picks the end-of-turn rule; the zero value is PolicyInterview.
	Policy TurnPolicy
	// UtteranceEnd of silence ends an utterance: its transcript is
	// finalised and sent as an Utterance event. It never takes the floor
	// by itself; it only makes the words final for the turn policy.
	UtteranceEnd time.Duration
	// FinishedWait is the silence after which a finished answer is
	// committed: the words end a sentence, the story has its result (or
	// the turn is not a story) and the voice did not rise at the end.
	FinishedWait time.Duration
	// ClosingWait is the silence after a spoken close ("that's it", "I'm
	// done").
	ClosingWait time.Duration
	// TurnCommit is the silence after which a turn whose ending gives no
	// clear signal is committed (words end a sentence but the voice rose,
	// or there are no words to read). PolicySilence commits on it alone.
	TurnCommit time.Duration
	// StoryWait is the silence after a finished sentence in a story that
	// has not stated a result yet: candidates pause between parts of a
	// story, and a 2-5 s pause there is thinking, not the end.
	StoryWait time.Duration
	// HeldWait is the silence after a finished sentence that ended with
	// the voice held up in the speaker's range (TurnInput.PitchLevel at
	// HeldLevel or above): the way people pause after an "and" or an
	// "um" the recogniser may not have heard.
	HeldWait time.Duration
	// HeldLevel is where in the speaker's pitch range (0 bottom, 1 top)
	// an ending counts as held up.
	HeldLevel float64
	// FallHeldLevel is the HeldLevel of an ending whose voice fell over
	// its last half second.
	FallHeldLevel float64
	// RestLevel is where in the range a voice has come to rest: unfinished
	// words ending below it wait HeldWait, not HoldMax.
	RestLevel float64
	// BriefVoice: a turn with less voiced speech than this is too little
	// to read. One or two misheard words ("but um" heard as "not") look
	// like a finished sentence with no pitch range to place them in, so
	// such a turn waits HeldWait; a spoken close still commits at once.
	BriefVoice time.Duration
	// ThinkingExtra is added to TurnCommit by PolicySilence when the last
	// words heard end on a filler, a thinking phrase or a connective.
	ThinkingExtra time.Duration
	// NudgeAfter of silence after unfinished words (a connective, a
	// filler, "let me think", a list in progress, a dangling clause)
	// sends one Hold event ("Take your time"); the turn stays open.
	NudgeAfter time.Duration
	// HoldMax of silence after unfinished words commits the turn anyway:
	// the candidate has lost the thread and the interviewer should help.
	// The timebox (MaxAnswer) still applies first.
	HoldMax time.Duration
	// MaxAnswer caps a turn (reason max_time); zero means no cap. A Reset
	// control sets it per turn from the round's timebox.
	MaxAnswer time.Duration
	// LeadIn of audio before detected speech is kept and transcribed, so
	// soft word onsets the VAD needs a few frames to trust are not cut.
	LeadIn time.Duration
}

// TurnPolicy names an end-of-turn rule.
type TurnPolicy int

const (
	// PolicyInterview reads several signals: how the words end, whether
	// the story has its result, the prosody of the last half second and
	// the silence so far.
	PolicyInterview TurnPolicy = iota
	// PolicySilence is the rule before it, kept as the benchmark's
	// baseline: TurnCommit of silence, plus ThinkingExtra when the words
	// end on a filler or a connective.
	PolicySilence
)

func (p TurnPolicy) String() string {
	if p == PolicySilence {
		return "silence"
	}
	return "interview"
}

// DefaultTurnConfig returns interview-tuned defaults.
func DefaultTurnConfig() TurnConfig {
	return TurnConfig{
		// Pipecat's VAD stop_secs is 0.8 s; LiveKit's Silero
		// min_silence_duration is 0.55 s and OpenAI's server_vad 500 ms.
		// It only makes text final, so the quick end is safe and leaves
		// the transcript ready before FinishedWait.
		UtteranceEnd: 500 * time.Millisecond,
		// Human turn gaps are about 200 ms; assistants answer a finished
		// request in 0.5-1 s (LiveKit's detector waits 543 ms, Pipecat's
		// Smart Turn 1,051 ms at a 5% cut-in rate). 800 ms of silence
		// after a finished answer reads as attentive, not abrupt.
		FinishedWait: 800 * time.Millisecond,
		ClosingWait:  500 * time.Millisecond,
		// Pipecat's smart-turn falls back to 3 s and LiveKit's endpointing
		// delay runs 0.5-3 s; 2.5 s when the signals disagree.
		TurnCommit: 2500 * time.Millisecond,
		// Thinking pauses between parts of a story run 2-5 s in our own
		// benchmark; waiting 6 s for the result still ends a story that
		// has none with a prompt for it.
		StoryWait: 6 * time.Second,
		// On the bench's human clips, finished answers came to rest at the
		// 4th-17th percentile of the speaker's pitch (two at the 82nd and
		// 97th), pauses after "and", "um" or "a" at the 50th-85th.
		// Thinking pauses there run to 5 s: wait as long as for a story.
		HeldWait:  6 * time.Second,
		HeldLevel: 0.35,
		// On the bench, falling ends of finished answers came to rest as
		// high as the 48th percentile; falling pauses no higher than the
		// 30th. Level and rising pauses held from the 35th.
		FallHeldLevel: 0.6,
		RestLevel:     0.2,
		// A human "but um" heard as "not" was 0.26-0.32 s of voice on the
		// bench; "forty percent" is over half a second, "yes" is not.
		BriefVoice: 500 * time.Millisecond,
		// OpenAI semantic_vad at low eagerness waits up to 8 s when the
		// speech sounds unfinished.
		ThinkingExtra: 2500 * time.Millisecond,
		NudgeAfter:    8 * time.Second,
		HoldMax:       20 * time.Second,
		// OpenAI prefix_padding_ms is 300, LiveKit keeps 0.5 s.
		LeadIn: 400 * time.Millisecond,
	}
}

func (c TurnConfig) withDefaults() TurnConfig {
	d := DefaultTurnConfig()
	set := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&c.UtteranceEnd, d.UtteranceEnd)
	set(&c.FinishedWait, d.FinishedWait)
	set(&c.ClosingWait, d.ClosingWait)
	set(&c.TurnCommit, d.TurnCommit)
	set(&c.StoryWait, d.StoryWait)
	set(&c.HeldWait, d.HeldWait)
	set(&c.BriefVoice, d.BriefVoice)
	setLevel := func(v *float64, def float64) {
		if *v <= 0 {
			*v = def
		}
	}
	setLevel(&c.HeldLevel, d.HeldLevel)
	setLevel(&c.FallHeldLevel, d.FallHeldLevel)
	setLevel(&c.RestLevel, d.RestLevel)
	set(&c.ThinkingExtra, d.ThinkingExtra)
	set(&c.NudgeAfter, d.NudgeAfter)
	set(&c.HoldMax, d.HoldMax)
	set(&c.LeadIn, d.LeadIn)
	return c
}

// Story says where an answer's story is.
type Story int

const (
	// StoryNone: the turn is not a story (system design, a follow-up) or
	// there is nothing to judge yet.
	StoryNone Story = iota
	// StoryOpen: a story without a result so far.
	StoryOpen
	// StoryResult: the story has stated its result.
	StoryResult
)

// TurnInput is everything the turn policy looks at, at one instant.
type TurnInput struct {
	// Elapsed is the turn's length so far; MaxAnswer its cap (0: none).
	Elapsed, MaxAnswer time.Duration
	// Spoke: the turn has at least one non-empty utterance.
	Spoke bool
	// Open: an utterance is open (the candidate is talking or has just
	// stopped).
	Open bool
	// Final: every utterance of the turn has its final transcript.
	Final bool
	// Silence since the last voiced frame.
	Silence time.Duration
	// Voiced is how much of the turn so far the VAD heard as voice.
	Voiced  time.Duration
	Ending  Ending
	Story   Story
	Prosody Contour
	// PitchLevel is where the voice came to rest in the speaker's pitch
	// range (PitchRange.Level), when PitchKnown.
	PitchLevel float64
	PitchKnown bool
	// Asks: the last utterance opens as a question does ("can I assume",
	// "what if"), so a rise at its end asks for an answer.
	Asks bool
	// Text is the turn's final words, for PolicySilence.
	Text string
	// Nudged: a Hold was already sent in this pause.
	Nudged bool
}

// Verdict is what the turn policy says to do now.
type Verdict int

const (
	Wait   Verdict = iota // keep listening
	Commit                // the turn is over (Decision.Reason)
	Nudge                 // say "Take your time" once, keep listening
)

// Decision is the turn policy's answer; Why is for logs and tests.
type Decision struct {
	Verdict Verdict
	Reason  string
	Why     string
}

// Decide is the end-of-turn rule: a pure function of its inputs, with
// time passed in as durations. Controls ("I'm done", mute) and peer loss
// are handled by the Listener before it asks.
func Decide(c TurnConfig, in TurnInput) Decision {
	if in.MaxAnswer > 0 && in.Elapsed >= in.MaxAnswer {
		return Decision{Verdict: Commit, Reason: ReasonMaxTime, Why: "the timebox is over"}
	}
	if !in.Spoke || in.Open || !in.Final {
		return Decision{Why: "no final words to judge"}
	}
	if c.Policy == PolicySilence {
		wait := c.TurnCommit
		if EndsThinking(in.Text) {
			wait += c.ThinkingExtra
		}
		if in.Silence >= wait {
			return Decision{Verdict: Commit, Reason: ReasonSilence, Why: "silence"}
		}
		return Decision{Why: "silence too short"}
	}
	wait, why := interviewWait(c, in)
	switch {
	case in.Silence >= wait:
		return Decision{Verdict: Commit, Reason: ReasonSilence, Why: why}
	case in.Ending.Unfinished() && in.Silence >= c.NudgeAfter && !in.Nudged:
		return Decision{Verdict: Nudge, Why: why}
	}
	return Decision{Why: why}
}

// interviewWait is how much silence the interview policy wants before it
// takes the floor, and why.
func interviewWait(c TurnConfig, in TurnInput) (time.Duration, string) {
	// held: the voice came to rest mid-range or higher. A rise that still
	// ends low in the range (an uptick on the last syllable) neither asks
	// nor holds, so it reads as a finished sentence.
	heldAt := c.HeldLevel
	if in.Prosody == ContourFalling {
		// A fall is the turn-yielding contour: only a fall that still ends
		// high in the range holds the floor.
		heldAt = max(heldAt, c.FallHeldLevel)
	}
	held := in.PitchKnown && c.HeldLevel > 0 && in.PitchLevel >= heldAt
	switch {
	case in.Ending == EndClosing:
		return c.ClosingWait, "a spoken close"
	case in.Ending.misheardEasily() && in.PitchKnown && in.PitchLevel < c.RestLevel:
		// The last word promises more but the voice came to rest at the
		// bottom of its range, as finished sentences do: most likely the
		// recogniser misheard it ("…to do for" for "…for them"). Wait out
		// a thinking pause, not the hold maximum.
		return min(c.HoldMax, c.HeldWait), "unfinished words, but the voice came to rest: " + in.Ending.String()
	case in.Ending.Unfinished():
		return c.HoldMax, "unfinished words: " + in.Ending.String()
	case in.Ending != EndComplete:
		return c.TurnCommit, "no words to read"
	case in.Voiced < c.BriefVoice:
		return c.HeldWait, "too little said to read"
	case in.Prosody == ContourRising && !in.Asks && held:
		// A rise that is not a question is a continuation rise: "and…".
		return c.HeldWait, "the voice rose mid-range, and not on a question"
	case in.Prosody == ContourRising && (in.Asks || !in.PitchKnown):
		return c.TurnCommit, "a sentence end, but the voice rose"
	case in.Story == StoryOpen:
		return c.StoryWait, "a story without its result yet"
	case held:
		return c.HeldWait, "a sentence end, but the voice stayed up"
	}
	return c.FinishedWait, "a finished answer"
}

// Ending is how the words so far end.
type Ending int

const (
	EndNone       Ending = iota // no words
	EndComplete                 // a sentence could end here
	EndClosing                  // "that's it", "I'm done"
	EndConnective               // "and", "so", "because"
	EndFiller                   // "um", "uh", "you know"
	EndThinking                 // "let me think", "give me a second"
	EndList                     // "first …" with no second item yet
	EndDangling                 // a clause that needs more: "the", "to", "was"
)

func (e Ending) String() string {
	switch e {
	case EndComplete:
		return "complete"
	case EndClosing:
		return "closing"
	case EndConnective:
		return "connective"
	case EndFiller:
		return "filler"
	case EndThinking:
		return "thinking"
	case EndList:
		return "list in progress"
	case EndDangling:
		return "dangling clause"
	}
	return "none"
}

// Unfinished reports endings that promise more words.
func (e Ending) Unfinished() bool { return e >= EndConnective }

// misheardEasily reports unfinished endings that rest on one short word
// a recogniser inserts or mishears ("and", "um", "the"); "let me think"
// and a list opener are said on purpose.
func (e Ending) misheardEasily() bool {
	return e == EndConnective || e == EndFiller || e == EndDangling
}

// Word lists for ClassifyEnding. Filled pauses (um, uh, hmm…) are the
// analyzer's (analysis.IsFilledPause); these are the filler phrases; the
// connectives are the cue smart-turn models learn: a sentence does not
// end on "and".
var (
	fillerEndings = [][]string{
		{"like"}, {"you", "know"}, {"i", "mean"}, {"kind", "of"}, {"sort", "of"},
	}
	thinkingEndings = [][]string{
		{"let", "me", "think"}, {"let", "me", "think", "about", "that"}, {"let", "me", "think", "about", "it"},
		{"let", "me", "see"}, {"let", "me", "recall"}, {"let", "me", "remember"},
		{"give", "me", "a", "second"}, {"give", "me", "a", "sec"}, {"give", "me", "a", "moment"}, {"give", "me", "a", "minute"},
		{"one", "second"}, {"one", "moment"}, {"just", "a", "second"}, {"just", "a", "moment"}, {"hold", "on"},
		{"how", "do", "i", "put", "this"}, {"where", "was", "i"}, {"what", "else"},
	}
	connectiveEndings = [][]string{
		{"and"}, {"so"}, {"but"}, {"because"}, {"or"}, {"then"}, {"and", "then"}, {"also"},
		{"which"}, {"while"}, {"although"}, {"though"}, {"since"}, {"after"}, {"before"}, {"until"}, {"unless"},
		{"so", "that"}, {"such", "as"}, {"for", "example"}, {"for", "instance"}, {"plus"},
	}
	// Words a sentence cannot end on: articles, prepositions, auxiliaries,
	// subject pronouns, possessives.
	danglingEndings = [][]string{
		{"the"}, {"a"}, {"an"}, {"to"}, {"of"}, {"for"}, {"with"}, {"from"}, {"into"}, {"at"}, {"by"}, {"in"}, {"on"},
		{"was"}, {"were"}, {"is"}, {"are"}, {"had"}, {"have"}, {"has"}, {"would"}, {"will"}, {"could"}, {"should"}, {"can"},
		{"i"}, {"we"}, {"they"}, {"my"}, {"our"}, {"their"}, {"your"}, {"its"}, {"if"}, {"when"}, {"whether"}, {"than"}, {"very"},
		{"who"}, {"whose"}, {"where"}, {"that", "the"},
	}
	closingEndings = [][]string{
		{"that's", "it"}, {"that's", "all"}, {"that", "is", "it"}, {"that", "is", "all"}, {"i'm", "done"}, {"i", "am", "done"},
		{"that's", "my", "answer"}, {"that's", "about", "it"}, {"that's", "everything"}, {"that's", "the", "story"},
	}
	// Words that open a list, and those that carry one on.
	listOpeners = map[string]bool{"first": true, "firstly": true}
	// A list's "first" opens a clause ("so first we…", "the first thing",
	// "…problems. First the cache…"); after a verb or a noun, with no
	// clause after it, it is an adverb ("let me ask a few things first",
	// "at first") and opens nothing. Spoken text has no commas to tell.
	listSubjects = map[string]bool{
		"we": true, "i": true, "you": true, "they": true, "the": true, "let's": true, "of": true, "off": true, "step": true, "thing": true,
	}
	listLeads = map[string]bool{
		"so": true, "and": true, "then": true, "but": true, "okay": true, "ok": true, "well": true, "right": true,
		"alright": true, "now": true, "sure": true, "yeah": true, "yes": true, "the": true, "my": true, "our": true, "very": true,
	}
	listFollows = map[string]bool{
		"second": true, "secondly": true, "then": true, "next": true, "finally": true, "lastly": true,
		"third": true, "thirdly": true, "after": true, "also": true, "another": true, "last": true,
	}
)

// listWindow is how many final words a list opener stays "in progress"
// for when nothing follows it: a long stretch after "first" without a
// "then" is a story that moved on, not a list.
const listWindow = 30

// ClassifyEnding says how text ends, ignoring case and punctuation.
func ClassifyEnding(text string) Ending {
	words := endingWords(text)
	if len(words) == 0 {
		return EndNone
	}
	switch {
	case endsWithAny(words, thinkingEndings):
		return EndThinking
	case endsWithAny(words, closingEndings):
		return EndClosing
	case analysis.IsFilledPause(words[len(words)-1]), endsWithAny(words, fillerEndings):
		return EndFiller
	case endsWithAny(words, connectiveEndings):
		return EndConnective
	case endsWithAny(words, danglingEndings):
		return EndDangling
	case listOpen(words):
		return EndList
	}
	return EndComplete
}

// listOpen reports a list opened ("first", "there were three things")
// in the last listWindow words with no later word carrying it on.
func listOpen(words []string) bool {
	from := max(0, len(words)-listWindow)
	open := false
	for i := from; i < len(words); i++ {
		w := words[i]
		switch {
		case listOpeners[w] && opensList(words, i):
			open = true
		case (w == "things" || w == "steps" || w == "reasons" || w == "parts") && i > 0 && countWord(words[i-1]):
			open = true
		case open && listFollows[w]:
			open = false
		}
	}
	return open
}

// opensList reports whether the list opener at words[i] starts a clause.
func opensList(words []string, i int) bool {
	switch {
	case i == 0:
		return true
	case words[i-1] == "at": // "at first": once, not a list
		return false
	case listLeads[words[i-1]], analysis.IsFilledPause(words[i-1]):
		return true
	}
	return i+1 < len(words) && listSubjects[words[i+1]]
}

func countWord(w string) bool {
	switch w {
	case "two", "three", "four", "few", "couple", "several":
		return true
	}
	return false
}

func endingWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(strings.ReplaceAll(text, "’", "'")), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	})
}

func endsWithAny(words []string, ends [][]string) bool {
	for _, end := range ends {
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

// questionOpeners are the words an English question starts with: an
// auxiliary inverted before its subject, or a wh-word.
var questionOpeners = map[string]bool{
	"can": true, "could": true, "should": true, "would": true, "will": true, "shall": true, "may": true,
	"is": true, "are": true, "am": true, "was": true, "were": true, "do": true, "does": true, "did": true,
	"have": true, "has": true, "what": true, "how": true, "why": true, "where": true, "when": true,
	"which": true, "who": true, "whose": true, "whom": true,
}

// AsksQuestion reports whether an utterance opens as a question, after
// any fillers and "so" or "and"; recognisers give no question marks.
func AsksQuestion(utterance string) bool {
	for _, w := range endingWords(utterance) {
		switch {
		case analysis.IsFilledPause(w), w == "so", w == "and", w == "okay", w == "ok", w == "um", w == "sorry":
			continue
		}
		return questionOpeners[w]
	}
	return false
}

// baselineThinking is PolicySilence's list, as it was before the
// interview policy, so the benchmark's baseline stays the old rule.
var baselineThinking = [][]string{
	{"let", "me", "think"}, {"let", "me", "think", "about", "that"}, {"let", "me", "think", "about", "it"},
	{"let", "me", "see"}, {"let", "me", "recall"}, {"let", "me", "remember"},
	{"give", "me", "a", "second"}, {"give", "me", "a", "sec"}, {"give", "me", "a", "moment"}, {"give", "me", "a", "minute"},
	{"one", "second"}, {"one", "moment"}, {"just", "a", "second"}, {"just", "a", "moment"}, {"hold", "on"},
	{"and"}, {"so"}, {"but"}, {"because"}, {"or"}, {"then"}, {"like"}, {"you", "know"}, {"i", "mean"},
}

// EndsThinking reports whether text ends on a filler, a thinking phrase or
// a dangling conjunction: the cue PolicySilence adds ThinkingExtra for.
func EndsThinking(text string) bool {
	words := endingWords(text)
	return len(words) > 0 && analysis.IsFilledPause(words[len(words)-1]) || endsWithAny(words, baselineThinking)
}
