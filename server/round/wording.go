package round

import (
	"strings"

	"github.com/mockloop/mockloop"
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
