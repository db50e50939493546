package voice

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mockloop/mockloop"
)

// WAV format tags (Microsoft's RIFF specification, mmreg.h).
const (
	wavFormatPCM        = 1
	wavFormatExtensible = 0xFFFE
)

// ErrWAVFormat is wrapped by ReadWAV for files it cannot use.
var ErrWAVFormat = errors.New("unsupported wav")

// ReadWAV reads a RIFF WAVE file of 16-bit PCM mono at any rate. Chunks
// other than fmt and data (LIST, fact, bext, ...) are skipped. A data chunk
// whose size runs past the end of the file (as streaming writers leave it)
// is read to the end. Anything else (stereo, 8/24/32-bit, float, A-law) is
// rejected with an error wrapping ErrWAVFormat that names what was found.
func ReadWAV(r io.Reader) (mockloop.Audio, error) {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return mockloop.Audio{}, fmt.Errorf("read wav header: %w", err)
	}
	if string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		return mockloop.Audio{}, fmt.Errorf("%w: not a RIFF WAVE file", ErrWAVFormat)
	}
	var a mockloop.Audio
	haveFmt := false
	for {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			return mockloop.Audio{}, fmt.Errorf("read wav: no data chunk: %w", err)
		}
		id := string(ch[0:4])
		size := int64(binary.LittleEndian.Uint32(ch[4:8]))
		switch id {
		case "fmt ":
			if size < 16 || size > 1<<16 {
				return mockloop.Audio{}, fmt.Errorf("%w: fmt chunk of %d bytes", ErrWAVFormat, size)
			}
			b := make([]byte, size+size%2)
			if _, err := io.ReadFull(r, b); err != nil {
				return mockloop.Audio{}, fmt.Errorf("read wav fmt chunk: %w", err)
			}
			format := binary.LittleEndian.Uint16(b[0:2])
			channels := binary.LittleEndian.Uint16(b[2:4])
			rate := binary.LittleEndian.Uint32(b[4:8])
			bits := binary.LittleEndian.Uint16(b[14:16])
			if format == wavFormatExtensible && size >= 26 {
				// The sub-format GUID starts with the real format tag.
				format = binary.LittleEndian.Uint16(b[24:26])
			}
			switch {
			case format != wavFormatPCM:
				return mockloop.Audio{}, fmt.Errorf("%w: format tag %d, want 1 (PCM)", ErrWAVFormat, format)
			case channels != 1:
				return mockloop.Audio{}, fmt.Errorf("%w: %d channels, want mono", ErrWAVFormat, channels)
			case bits != 16:
				return mockloop.Audio{}, fmt.Errorf("%w: %d bits per sample, want 16", ErrWAVFormat, bits)
			case rate == 0 || rate > 384000:
				return mockloop.Audio{}, fmt.Errorf("%w: sample rate %d", ErrWAVFormat, rate)
			}
			a.SampleRate = int(rate)
			haveFmt = true
		case "data":
			if !haveFmt {
				return mockloop.Audio{}, fmt.Errorf("%w: data chunk before fmt chunk", ErrWAVFormat)
			}
			b, err := io.ReadAll(io.LimitReader(r, size))
			if err != nil {
				return mockloop.Audio{}, fmt.Errorf("read wav data: %w", err)
			}
			a.PCM = make([]int16, len(b)/2)
			for i := range a.PCM {
				a.PCM[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
			}
			return a, nil
		default:
			if _, err := io.CopyN(io.Discard, r, size+size%2); err != nil {
				return mockloop.Audio{}, fmt.Errorf("skip wav %q chunk: %w", id, err)
			}
		}
	}
}

// WriteWAV writes a as a canonical 44-byte-header 16-bit PCM mono WAV.
func WriteWAV(w io.Writer, a mockloop.Audio) error {
	if a.SampleRate <= 0 {
		return fmt.Errorf("write wav: invalid sample rate %d", a.SampleRate)
	}
	dataLen := 2 * len(a.PCM)
	if dataLen > 0xFFFFFFFF-36 {
		return fmt.Errorf("write wav: %d samples do not fit a RIFF file", len(a.PCM))
	}
	b := make([]byte, 44+dataLen)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+dataLen))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], wavFormatPCM)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], uint32(a.SampleRate))
	binary.LittleEndian.PutUint32(b[28:], uint32(a.SampleRate*2))
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(dataLen))
	for i, s := range a.PCM {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(s))
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("write wav: %w", err)
	}
	return nil
}

// ReadWAVFile reads the WAV file at path.
func ReadWAVFile(path string) (mockloop.Audio, error) {
	f, err := os.Open(path)
	if err != nil {
		return mockloop.Audio{}, err
	}
	defer f.Close()
	a, err := ReadWAV(f)
	if err != nil {
		return mockloop.Audio{}, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}
