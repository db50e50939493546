package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/openaicompat"
)

// DefaultSTTTimeout bounds one remote transcription. The listener cuts an
// answer into utterances at 0.8 s pauses, so one is rarely over 10 s of
// audio; a working Whisper on a laptop CPU (whisper.cpp base.en runs
// several times faster than real time on 4 cores) transcribes that in a
// few seconds, and past 12 s the candidate waits longer than the embedded
// recogniser would take. A slower machine raises it: mockloop doctor times
// a real request and says so.
const DefaultSTTTimeout = 12 * time.Second

// Config is everything serve, doctor and export read from flags and the
// environment. Nothing else in mockloop reads either.
type Config struct {
	Addr         string
	DataDir      string
	AllowOrigins []string
	LogFormat    string // text or json
	LogLevel     string
	KeepAudio    bool
	Token        string
	WebUIDir     string // serve the UI from disk (development)
	ICEServers   []string
	// MicBitrate is what the WebRTC answer asks the browser's microphone
	// for; 0 is rtc's 64 kbps (a test sets WebRTC's 32 kbps to compare).
	MicBitrate int

	STT      string // sphinx, openai, none
	STTURL   string
	STTModel string
	STTKey   string
	STTProbe string // auto, off, or base URLs to try

	TTS      string // auto, festival, flite, espeak, openai, none
	TTSURL   string
	TTSModel string
	TTSVoice string
	TTSKey   string

	LLMURL   string // empty: scripted interviewer
	LLMModel string
	LLMKey   string

	LLMFirstToken time.Duration
	LLMTotal      time.Duration
	LLMStall      time.Duration
	STTTimeout    time.Duration
	// CheckEngines runs each engine's real check in the background at
	// start-up (and after a failure) for the page's engines line.
	CheckEngines bool

	UtteranceEnd time.Duration
	TurnCommit   time.Duration
	// TurnPolicy is "interview" (several signals) or "silence" (the
	// baseline rule: TurnCommit of silence, more after a filler).
	TurnPolicy string
}

func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "mockloop")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "mockloop")
	}
	return "mockloop-data"
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

func envBool(key string, def bool) bool {
	if v, ok := os.LookupEnv(key); ok {
		b, err := strconv.ParseBool(v)
		if err == nil {
			return b
		}
	}
	return def
}

func envDur(key string, def time.Duration) time.Duration {
	if v, ok := os.LookupEnv(key); ok {
		d, err := time.ParseDuration(v)
		if err == nil {
			return d
		}
	}
	return def
}

type listFlag struct{ v *[]string }

func (l listFlag) String() string {
	if l.v == nil {
		return ""
	}
	return strings.Join(*l.v, ",")
}

func (l listFlag) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l.v = append(*l.v, p)
		}
	}
	return nil
}

// bindConfig registers the shared flags with defaults from the environment.
func bindConfig(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.Addr, "addr", env("MOCKLOOP_ADDR", "127.0.0.1:8080"), "listen address (env MOCKLOOP_ADDR); keep it on loopback unless you set --token")
	fs.StringVar(&c.DataDir, "data-dir", env("MOCKLOOP_DATA_DIR", defaultDataDir()), "where rounds, audio and user question banks live (env MOCKLOOP_DATA_DIR)")
	if v := os.Getenv("MOCKLOOP_ALLOW_ORIGIN"); v != "" {
		_ = listFlag{&c.AllowOrigins}.Set(v)
	}
	fs.Var(listFlag{&c.AllowOrigins}, "allow-origin", "extra websocket Origin to accept, e.g. http://localhost:3000 (repeatable; env MOCKLOOP_ALLOW_ORIGIN)")
	fs.StringVar(&c.LogFormat, "log-format", env("MOCKLOOP_LOG_FORMAT", "text"), "log format: text or json")
	fs.StringVar(&c.LogLevel, "log-level", env("MOCKLOOP_LOG_LEVEL", "info"), "log level: debug, info, warn, error")
	fs.BoolVar(&c.KeepAudio, "keep-audio", envBool("MOCKLOOP_KEEP_AUDIO", true), "keep answer audio in the data dir for playback on the review page")
	fs.StringVar(&c.Token, "token", env("MOCKLOOP_TOKEN", ""), "access token required on every request (needed to bind a non-loopback address)")
	fs.StringVar(&c.WebUIDir, "webui-dir", env("MOCKLOOP_WEBUI_DIR", ""), "serve the web UI from this directory instead of the embedded copy (development)")
	if v := os.Getenv("MOCKLOOP_ICE_SERVERS"); v != "" {
		_ = listFlag{&c.ICEServers}.Set(v)
	}
	fs.Var(listFlag{&c.ICEServers}, "ice-server", "STUN/TURN URL for WebRTC (none by default: loopback and LAN need none)")

	fs.StringVar(&c.STT, "stt", env("MOCKLOOP_STT", "sphinx"), "speech-to-text engine: sphinx (embedded), openai (any OpenAI-compatible server), none")
	fs.StringVar(&c.STTURL, "stt-url", env("MOCKLOOP_STT_BASE_URL", "http://127.0.0.1:8000/v1"), "OpenAI-compatible transcription base URL (whisper.cpp server, speaches)")
	fs.StringVar(&c.STTModel, "stt-model", env("MOCKLOOP_STT_MODEL", "whisper-1"), "transcription model name")
	c.STTKey = env("MOCKLOOP_STT_API_KEY", os.Getenv("OPENAI_API_KEY"))
	fs.StringVar(&c.STTProbe, "stt-probe", env("MOCKLOOP_STT_PROBE", "auto"), "with the embedded recognizer, look for a transcription server on this machine (auto: speaches :8000, whisper.cpp :8081 and :8080; off; or base URLs) and offer it on the round page")

	fs.StringVar(&c.TTS, "tts", env("MOCKLOOP_TTS", ttsAuto), "text-to-speech engine: auto (festival HTS, flite, espeak-ng: the best installed), festival, flite, espeak, openai (any OpenAI-compatible server), none")
	fs.StringVar(&c.TTSURL, "tts-url", env("MOCKLOOP_TTS_BASE_URL", "http://127.0.0.1:8000/v1"), "OpenAI-compatible speech base URL (speaches, Kokoro-FastAPI)")
	fs.StringVar(&c.TTSModel, "tts-model", env("MOCKLOOP_TTS_MODEL", "kokoro"), "speech model name")
	fs.StringVar(&c.TTSVoice, "tts-voice", env("MOCKLOOP_TTS_VOICE", ""), "default interviewer voice: slt (female) or rms (male) for the embedded engines, awb with flite; a voice name for openai (default af_heart)")
	c.TTSKey = env("MOCKLOOP_TTS_API_KEY", os.Getenv("OPENAI_API_KEY"))

	fs.StringVar(&c.LLMURL, "llm-url", env("MOCKLOOP_LLM_BASE_URL", ""), "OpenAI-compatible chat base URL, e.g. http://127.0.0.1:11434/v1 for Ollama (empty: scripted interviewer)")
	fs.StringVar(&c.LLMModel, "llm-model", env("MOCKLOOP_LLM_MODEL", "llama3.1"), "chat model name")
	c.LLMKey = env("MOCKLOOP_LLM_API_KEY", os.Getenv("OPENAI_API_KEY"))
	fs.DurationVar(&c.LLMFirstToken, "llm-first-token-timeout", envDur("MOCKLOOP_LLM_FIRST_TOKEN_TIMEOUT", 8*time.Second), "give up on the LLM (scripted fallback) when no token arrives in this time")
	fs.DurationVar(&c.LLMTotal, "llm-timeout", envDur("MOCKLOOP_LLM_TIMEOUT", 30*time.Second), "total time allowed for one LLM reply")
	fs.DurationVar(&c.LLMStall, "llm-stall-timeout", envDur("MOCKLOOP_LLM_STALL_TIMEOUT", openaicompat.DefaultStallTimeout), "give up on an LLM reply that stops streaming for this long")
	fs.BoolVar(&c.CheckEngines, "check-engines", envBool("MOCKLOOP_CHECK_ENGINES", true), "check each engine with one real request at start-up and after a failure, in the background, for the page's engines line")
	fs.DurationVar(&c.STTTimeout, "stt-timeout", envDur("MOCKLOOP_STT_TIMEOUT", DefaultSTTTimeout), "time allowed for one transcription by the --stt openai server before the embedded recogniser takes over (mockloop doctor measures yours)")

	fs.DurationVar(&c.UtteranceEnd, "utterance-end", envDur("MOCKLOOP_UTTERANCE_END", 500*time.Millisecond), "silence that ends one utterance (it makes the words final; the turn policy decides when the answer is over)")
	fs.DurationVar(&c.TurnCommit, "turn-commit", envDur("MOCKLOOP_TURN_COMMIT", 2500*time.Millisecond), "silence that commits an answer whose end gives no clear signal (interviews need patience: people pause to think)")
	fs.StringVar(&c.TurnPolicy, "turn-policy", env("MOCKLOOP_TURN_POLICY", "interview"), "end-of-turn rule: interview (words, story, prosody and silence) or silence (the old silence-only rule)")
}

// validate checks the combination of settings.
func (c *Config) validate() error {
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", c.Addr, err)
	}
	if !mockloop.IsLoopback(host) && c.Token == "" {
		return fmt.Errorf("--addr %s is reachable from other machines; set --token (or MOCKLOOP_TOKEN) so only you can open your rounds", c.Addr)
	}
	switch c.STT {
	case "sphinx", "openai", "none":
	default:
		return fmt.Errorf("--stt %q: want sphinx, openai or none", c.STT)
	}
	switch c.TTS {
	case ttsAuto, ttsFestival, ttsFlite, ttsEspeak, ttsOpenAI, ttsNone:
	default:
		return fmt.Errorf("--tts %q: want %s", c.TTS, ttsEngineList)
	}
	if c.TurnPolicy != "" && c.TurnPolicy != "interview" && c.TurnPolicy != "silence" {
		return fmt.Errorf("--turn-policy %q: want interview or silence", c.TurnPolicy)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format %q: want text or json", c.LogFormat)
	}
	return nil
}
