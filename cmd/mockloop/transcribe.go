package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/server/openaicompat"
	"github.com/mockloop/mockloop/server/sphinx"
	"github.com/mockloop/mockloop/server/voice"
)

// Errors transcribe tells apart; each has its own advice for the user.
var (
	errSilent   = errors.New("no speech in the file")
	errNoWords  = errors.New("no words recognised")
	errTooShort = errors.New("file too short")
)

// silenceDBFS: a file whose loudest 20 ms frame is under this level holds
// no speech a microphone picked up (speech at arm's length is about -30 to
// -15 dBFS; a muted or unplugged input sits below -60).
const silenceDBFS = -50.0

// transcribeResult is what "mockloop transcribe --json" prints.
type transcribeResult struct {
	File    string  `json:"file"`
	Engine  string  `json:"engine"`
	Seconds float64 `json:"seconds"`
	// ResampledFrom is the file's rate when it was not 16 kHz.
	ResampledFrom int             `json:"resampled_from,omitempty"`
	Note          string          `json:"note,omitempty"`
	Text          string          `json:"text"`
	Confidence    float64         `json:"confidence"`
	Words         []analysis.Word `json:"words"`
	DecodeMS      int64           `json:"decode_ms"`
}

// runTranscribe decodes one WAV file with the engine a round would use and
// prints the words with their times and confidences, so a user can check
// their microphone and the recognizer without starting a round.
func runTranscribe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("transcribe", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: mockloop transcribe [--stt sphinx|openai] [--json] FILE.wav")
		fset.PrintDefaults()
	}
	var cfg Config
	bindConfig(fset, &cfg)
	asJSON := fset.Bool("json", false, "print the transcript as JSON")
	if err := parseInterspersed(fset, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fset.NArg() != 1 {
		fmt.Fprintln(stderr, "mockloop transcribe: want exactly one FILE.wav")
		return 2
	}
	if cfg.STT == "none" {
		fmt.Fprintln(stderr, "mockloop transcribe: --stt none has no recognizer to try; use sphinx or openai")
		return 2
	}
	path := fset.Arg(0)
	audio, err := readSpeechWAV(path)
	if err != nil {
		fmt.Fprintf(stderr, "mockloop transcribe: %s\n", transcribeAdvice(path, err))
		return 1
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	tr, closeTr, err := newRoundTranscriber(cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "mockloop transcribe: %v\n", err)
		return 1
	}
	defer closeTr()
	res, err := transcribeAudio(ctx, tr, audio.pcm)
	if err != nil {
		fmt.Fprintf(stderr, "mockloop transcribe: %s\n", transcribeAdvice(path, err))
		return 1
	}
	res.File, res.ResampledFrom = path, audio.resampledFrom
	if audio.resampledFrom != 0 && audio.resampledFrom < voice.SampleRate {
		res.Note = fmt.Sprintf("the file is %d Hz: it lacks the upper band of speech the 16 kHz recognizer needs, so expect many wrong words; record at 16 kHz or more", audio.resampledFrom)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "mockloop transcribe: %v\n", err)
			return 1
		}
		return 0
	}
	printTranscript(stdout, res)
	return 0
}

// parseInterspersed lets flags follow the file name ("transcribe a.wav
// --json"); the standard flag package stops at the first argument.
func parseInterspersed(fset *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fset.Parse(args); err != nil {
			return err
		}
		if fset.NArg() == 0 {
			break
		}
		pos = append(pos, fset.Arg(0))
		args = fset.Args()[1:]
	}
	return fset.Parse(pos)
}

// newRoundTranscriber builds the recognizer a round uses for the same
// configuration: the embedded pocketsphinx with its shipped settings, or
// an OpenAI-compatible server (without the round's fallback, so a failing
// server shows here instead of being hidden).
func newRoundTranscriber(cfg Config, log *slog.Logger) (mockloop.Transcriber, func(), error) {
	if cfg.STT == "openai" {
		st, err := openaicompat.NewTranscriber(cfg.sttEndpoint(), openaicompat.TranscriberOptions{})
		if err != nil {
			return nil, nil, fmt.Errorf("speech-to-text: %w", err)
		}
		return st, func() {}, nil
	}
	sph, err := sphinx.New(sphinx.Config{Logger: log, PoolSize: 1})
	if err != nil {
		return nil, nil, fmt.Errorf("speech-to-text: %w", err)
	}
	return sph, func() { sph.Close() }, nil
}

type speechAudio struct {
	pcm           []int16 // 16 kHz mono
	resampledFrom int
}

// readSpeechWAV reads a mono 16-bit WAV, resamples it to 16 kHz and
// refuses one too short or too quiet to hold speech.
func readSpeechWAV(path string) (speechAudio, error) {
	a, err := voice.ReadWAVFile(path)
	if err != nil {
		return speechAudio{}, fmt.Errorf("read %s: %w", path, err)
	}
	out := speechAudio{pcm: a.PCM}
	if a.SampleRate != voice.SampleRate {
		out.pcm = voice.Resample(a.PCM, a.SampleRate, voice.SampleRate)
		out.resampledFrom = a.SampleRate
	}
	if len(out.pcm) < voice.SampleRate/10 {
		return speechAudio{}, fmt.Errorf("%w: %d ms of audio", errTooShort, len(out.pcm)*1000/voice.SampleRate)
	}
	if peak := loudestFrameDBFS(out.pcm); peak < silenceDBFS {
		return speechAudio{}, fmt.Errorf("%w: the loudest 20 ms is at %.0f dBFS", errSilent, peak)
	}
	return out, nil
}

// loudestFrameDBFS is the RMS level of the loudest 20 ms frame.
func loudestFrameDBFS(pcm []int16) float64 {
	const frame = voice.SampleRate / 50
	best := 0.0
	for i := 0; i < len(pcm); i += frame {
		var sum float64
		n := 0
		for _, s := range pcm[i:min(i+frame, len(pcm))] {
			sum += float64(s) * float64(s)
			n++
		}
		best = max(best, math.Sqrt(sum/float64(n)))
	}
	if best == 0 {
		return math.Inf(-1)
	}
	return 20 * math.Log10(best/32768)
}

// transcribeAudio feeds pcm in 20 ms chunks, as the voice pipeline does.
func transcribeAudio(ctx context.Context, tr mockloop.Transcriber, pcm []int16) (transcribeResult, error) {
	start := time.Now()
	s, err := tr.Start(ctx)
	if err != nil {
		return transcribeResult{}, fmt.Errorf("start recognizer: %w", err)
	}
	const chunk = voice.SampleRate / 50
	for i := 0; i < len(pcm); i += chunk {
		if err := s.Write(pcm[i:min(i+chunk, len(pcm))]); err != nil {
			s.Close()
			return transcribeResult{}, fmt.Errorf("recognize: %w", err)
		}
	}
	tx, err := s.Finish(ctx)
	if err != nil {
		return transcribeResult{}, fmt.Errorf("recognize: %w", err)
	}
	if len(tx.Words) == 0 && tx.Text == "" {
		return transcribeResult{}, errNoWords
	}
	words := tx.Words
	if words == nil {
		words = []analysis.Word{}
	}
	return transcribeResult{
		Engine:     tx.Engine,
		Seconds:    math.Round(float64(len(pcm))/voice.SampleRate*100) / 100,
		Text:       tx.Text,
		Confidence: transcriptConfidence(words),
		Words:      words,
		DecodeMS:   time.Since(start).Milliseconds(),
	}, nil
}

// transcriptConfidence is the mean word confidence, a word of unknown
// confidence (Conf 0) counting as certain, and 1 with no words.
func transcriptConfidence(words []analysis.Word) float64 {
	if len(words) == 0 {
		return 1
	}
	var sum float64
	for _, w := range words {
		if w.Conf == 0 {
			sum++
			continue
		}
		sum += w.Conf
	}
	return math.Round(sum/float64(len(words))*1000) / 1000
}

// transcribeAdvice is the user's message for a failure: what was wrong and
// what to do, without the internal chain.
func transcribeAdvice(path string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("%s: no such file", path)
	case errors.Is(err, voice.ErrWAVFormat):
		return fmt.Sprintf("%s is not a WAV file mockloop can read (%v); convert it with: sox %s -r 16000 -c 1 -b 16 out.wav", path, errors.Unwrap(err), path)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Sprintf("%s is empty or cut short: not a complete WAV file", path)
	case errors.Is(err, errSilent):
		return fmt.Sprintf("%s is silent (%v): check that the microphone is not muted and is the input your recorder used", path, err)
	case errors.Is(err, errTooShort):
		return fmt.Sprintf("%s is too short to hold speech (%v)", path, err)
	case errors.Is(err, errNoWords):
		return fmt.Sprintf("%s: the recognizer heard no words; speak closer to the microphone or check the recording", path)
	}
	return err.Error()
}

func printTranscript(w io.Writer, r transcribeResult) {
	fmt.Fprintf(w, "%s: %.2f s, engine %s", r.File, r.Seconds, r.Engine)
	if r.ResampledFrom != 0 {
		fmt.Fprintf(w, " (resampled from %d Hz)", r.ResampledFrom)
	}
	fmt.Fprintf(w, ", transcript confidence %.2f\n", r.Confidence)
	if r.Note != "" {
		fmt.Fprintf(w, "note: %s\n", r.Note)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%7s %7s  %-5s  %s\n", "start", "end", "conf", "word")
	for _, x := range r.Words {
		conf := "  -  "
		if x.Conf > 0 {
			conf = fmt.Sprintf("%.3f", x.Conf)
		}
		fmt.Fprintf(w, "%7.2f %7.2f  %s  %s\n", x.Start, x.End, conf, x.W)
	}
	fmt.Fprintf(w, "\n%s\n", r.Text)
}
