package sphinx

/*
#cgo pkg-config: pocketsphinx
#include <stdlib.h>
#include <pocketsphinx.h>

// cmd_ln_init is variadic, which cgo cannot call; cmd_ln_parse_r takes an
// argv instead (argv[0] is the program name and is skipped).
static cmd_ln_t *mockloop_config(int argc, char **argv) {
	return cmd_ln_parse_r(NULL, ps_args(), argc, argv, TRUE);
}

// mockloop_interp builds a model set of the current search's model and
// the one at path, interpolated with weights 1-w and w, and makes it the
// active search.
static int mockloop_interp(ps_decoder_t *ps, cmd_ln_t *cfg, const char *path, float32 w) {
	ngram_model_t *base = ps_get_lm(ps, ps_get_search(ps));
	if (base == NULL) return -1;
	ngram_model_t *dom = ngram_model_read(cfg, path, NGRAM_AUTO, ps_get_logmath(ps));
	if (dom == NULL) return -2;
	ngram_model_t *lms[2] = {ngram_model_retain(base), dom};
	char *names[2] = {"generic", "domain"};
	float32 weights[2] = {1 - w, w};
	ngram_model_t *set = ngram_model_set_init(cfg, lms, names, weights, 2);
	if (set == NULL) return -3;
	if (ps_set_lm(ps, "interp", set) < 0) return -4;
	if (ps_set_search(ps, "interp") < 0) return -5;
	return 0;
}

// The live cepstral mean: pocketsphinx adapts it to the microphone from
// utterance to utterance. 0 when the front end keeps none.
static int mockloop_cmn_len(ps_decoder_t *ps) {
	feat_t *f = ps_get_feat(ps);
	return (f == NULL || f->cmn_struct == NULL) ? 0 : f->cmn_struct->veclen;
}
static void mockloop_cmn_get(ps_decoder_t *ps, mfcc_t *v) { cmn_live_get(ps_get_feat(ps)->cmn_struct, v); }
static void mockloop_cmn_set(ps_decoder_t *ps, const mfcc_t *v) { cmn_live_set(ps_get_feat(ps)->cmn_struct, v); }
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// decoder owns one pocketsphinx decoder and its configuration. It is not
// safe for concurrent use; the pool hands it to one stream at a time.
type decoder struct {
	ps  *C.ps_decoder_t
	cfg *C.cmd_ln_t
	// cmnInit is the cepstral mean the model starts from (-cmninit).
	cmnInit []float32
}

// rawWord is one segment as pocketsphinx reports it, before filtering.
type rawWord struct {
	word   string
	sf, ef int // inclusive 10 ms frames
	// post is the word's posterior probability, 0..1, from the lattice
	// forward-backward pass; without a lattice pocketsphinx reports log 0,
	// which reads as 1.
	post float64
}

// newDecoder loads a decoder configured by args, pairs of "-name", "value".
func newDecoder(args []string) (*decoder, error) {
	argv := make([]*C.char, 0, len(args)+1)
	argv = append(argv, C.CString("mockloop"))
	for _, a := range args {
		argv = append(argv, C.CString(a))
	}
	defer func() {
		for _, p := range argv {
			C.free(unsafe.Pointer(p))
		}
	}()
	// argv is a Go slice of C pointers: allowed to pass, since it holds no
	// Go pointers.
	cfg := C.mockloop_config(C.int(len(argv)), &argv[0])
	if cfg == nil {
		return nil, fmt.Errorf("pocketsphinx rejected its configuration %q", args)
	}
	ps := C.ps_init(cfg)
	if ps == nil {
		C.cmd_ln_free_r(cfg)
		return nil, errors.New("pocketsphinx could not load the model")
	}
	d := &decoder{ps: ps, cfg: cfg}
	d.cmnInit = d.cmn()
	return d, nil
}

// cmn returns the decoder's live cepstral mean (nil if it keeps none).
func (d *decoder) cmn() []float32 {
	n := int(C.mockloop_cmn_len(d.ps))
	if n == 0 {
		return nil
	}
	v := make([]C.mfcc_t, n)
	C.mockloop_cmn_get(d.ps, &v[0])
	out := make([]float32, n)
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// setCMN makes v the live cepstral mean; a v of the wrong length (another
// model's) is ignored.
func (d *decoder) setCMN(v []float32) {
	n := int(C.mockloop_cmn_len(d.ps))
	if n == 0 || len(v) != n {
		return
	}
	cv := make([]C.mfcc_t, n)
	for i, x := range v {
		cv[i] = C.mfcc_t(x)
	}
	C.mockloop_cmn_set(d.ps, &cv[0])
}

func (d *decoder) free() {
	if d.ps != nil {
		C.ps_free(d.ps)
		d.ps = nil
	}
	if d.cfg != nil {
		C.cmd_ln_free_r(d.cfg)
		d.cfg = nil
	}
}

func (d *decoder) startUtt() error {
	// In 5prealpha frame numbers count from the start of the stream, not
	// the utterance: without this a reused decoder reports the second
	// utterance's words after the first one's audio. It also resets the
	// front end's noise estimate; cepstral mean normalisation still
	// carries over, adapting to the microphone.
	if rc := C.ps_start_stream(d.ps); rc < 0 {
		return fmt.Errorf("ps_start_stream returned %d", rc)
	}
	if rc := C.ps_start_utt(d.ps); rc < 0 {
		return fmt.Errorf("ps_start_utt returned %d", rc)
	}
	return nil
}

func (d *decoder) processRaw(pcm []int16) error {
	if len(pcm) == 0 {
		return nil
	}
	// The slice holds no Go pointers, so passing its backing array is
	// allowed by the cgo pointer rules.
	rc := C.ps_process_raw(d.ps, (*C.int16)(unsafe.Pointer(&pcm[0])), C.size_t(len(pcm)), 0, 0)
	if rc < 0 {
		return fmt.Errorf("ps_process_raw returned %d", rc)
	}
	return nil
}

func (d *decoder) endUtt() error {
	if rc := C.ps_end_utt(d.ps); rc < 0 {
		return fmt.Errorf("ps_end_utt returned %d", rc)
	}
	return nil
}

// hyp is the best hypothesis so far, as one string.
func (d *decoder) hyp() string {
	var score C.int32
	h := C.ps_get_hyp(d.ps, &score)
	if h == nil {
		return ""
	}
	return C.GoString(h)
}

// segments walks the best path's word segmentation.
func (d *decoder) segments() []rawWord {
	var out []rawWord
	lmath := C.ps_get_logmath(d.ps)
	for seg := C.ps_seg_iter(d.ps); seg != nil; seg = C.ps_seg_next(seg) {
		var sf, ef C.int
		C.ps_seg_frames(seg, &sf, &ef)
		var ascr, lscr, lback C.int32
		// The posterior is in the decoder's log base; logmath_exp turns
		// it into a probability.
		lp := C.ps_seg_prob(seg, &ascr, &lscr, &lback)
		post := float64(C.logmath_exp(lmath, lp))
		out = append(out, rawWord{word: C.GoString(C.ps_seg_word(seg)), sf: int(sf), ef: int(ef), post: post})
	}
	return out
}

// interpolateLM replaces the decoder's language model with a linear
// interpolation of the model it loaded (-lm) and the ARPA or binary model
// at path, weighted w for the second. Used by the tuning harness to try
// an interview-domain model.
func (d *decoder) interpolateLM(path string, w float64) error {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	if rc := C.mockloop_interp(d.ps, d.cfg, cpath, C.float32(w)); rc < 0 {
		return fmt.Errorf("interpolate the language model with %s: error %d", path, rc)
	}
	return nil
}
