package analysis

// Metrics are the signals that are not faults: what the live meters, the
// scorecard and the trends are drawn from.
type Metrics struct {
	Words       int     `json:"words"`
	DurationSec float64 `json:"duration_sec"` // 0 without timings
	HasTimings  bool    `json:"has_timings"`

	// TranscriptConfidence is the mean recognizer confidence over the
	// words, 1 when no word carried one (typed text, or an engine without
	// confidences).
	TranscriptConfidence float64 `json:"transcript_confidence"`

	WPM        float64   `json:"wpm"`         // 0 without timings
	WPMWindows []float64 `json:"wpm_windows"` // words per minute per 30 s window

	Fillers       int     `json:"fillers"`
	FillerRate    float64 `json:"filler_rate"`     // fillers / words
	FillersPerMin float64 `json:"fillers_per_min"` // 0 without timings
	// FillerSpans places every counted filler: their words add up to
	// Fillers.
	FillerSpans []Span `json:"filler_spans,omitempty"`
	Hedges      int    `json:"hedges"`

	PausesOver1s int     `json:"pauses_over_1s"`
	PausesOver3s int     `json:"pauses_over_3s"`
	LongestPause float64 `json:"longest_pause_sec"`
	Pauses       []Span  `json:"pauses,omitempty"` // each pause over 1 s

	// I and We are the ownership counts the weak_ownership finding
	// quotes, counted by clause: I the clauses whose work the speaker
	// does ("I rewrote the checks"), We those where it is done by "we",
	// the team, the passive ("the fix was pushed") or hidden behind a
	// helper verb ("I helped get it out"). Hypotheticals and lessons do
	// not count. Ownership places each counted clause, in order.
	I         int     `json:"i_count"`
	We        int     `json:"we_count"`
	Ownership []Owned `json:"ownership,omitempty"`
	// IAll and WeAll count the pronouns "I" and "we" over the whole
	// answer; they judge scope, not ownership, and the page does not
	// show them.
	IAll  int `json:"i_all"`
	WeAll int `json:"we_all"`

	Star           []StarPart      `json:"star"`
	MetricMentions []MetricMention `json:"metric_mentions"`
	Principles     []Principle     `json:"principles"`
	// Scope of impact: "self", "team", "multi_team" or "org".
	Scope string `json:"scope"`
}

// Owned is one clause counted for ownership: who did the work, and the
// words from its subject to its verb ("we rolled", "the fix was pushed").
type Owned struct {
	// By is "i" for the speaker, or how the work is hidden: "we" (also
	// "the team"), "passive" or "helper". Every By but "i" counts in We.
	By   string `json:"by"`
	Span Span   `json:"span"`
}

// StarPart is one contiguous stretch of the answer labelled Situation,
// Task, Action or Result.
type StarPart struct {
	Part  string  `json:"part"` // "S", "T", "A", "R"
	Span  Span    `json:"span"`
	Share float64 `json:"share"` // of time when timed, else of words
}

// MetricMention is a quantity the candidate gave.
type MetricMention struct {
	Text  string  `json:"text"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"` // "%", "ms", "s", "x", "$", "users", "" ...
	Span  Span    `json:"span"`
}

// Principle is a Leadership Principle the answer showed through something
// the speaker did.
type Principle struct {
	Name  string  `json:"name"`
	Score float64 `json:"score"` // 0..1
	// Evidence are the clauses that show it, and Quotes their words, in
	// the same order.
	Evidence []Span   `json:"evidence,omitempty"`
	Quotes   []string `json:"quotes,omitempty"`
}
