package openaicompat

import (
	"regexp"
	"strings"
)

// speechCleaner turns streamed LLM output into text a TTS can speak: no
// markdown, no stage directions, no "Interviewer:" prefix. It works
// incrementally: Push returns only text that later chunks cannot change,
// holding back the current word and any open bracket or emphasis span, so
// emit never sends markup.
type speechCleaner struct {
	raw       strings.Builder // everything pushed
	cut       int             // raw bytes already cleaned
	lineStart bool            // the next segment starts a line of output
	emitted   bool            // some text has been emitted
}

func newSpeechCleaner() *speechCleaner { return &speechCleaner{lineStart: true} }

// Push adds a chunk and returns the newly speakable text (possibly "").
func (c *speechCleaner) Push(chunk string) string {
	c.raw.WriteString(chunk)
	s := c.raw.String()
	safe := safeCut(s, c.cut)
	if safe <= c.cut {
		return ""
	}
	out := c.clean(s[c.cut:safe])
	c.cut = safe
	return out
}

// Flush cleans whatever is held back, at the end of the stream.
func (c *speechCleaner) Flush() string {
	s := c.raw.String()
	if c.cut >= len(s) {
		return ""
	}
	seg := s[c.cut:]
	c.cut = len(s)
	return c.clean(seg)
}

// safeCut returns the end of the longest prefix of s, starting from from,
// that ends just after whitespace with no bracket, parenthesis, emphasis or
// code span open. Spans are counted from the start of s so a span opened
// in an earlier segment is known.
func safeCut(s string, from int) int {
	depthSquare, depthParen, depthAngle, stars, ticks := 0, 0, 0, 0, 0
	// A reasoning block is dropped whole, so nothing inside an open
	// <think> is a safe cut.
	low := strings.ToLower(s)
	inThink := false
	best := from
	for i := 0; i < len(s); i++ {
		if strings.HasPrefix(low[i:], "<think>") {
			inThink = true
		} else if strings.HasPrefix(low[i:], "</think>") {
			inThink = false
		}
		if inThink {
			continue
		}
		switch s[i] {
		case '[':
			depthSquare++
		case ']':
			depthSquare = max(depthSquare-1, 0)
		case '(':
			depthParen++
		case ')':
			depthParen = max(depthParen-1, 0)
		case '*':
			// A star with space on both sides is a bullet or a lone
			// star, not the edge of an emphasis span.
			spaceBefore := i == 0 || isSpaceByte(s[i-1])
			spaceAfter := i+1 < len(s) && isSpaceByte(s[i+1])
			if !(spaceBefore && spaceAfter) {
				stars++
			}
		case '`':
			ticks++
		case '<':
			// A control token (<|eot_id|>, <s>) may arrive in pieces.
			// "a < b" has a space after the <, and is no token.
			if i+1 >= len(s) || !isSpaceByte(s[i+1]) {
				depthAngle++
			}
		case '>':
			depthAngle = max(depthAngle-1, 0)
		}
		if i >= from && isSpaceByte(s[i]) && depthSquare == 0 && depthParen == 0 && depthAngle == 0 && stars%2 == 0 && ticks%2 == 0 {
			best = i + 1
		}
	}
	return best
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\n' || b == '\t' || b == '\r' }

var (
	reHeading   = regexp.MustCompile(`^#{1,6}\s*`)
	reBullet    = regexp.MustCompile(`^(?:[-*•+>]|\d{1,2}[.)])\s+`)
	reSpeaker   = regexp.MustCompile(`(?i)^\**\s*(?:interviewer|assistant|bar raiser)\s*\**\s*:\s*\**\s*`)
	reSquare    = regexp.MustCompile(`\[[^\]]*\]?`)
	reParen     = regexp.MustCompile(`\(([^)]*)\)`)
	reEmphasis  = regexp.MustCompile(`(\*{1,3})([^*]+)\*{1,3}`)
	reSpaces    = regexp.MustCompile(`\s+`)
	reSpaceStop = regexp.MustCompile(`\s+([,.;:!?])`)
)

// stageWords start stage directions like "(pauses)" or "*smiles*".
var stageWords = map[string]bool{
	"pause": true, "pauses": true, "pausing": true, "smiles": true, "smiling": true, "smile": true,
	"nods": true, "nodding": true, "laughs": true, "laughing": true, "chuckles": true, "sighs": true,
	"leans": true, "clears": true, "thinking": true, "silence": true, "beat": true, "grins": true,
	"waits": true, "waiting": true, "writes": true, "typing": true, "looks": true, "warmly": true,
}

// isStageDirection reports whether a bracketed or starred text is an
// action to perform rather than words to say.
func isStageDirection(s string) bool {
	f := strings.Fields(strings.ToLower(strings.Trim(s, " .")))
	return len(f) > 0 && len(f) <= 4 && stageWords[f[0]]
}

// clean cleans one segment that ends at a safe cut.
func (c *speechCleaner) clean(seg string) string {
	seg = stripControl(seg)
	var parts []string
	lines := strings.Split(seg, "\n")
	for i, line := range lines {
		if i > 0 {
			c.lineStart = true
		}
		if c.lineStart {
			line = strings.TrimLeft(line, " \t")
			for {
				before := line
				line = reHeading.ReplaceAllString(line, "")
				line = reBullet.ReplaceAllString(line, "")
				line = reSpeaker.ReplaceAllString(line, "")
				line = strings.TrimLeft(line, " \t")
				if line == before {
					break
				}
			}
		}
		line = strings.ReplaceAll(line, "`", "")
		line = reSquare.ReplaceAllString(line, " ")
		line = reParen.ReplaceAllStringFunc(line, func(m string) string {
			inner := m[1 : len(m)-1]
			if isStageDirection(inner) {
				return " "
			}
			return inner
		})
		line = reEmphasis.ReplaceAllStringFunc(line, func(m string) string {
			sub := reEmphasis.FindStringSubmatch(m)
			if len(sub[1]) == 1 && isStageDirection(sub[2]) {
				return " "
			}
			return sub[2]
		})
		// Stray markers from unbalanced spans at the end of the stream.
		line = strings.NewReplacer("*", "", "#", " ", "[", " ", "]", " ", "(", " ", ")", " ").Replace(line)
		if strings.TrimSpace(line) != "" {
			c.lineStart = false
			parts = append(parts, line)
		}
	}
	text := strings.TrimSpace(reSpaces.ReplaceAllString(strings.Join(parts, " "), " "))
	text = reSpaceStop.ReplaceAllString(text, "$1")
	if text == "" {
		return ""
	}
	if c.emitted {
		text = " " + text
	}
	c.emitted = true
	return text
}

// capAtSentence cuts text to at most limit bytes, at the last sentence end
// if there is one in the second half, else at the last word boundary.
func capAtSentence(text string, limit int) string {
	if len(text) <= limit {
		return text
	}
	head := text[:limit]
	if i := strings.LastIndexAny(head, ".!?"); i >= limit/2 {
		return head[:i+1]
	}
	if i := strings.LastIndexByte(head, ' '); i > 0 {
		return head[:i]
	}
	return head
}
