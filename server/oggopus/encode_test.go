//go:build !nolibopusfile

package oggopus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/hraban/opus.v2"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/speechdata"
	"github.com/mockloop/mockloop/server/voice"
)

// tone is n samples of a 440 Hz sine at rate, at a third of full scale,
// with a 200 Hz-wide amplitude wobble so its envelope is not flat.
func tone(rate, n int) []int16 {
	pcm := make([]int16, n)
	for i := range pcm {
		t := float64(i) / float64(rate)
		env := 0.5 + 0.5*math.Sin(2*math.Pi*1.5*t)
		pcm[i] = int16(10000 * env * math.Sin(2*math.Pi*440*t))
	}
	return pcm
}

// decode reads an Ogg Opus file with libopusfile, which checks page
// checksums, applies pre-skip and end trimming, and always outputs 48 kHz.
func decode(t *testing.T, file []byte) []int16 {
	t.Helper()
	s, err := opus.NewStream(bytes.NewReader(file))
	if err != nil {
		t.Fatalf("libopusfile refuses the file: %v", err)
	}
	defer s.Close()
	var out []int16
	buf := make([]int16, 5760)
	for {
		n, err := s.Read(buf)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("libopusfile read: %v", err)
		}
		out = append(out, buf[:n]...)
	}
}

// envelope is the RMS of each 100 ms window.
func envelope(pcm []int16, rate int) []float64 {
	win := rate / 10
	var env []float64
	for i := 0; i+win <= len(pcm); i += win {
		var sum float64
		for _, s := range pcm[i : i+win] {
			sum += float64(s) * float64(s)
		}
		env = append(env, math.Sqrt(sum/float64(win)))
	}
	return env
}

// correlation is Pearson's r over the common length of a and b.
func correlation(a, b []float64) float64 {
	n := min(len(a), len(b))
	var ma, mb float64
	for i := range n {
		ma += a[i]
		mb += b[i]
	}
	ma /= float64(n)
	mb /= float64(n)
	var sab, saa, sbb float64
	for i := range n {
		da, db := a[i]-ma, b[i]-mb
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	return sab / math.Sqrt(saa*sbb)
}

// bestLag finds the shift of got (in samples) within ±maxLag that best
// matches src, by normalised cross-correlation over at most 4 s from the
// middle of the clip (enough speech to align on, and quick).
func bestLag(src, got []int16, maxLag int, rate int) int {
	n := min(len(src), len(got))
	from := max(maxLag, n/2-2*rate)
	to := min(n-maxLag, n/2+2*rate)
	best, bestR := 0, math.Inf(-1)
	for lag := -maxLag; lag <= maxLag; lag++ {
		var sab, saa, sbb float64
		for i := from; i < to; i++ {
			a, b := float64(src[i]), float64(got[i+lag])
			sab += a * b
			saa += a * a
			sbb += b * b
		}
		if r := sab / math.Sqrt(saa*sbb+1); r > bestR {
			best, bestR = lag, r
		}
	}
	return best
}

// speechClip loads a clip of the shared speech set at 16 kHz.
func speechClip(t *testing.T, name string) mockloop.Audio {
	t.Helper()
	dir, err := speechdata.Dir()
	if err != nil {
		speechdata.Unavailable(t, err)
	}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, err := voice.ReadWAV(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if a.SampleRate != 16000 {
		t.Fatalf("%s is %d Hz, the listener's rate is 16000", name, a.SampleRate)
	}
	return a
}

func TestEncodeRoundTrip(t *testing.T) {
	// A tone is periodic, so its waveform cannot tell a pre-skip error
	// from a whole period: timing is checked on speech only.
	tests := []struct {
		name        string
		audio       func(t *testing.T) mockloop.Audio
		checkTiming bool
	}{
		{"a spoken answer with thinking pauses keeps its length, timing and energy", func(t *testing.T) mockloop.Audio { return speechClip(t, "mfa_surround.wav") }, true},
		{"a short introduction keeps its length, timing and energy", func(t *testing.T) mockloop.Audio { return speechClip(t, "ami_es2011a_intro.wav") }, true},
		{"a tone at 8 kHz keeps its length and energy", func(*testing.T) mockloop.Audio { return mockloop.Audio{SampleRate: 8000, PCM: tone(8000, 8000*3/2)} }, false},
		{"a tone at 48 kHz whose length is not a whole number of frames keeps its length and energy", func(*testing.T) mockloop.Audio {
			return mockloop.Audio{SampleRate: 48000, PCM: tone(48000, 48000+4321)}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.audio(t)
			var file bytes.Buffer
			if err := Encode(&file, a, 0); err != nil {
				t.Fatal(err)
			}
			got48 := decode(t, file.Bytes())
			scale := 48000 / a.SampleRate

			// Duration: pre-skip and end trimming make it exact; the
			// brief's tolerance (20 ms + pre-skip) would hide either
			// being wrong.
			if want := len(a.PCM) * scale; len(got48) != want {
				t.Errorf("decoded %d samples at 48 kHz, want %d (%.1f ms off)", len(got48), want, float64(len(got48)-want)/48)
			}

			// Back to the source rate by keeping every scale-th sample:
			// the encoder band-limits to the input's Nyquist, so this
			// hardly aliases.
			got := make([]int16, 0, len(got48)/scale)
			for i := 0; i < len(got48); i += scale {
				got = append(got, got48[i])
			}

			// Timing: the right pre-skip leaves the decoded speech where
			// the source was. The codec does not keep phase exactly, so
			// the waveforms may line up a fraction of a millisecond off;
			// a wrong pre-skip would be off by whole milliseconds (libopus
			// delays by 6.5 ms).
			if tt.checkTiming {
				lag := bestLag(a.PCM, got, a.SampleRate/100, a.SampleRate)
				ms := float64(lag) * 1000 / float64(a.SampleRate)
				if math.Abs(ms) > 1 {
					t.Errorf("decoded speech is %.2f ms off the source; pre-skip %d is wrong", ms, preSkip)
				} else {
					t.Logf("decoded speech lines up with the source within %.2f ms", ms)
				}
			}

			// Speech energy: the 100 ms RMS envelopes follow each other.
			if r := correlation(envelope(a.PCM, a.SampleRate), envelope(got, a.SampleRate)); !(r > 0.9) {
				t.Errorf("RMS envelope correlation %.3f, want > 0.9", r)
			} else {
				t.Logf("RMS envelope correlation %.4f", r)
			}

			var wav bytes.Buffer
			if err := voice.WriteWAV(&wav, a); err != nil {
				t.Fatal(err)
			}
			secs := float64(len(a.PCM)) / float64(a.SampleRate)
			kbps := float64(file.Len()) * 8 / secs / 1000
			t.Logf("%.2f s: WAV %d bytes, Ogg Opus %d bytes (%.1fx smaller, %.1f kbit/s)", secs, wav.Len(), file.Len(), float64(wav.Len())/float64(file.Len()), kbps)
			// 24 kbit/s VBR plus Ogg overhead: well under 40 kbit/s.
			if kbps > 40 {
				t.Errorf("%.1f kbit/s, want at most 40 at the default bitrate", kbps)
			}
		})
	}
}

func TestEncodeLayout(t *testing.T) {
	// 2.3 s of tone at 16 kHz: 115 frames of audio plus the pre-skip
	// flush make 116 packets, on pages of 50, 50 and 16.
	a := mockloop.Audio{SampleRate: 16000, PCM: tone(16000, 16000*23/10)}
	var file bytes.Buffer
	if err := Encode(&file, a, 24000); err != nil {
		t.Fatal(err)
	}
	pages, err := readPages(file.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range pages {
		fmt.Fprintf(&b, "page %d flags=%d granule=%d packets=%d\n", p.seq, p.flags, p.granule, len(p.packets))
	}
	checkGolden(t, "layout_2300ms_16k.txt", []byte(b.String()))

	t.Run("every page belongs to one stream, in sequence", func(t *testing.T) {
		for i, p := range pages {
			if p.serial != pages[0].serial || p.seq != uint32(i) {
				t.Errorf("page %d: serial %#x seq %d", i, p.serial, p.seq)
			}
		}
	})
	t.Run("the identification header says mono, pre-skip and the input rate", func(t *testing.T) {
		h := pages[0].packets[0]
		want := opusHead(16000)
		if !bytes.Equal(h, want) || len(h) != 19 || h[9] != 1 || int(h[10])|int(h[11])<<8 != preSkip || int(h[12])|int(h[13])<<8 != 16000 {
			t.Errorf("OpusHead % x", h)
		}
	})
	t.Run("the comment header names libopus as the vendor", func(t *testing.T) {
		tags := pages[1].packets[0]
		if !bytes.HasPrefix(tags, []byte("OpusTags")) || !bytes.Contains(tags, []byte(opus.Version())) {
			t.Errorf("OpusTags %q", tags)
		}
	})
	t.Run("granule positions only grow and the last one is pre-skip plus the input at 48 kHz", func(t *testing.T) {
		for i := 3; i < len(pages); i++ {
			if pages[i].granule <= pages[i-1].granule {
				t.Errorf("page %d granule %d after %d", i, pages[i].granule, pages[i-1].granule)
			}
		}
		last := pages[len(pages)-1]
		if want := int64(preSkip + len(a.PCM)*3); last.granule != want {
			t.Errorf("last granule %d, want %d", last.granule, want)
		}
		if last.flags&flagEOS == 0 {
			t.Error("the last page lacks the EOS flag")
		}
	})
	t.Run("the same audio encodes to the same bytes", func(t *testing.T) {
		var again bytes.Buffer
		if err := Encode(&again, a, 24000); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Bytes(), file.Bytes()) {
			t.Error("two encodings of the same audio differ")
		}
	})
}

type failWriter struct{ after int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.after <= 0 {
		return 0, errors.New("disk full")
	}
	w.after--
	return len(p), nil
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name    string
		w       io.Writer
		audio   mockloop.Audio
		wantErr string
	}{
		{"a rate Opus does not take is refused", io.Discard, mockloop.Audio{SampleRate: 22050, PCM: make([]int16, 100)}, "22050 Hz"},
		{"a failure writing the head is reported as such", &failWriter{}, mockloop.Audio{SampleRate: 16000, PCM: make([]int16, 100)}, "opus head: write ogg page 0: disk full"},
		{"a failure writing audio names the page", &failWriter{after: 2}, mockloop.Audio{SampleRate: 16000, PCM: make([]int16, 100)}, "write ogg page 2: disk full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Encode(tt.w, tt.audio, 0)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Encode error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	t.Run("an empty answer is still a valid file that decodes to nothing", func(t *testing.T) {
		var file bytes.Buffer
		if err := Encode(&file, mockloop.Audio{SampleRate: 16000}, 0); err != nil {
			t.Fatal(err)
		}
		if got := decode(t, file.Bytes()); len(got) != 0 {
			t.Errorf("decoded %d samples", len(got))
		}
	})
}

// TestOpusinfo asks opus-tools' opusinfo, an independent checker built on
// libogg, for its verdict on a file of real speech.
func TestOpusinfo(t *testing.T) {
	opusinfo, err := exec.LookPath("opusinfo")
	if err != nil {
		speechdata.Unavailable(t, fmt.Errorf("opusinfo not installed (apt-get install opus-tools): %w", err))
	}
	a := speechClip(t, "mfa_surround.wav")
	path := filepath.Join(t.TempDir(), "answer.opus")
	var file bytes.Buffer
	if err := Encode(&file, a, 0); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, file.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(opusinfo, path).CombinedOutput()
	if err != nil {
		t.Fatalf("opusinfo: %v\n%s", err, out)
	}
	text := string(out)
	for _, bad := range []string{"WARNING", "ERROR", "Warning", "Error"} {
		if strings.Contains(text, bad) {
			t.Errorf("opusinfo complains:\n%s", text)
			break
		}
	}
	for _, want := range []string{"Pre-skip: 312", "Original sample rate: 16000 Hz", "Channels: 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("opusinfo output lacks %q:\n%s", want, text)
		}
	}
	// Playback length: 0m:13.182s for a 13.182 s clip.
	m := regexp.MustCompile(`Playback length: (\d+)m:([\d.]+)s`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no playback length in:\n%s", text)
	}
	var mins, secs float64
	fmt.Sscan(m[1], &mins)
	fmt.Sscan(m[2], &secs)
	if got, want := mins*60+secs, float64(len(a.PCM))/16000; math.Abs(got-want) > 0.001 {
		t.Errorf("opusinfo playback length %.3f s, want %.3f s", got, want)
	}
}

// BenchmarkEncode measures the cost of keeping an answer, which the session
// pays when the answer is committed.
func BenchmarkEncode(b *testing.B) {
	dir, err := speechdata.Dir()
	if err != nil {
		speechdata.Unavailable(b, err)
	}
	f, err := os.Open(filepath.Join(dir, "mfa_acoustic_corpus.wav"))
	if err != nil {
		b.Fatal(err)
	}
	a, err := voice.ReadWAV(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	audioSecs := float64(len(a.PCM)) / float64(a.SampleRate)
	var wav bytes.Buffer
	if err := voice.WriteWAV(&wav, a); err != nil {
		b.Fatal(err)
	}
	var size int
	for b.Loop() {
		var file bytes.Buffer
		if err := Encode(&file, a, 0); err != nil {
			b.Fatal(err)
		}
		size = file.Len()
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/audioSecs, "s/audio-s")
	b.ReportMetric(float64(wav.Len())/float64(size), "wav/opus")
}
