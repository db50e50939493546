// Package flite is mockloop's in-process text-to-speech engine: CMU flite
// through cgo (Debian flite1-dev), so a sentence costs no process start.
// It owns the voices flite ships (slt female, rms and awb male) and the
// copy of flite's waves into mockloop.Audio.
package flite

/*
#cgo LDFLAGS: -lflite_cmu_us_slt -lflite_cmu_us_rms -lflite_cmu_us_awb -lflite_usenglish -lflite_cmulex -lflite -lm
#include <stdlib.h>
#include <flite/flite.h>

cst_voice *register_cmu_us_slt(const char *voxdir);
cst_voice *register_cmu_us_rms(const char *voxdir);
cst_voice *register_cmu_us_awb(const char *voxdir);

// register_voice is a switch so Go needs no C function pointers.
static cst_voice *register_voice(int which) {
	switch (which) {
	case 0: return register_cmu_us_slt(NULL);
	case 1: return register_cmu_us_rms(NULL);
	case 2: return register_cmu_us_awb(NULL);
	}
	return NULL;
}
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unsafe"

	"github.com/mockloop/mockloop"
)

// Voices flite can speak with, by the names flite's -voice option uses.
var voiceIndex = map[string]C.int{"slt": 0, "rms": 1, "awb": 2}

// ErrUnknownVoice is returned by New for a voice flite does not ship.
var ErrUnknownVoice = errors.New("flite: unknown voice (want slt, rms or awb)")

// flite keeps voices and its lexicon in process-wide C state and is not
// documented as thread-safe, so every call into it is serialised here. A
// 5 s sentence takes about 50 ms, far less than it takes to play.
var (
	cmu      sync.Mutex
	initOnce sync.Once
)

// Synth speaks with one flite voice. It is safe for concurrent use.
type Synth struct {
	name  string
	voice *C.cst_voice
}

var _ mockloop.Synthesizer = (*Synth)(nil)

// New loads voice ("slt", "rms" or "awb"); the voices are linked in, so
// this fails only for an unknown name.
func New(voice string) (*Synth, error) {
	idx, ok := voiceIndex[voice]
	if !ok {
		return nil, fmt.Errorf("new %q: %w", voice, ErrUnknownVoice)
	}
	cmu.Lock()
	defer cmu.Unlock()
	initOnce.Do(func() { C.flite_init() })
	v := C.register_voice(idx)
	if v == nil {
		return nil, fmt.Errorf("flite: register voice %s failed", voice)
	}
	return &Synth{name: voice, voice: v}, nil
}

// Name reports the engine and voice for the UI and the round record.
func (s *Synth) Name() string { return "flite:" + s.name }

// Synthesize speaks text. flite cannot be interrupted, so ctx is checked
// before and after; a sentence is short enough that this bounds the wait.
func (s *Synth) Synthesize(ctx context.Context, text string) (mockloop.Audio, error) {
	text = strings.TrimSpace(text)
	if err := context.Cause(ctx); err != nil {
		return mockloop.Audio{}, fmt.Errorf("flite: synthesize: %w", err)
	}
	if text == "" {
		return mockloop.Audio{SampleRate: 16000}, nil
	}
	ctext := C.CString(text)
	defer C.free(unsafe.Pointer(ctext))

	cmu.Lock()
	w := C.flite_text_to_wave(ctext, s.voice)
	var a mockloop.Audio
	if w != nil {
		a.SampleRate = int(w.sample_rate)
		if n := int(w.num_samples) * int(w.num_channels); n > 0 && w.samples != nil {
			src := unsafe.Slice((*int16)(unsafe.Pointer(w.samples)), n)
			a.PCM = mono(src, int(w.num_channels))
		}
		C.delete_wave(w)
	}
	cmu.Unlock()

	if w == nil {
		return mockloop.Audio{}, fmt.Errorf("flite: synthesize %q: no wave", truncate(text))
	}
	if err := context.Cause(ctx); err != nil {
		return mockloop.Audio{}, fmt.Errorf("flite: synthesize: %w", err)
	}
	return a, nil
}

// mono copies flite's samples out of C memory, keeping the first channel
// (flite's voices are mono; the loop is for safety, not expected use).
func mono(src []int16, channels int) []int16 {
	if channels <= 1 {
		return append([]int16(nil), src...)
	}
	out := make([]int16, len(src)/channels)
	for i := range out {
		out[i] = src[i*channels]
	}
	return out
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
