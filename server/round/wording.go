package round

import (
	"strings"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
)

// The scripted interviewer's stock phrases. Several of each so a round does
// not sound like a recording; pick chooses among them from the seed. They
// are functions so nothing at package level can be changed at run time.

func greetings(kind mockloop.RoundKind) []string {
	switch kind {
	case mockloop.KindSystemDesign:
		return []string{
			"Hi, thanks for joining. Today we'll work through a system design problem together. Think out loud, and ask me anything you'd want to clarify.",
			"Hello, and thanks for your time. We'll spend this session on a system design problem. Talk me through your thinking as you go.",
		}
	case mockloop.KindCoding:
		return []string{
			"Hi, thanks for joining. Today I'd like you to talk me through how you'd solve a coding problem. Think out loud as you go.",
			"Hello, thanks for making the time. We'll work through a coding problem by talking it through, so tell me what you're thinking at each step.",
		}
	case mockloop.KindBarRaiser:
		return []string{
			"Hi, thanks for your time. I'm the Bar Raiser on your loop today, so I'm from outside the hiring team. I'll ask about specific situations and go into the details.",
			"Hello. I'm your Bar Raiser today, from outside the team you'd join. I'll ask about real situations you've been in, and I'll dig into them.",
		}
	case mockloop.KindLoop:
		return []string{
			"Hi, and welcome to your interview loop. We'll go through a behavioral interview, a system design problem, a coding problem, and finally a conversation with the Bar Raiser.",
			"Hello, thanks for coming in. Today's loop has four parts: behavioral questions, system design, coding, and the Bar Raiser at the end.",
		}
	}
	return []string{
		"Hi, thanks for making the time today. I'll ask you about situations you've been in, based on Amazon's Leadership Principles. Please use specific examples and tell me what you personally did.",
		"Hello, and thanks for joining. I'm going to ask about real situations from your past work. Specific examples work best, and I'm most interested in what you did yourself.",
		"Hi, good to meet you. We'll talk through some situations from your experience, tied to the Leadership Principles. Take a moment to think before you answer if you need it.",
	}
}

func (s *State) greeting() string { return s.pick("greeting", greetings(s.st.Config.Kind)) }

func firsts() []string {
	return []string{"Let's start.", "Here's the first one.", "First question.", "Let's get started."}
}

func transitions() []string {
	return []string{
		"Thanks. Let's move on.",
		"Okay, thank you. Next question.",
		"Got it, thanks. Let's talk about something different.",
		"Thanks for that. Moving on.",
		"Great, thank you. Let's switch topics.",
	}
}

func skips() []string {
	return []string{
		"No problem, let's move on.",
		"That's fine, we can leave that one.",
		"Sure, let's try a different one.",
	}
}

// acks come before a follow-up; the empty one lets some probes stand alone.
func acks() []string {
	return []string{"", "Okay. ", "Thanks. ", "Got it. ", "I see. "}
}

func phaseAcks() []string {
	return []string{"Okay, thanks.", "Good.", "Alright.", "Thanks, that helps."}
}

func closings() []string {
	return []string{
		"That's all the questions I have. Thank you for your time today. Your debrief is ready on the review page.",
		"That's the end of the interview. Thanks for talking with me. You'll find the debrief on the review page.",
		"Thanks, that's everything from me. I enjoyed the conversation. The debrief is on the review page.",
	}
}

func endings() []string {
	return []string{
		"Let's stop there. Thank you for your time today. Your debrief is ready on the review page.",
		"We'll wrap up here. Thanks for talking with me. You'll find the debrief on the review page.",
	}
}

// handover is said when a loop moves from one part to the next.
func handover(from, to mockloop.RoundKind) string {
	done := "That's the end of the " + strings.ReplaceAll(string(from), "_", " ") + " part."
	switch to {
	case mockloop.KindSystemDesign:
		return done + " Next, a system design problem."
	case mockloop.KindCoding:
		return done + " Next, let's do a coding problem."
	case mockloop.KindBarRaiser:
		return done + " For the last part you'll talk with the Bar Raiser, who is from outside the hiring team and will dig into a few situations."
	}
	return done + " Next, some behavioral questions."
}

// retries open a follow-up asked again because the answer missed it.
func retries() []string {
	return []string{
		"Let me ask that more directly. ",
		"I don't think I got that part. ",
		"Let me come back to my question. ",
	}
}

// phaseAsks are how the interviewer asks for one phase of a system design
// or coding question, keyed by analysis phase name.
func phaseAsks(r analysis.Round) map[string]string {
	switch r {
	case analysis.SystemDesign:
		return map[string]string{
			"clarify":       "Who uses this, and what is in and out of scope for the first version?",
			"scale":         "What numbers are you designing for: users, requests per second, data size?",
			"requirements":  "What must it do, and what are the non-functional requirements?",
			"high_level":    "What are the main components, and how does one request flow through them?",
			"data_model":    "What does the data model look like, and what are the main API calls?",
			"failures":      "Where is the bottleneck, and what happens when a component fails?",
			"tradeoffs":     "What is the biggest trade-off in this design, and what alternative did you reject?",
			"observability": "How would you know in production that it is healthy?",
		}
	case analysis.Coding:
		return map[string]string{
			"clarify":     "What would you clarify about the input and the expected output?",
			"brute_force": "What is the simplest correct solution, and what does it cost?",
			"optimise":    "How would you improve on that, and what makes it faster?",
			"complexity":  "What are the time and space complexity?",
			"edge_cases":  "Which edge cases would you handle?",
			"walkthrough": "Can you walk me through it on a small example, and say how you would test it?",
		}
	}
	return nil
}

// digInLine is one way to follow up on the candidate's words; %s is the
// quote. phase, when set, is the phase the line asks about, so it is not
// used once that phase is covered.
type digInLine struct{ phase, text string }

// digIns are the follow-ups on a quote, by block and the quote's kind.
func digIns(block mockloop.RoundKind, kind string) []digInLine {
	switch block {
	case mockloop.KindSystemDesign:
		if kind == "component" {
			return []digInLine{
				{"", "You mentioned %s. Walk me through exactly what happens to one request there."},
				{"", "You mentioned %s. Why that, and not something simpler?"},
				{"observability", "You mentioned %s. What does the on-call engineer look at when it misbehaves?"},
				{"failures", "You mentioned %s. What happens when it is slow or down?"},
				{"", "You mentioned %s. What would you build first there, and what could wait?"},
			}
		}
		return []digInLine{
			{"", "You said %s. Why is that the right call for this system?"},
			{"tradeoffs", "You said %s. What did you give up with that choice?"},
			{"", "You said %s. What would make you change that decision later?"},
		}
	case mockloop.KindCoding:
		if kind == "component" {
			return []digInLine{
				{"", "You mentioned %s. Why is that the right structure for this problem?"},
				{"", "You mentioned %s. Show me what it holds after each step of a small input."},
				{"complexity", "You mentioned %s. What does it cost in time and memory?"},
				{"edge_cases", "You mentioned %s. Which input makes it misbehave?"},
			}
		}
		return []digInLine{
			{"", "You said %s. Why does that work? Convince me it is correct."},
			{"", "You said %s. What would change if the input were ten times larger?"},
		}
	}
	switch kind {
	case "result":
		return []digInLine{
			{"", "You said %s. How did you measure that, and over what period?"},
			{"", "You said %s. How did you know it was your work that made the difference?"},
		}
	case "component":
		return []digInLine{
			{"", "You mentioned %s. What was your own part in it, exactly?"},
			{"", "You mentioned %s. Why did it matter to the customer?"},
		}
	}
	return []digInLine{
		{"", "You said %s. Who pushed back, and how did you bring them round?"},
		{"", "You said %s. How did you know it worked?"},
		{"", "You said %s. Why that, and not another option?"},
		{"", "You said %s. What would you do differently now?"},
		{"", "You said %s. What did it cost, and was it worth it?"},
	}
}

// stageFollowUps are general follow-ups for a stage of a design or coding
// question that left nothing missing and nothing quotable, before the last
// stage (which uses the bank's harder questions).
func stageFollowUps(stage string) []string {
	switch stage {
	case analysis.StageRequirements:
		return []string{
			"Which of those needs will be hardest to meet, and why?",
			"If you could keep only one of those for the first version, which would it be?",
		}
	case analysis.StageHighLevel:
		return []string{
			"Which of those components would you build first, and why?",
			"Which part of that design are you least sure about?",
		}
	case analysis.StageClarify:
		return []string{
			"Which of those assumptions matters most for your solution?",
			"If that assumption turned out wrong, what would change in your approach?",
		}
	case analysis.StageApproach:
		return []string{
			"Why that approach over the others you considered?",
			"What is the part of that approach most likely to have a bug?",
		}
	case analysis.StageComplexity:
		return []string{"Which step dominates that cost, and could you avoid it?"}
	}
	return nil
}

// phaseWords are the words that make a line ask for a phase; a line with
// them is not said once the phase is covered.
func phaseWords(r analysis.Round) map[string][]string {
	switch r {
	case analysis.SystemDesign:
		return map[string][]string{
			"clarify":       {"scope", "use case", "clarify"},
			"scale":         {"what scale", "how many", "requests per second", "numbers are you"},
			"requirements":  {"requirement"},
			"high_level":    {"main components", "high-level", "high level"},
			"data_model":    {"data model", "schema", "partition it"},
			"failures":      {"fails", "fail?", "goes down", "is down", "bottleneck", "is lost"},
			"tradeoffs":     {"alternative", "trade-off", "tradeoff"},
			"observability": {"unhealthy", "monitor", "alarm", "healthy", "on-call"},
		}
	case analysis.Coding:
		return map[string][]string{
			"clarify":     {"clarify", "what would you ask"},
			"brute_force": {"simplest", "brute"},
			"optimise":    {"do better", "faster", "improve"},
			"complexity":  {"complexity", "big-o", "what does it cost", "time and space", "time and memory"},
			"edge_cases":  {"edge case", "which inputs would break", "misbehave"},
			"walkthrough": {"walk me through", "small example", "small input", "step by step"},
		}
	}
	return nil
}

// neutralFollowUps are follow-ups that ask for no phase, for when every
// other line would repeat what the question covered.
func neutralFollowUps(block mockloop.RoundKind) []string {
	switch block {
	case mockloop.KindSystemDesign:
		return []string{
			"What would you change first if you had another week on this design?",
			"Which part of this would you most want a second opinion on, and why?",
		}
	case mockloop.KindCoding:
		return []string{
			"What would you change first if you had more time?",
			"Which part of this would you most want a reviewer to look at, and why?",
		}
	}
	return []string{
		"What would you do differently if you did it again?",
		"What was the hardest part of that, and how did you get through it?",
	}
}
