package oggopus

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/speechdata"
	"github.com/mockloop/mockloop/server/voice"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// crcByDivision is the Ogg checksum computed straight from its definition in
// RFC 3533 section 6, independently of the table in ogg.go: the remainder of
// the message, multiplied by x^32, divided by the generator 0x04c11db7 over
// GF(2), one bit at a time (the "augmented message" shift register).
func crcByDivision(msg []byte) uint32 {
	var reg uint32
	feed := func(bit uint32) {
		top := reg >> 31
		reg = reg<<1 | bit
		if top == 1 {
			reg ^= 0x04c11db7
		}
	}
	for _, c := range msg {
		for i := 7; i >= 0; i-- {
			feed(uint32(c>>i) & 1)
		}
	}
	for range 32 {
		feed(0)
	}
	return reg
}

func TestOggCRC(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want uint32
	}{
		{"the empty message has a zero checksum", nil, 0},
		// The reveng CRC catalogue lists CRC-32/CKSUM (poly 04c11db7, init
		// 0, no reflection, xorout ffffffff) with check 0x765e7680 on
		// "123456789"; Ogg's CRC is the same without the final XOR.
		{"the catalogue check string gives CKSUM's check value without its final XOR", []byte("123456789"), 0x765e7680 ^ 0xffffffff},
		{"a single one bit at the end leaves the generator itself", []byte{0x01}, 0x04c11db7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := oggCRC(tt.in); got != tt.want {
				t.Errorf("oggCRC = %#08x, want %#08x", got, tt.want)
			}
			if got := crcByDivision(tt.in); got != tt.want {
				t.Errorf("crcByDivision = %#08x, want %#08x (the reference itself is wrong)", got, tt.want)
			}
		})
	}
	t.Run("the table agrees with polynomial division on messages of every length up to 300", func(t *testing.T) {
		msg := make([]byte, 300)
		x := uint32(2463534242)
		for i := range msg {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			msg[i] = byte(x)
		}
		for n := range len(msg) + 1 {
			if a, b := oggCRC(msg[:n]), crcByDivision(msg[:n]); a != b {
				t.Fatalf("length %d: table %#08x, division %#08x", n, a, b)
			}
		}
	})
}

func TestLacing(t *testing.T) {
	tests := []struct {
		name string
		n    int
		want []byte
	}{
		{"an empty packet is one zero lacing value", 0, []byte{0}},
		{"a short packet is one value of its length", 60, []byte{60}},
		{"254 bytes still fit one value", 254, []byte{254}},
		{"exactly 255 bytes need a trailing zero to end the packet", 255, []byte{255, 0}},
		{"256 bytes are a full segment and one byte", 256, []byte{255, 1}},
		{"510 bytes are two full segments and a zero", 510, []byte{255, 255, 0}},
		{"the largest 20 ms Opus frame, 1275 bytes, takes five full segments and a zero", 1275, []byte{255, 255, 255, 255, 255, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lacing(tt.n)
			if !bytes.Equal(got, tt.want) {
				t.Errorf("lacing(%d) = %v, want %v", tt.n, got, tt.want)
			}
			sum := 0
			for _, v := range got {
				sum += int(v)
			}
			if sum != tt.n {
				t.Errorf("lacing values add up to %d, want %d", sum, tt.n)
			}
			if segmentsFor(make([]byte, tt.n)) != len(tt.want) {
				t.Errorf("segmentsFor(%d bytes) = %d, want %d", tt.n, segmentsFor(make([]byte, tt.n)), len(tt.want))
			}
		})
	}
}

// page is one Ogg page as an independent reader sees it.
type page struct {
	flags   byte
	granule int64
	serial  uint32
	seq     uint32
	packets [][]byte
	size    int
}

// readPages splits an Ogg stream into pages, checking each page's capture
// pattern, version and checksum (with crcByDivision), and that no packet
// continues across pages (this muxer never does that).
func readPages(b []byte) ([]page, error) {
	var pages []page
	for off := 0; off < len(b); {
		if len(b)-off < pageHeaderLen || string(b[off:off+4]) != "OggS" {
			return nil, fmt.Errorf("offset %d: no page header", off)
		}
		h := b[off:]
		if h[4] != 0 {
			return nil, fmt.Errorf("offset %d: version %d", off, h[4])
		}
		nseg := int(h[26])
		if len(h) < pageHeaderLen+nseg {
			return nil, fmt.Errorf("offset %d: segment table cut short", off)
		}
		table := h[pageHeaderLen : pageHeaderLen+nseg]
		bodyLen := 0
		for _, v := range table {
			bodyLen += int(v)
		}
		size := pageHeaderLen + nseg + bodyLen
		if len(h) < size {
			return nil, fmt.Errorf("offset %d: body cut short", off)
		}
		raw := slices.Clone(h[:size])
		stored := binary.LittleEndian.Uint32(raw[22:])
		clear(raw[22:26])
		if got := crcByDivision(raw); got != stored {
			return nil, fmt.Errorf("offset %d: checksum %#08x, computed %#08x", off, stored, got)
		}
		p := page{flags: h[5], granule: int64(binary.LittleEndian.Uint64(h[6:])), serial: binary.LittleEndian.Uint32(h[14:]), seq: binary.LittleEndian.Uint32(h[18:]), size: size}
		if p.flags&flagContinued != 0 {
			return nil, fmt.Errorf("page %d: continued packet", p.seq)
		}
		body := h[pageHeaderLen+nseg : size]
		var pkt []byte
		for i, v := range table {
			pkt = append(pkt, body[:v]...)
			body = body[v:]
			if v < 255 {
				p.packets = append(p.packets, pkt)
				pkt = nil
			} else if i == len(table)-1 {
				return nil, fmt.Errorf("page %d: last packet continues on the next page", p.seq)
			}
		}
		pages = append(pages, p)
		off += size
	}
	return pages, nil
}

func TestPageBuild(t *testing.T) {
	big := bytes.Repeat([]byte{0xab}, 300)
	tests := []struct {
		name    string
		spec    pageSpec
		golden  string // hex dump in testdata/, "" for none
		wantErr error
	}{
		{"a first page with one short packet has the BOS flag and one lacing value",
			pageSpec{flags: flagBOS, granule: 0, serial: 0x01020304, seq: 0, packets: [][]byte{[]byte("OpusHead")}}, "bos_page.hex", nil},
		{"a 300-byte packet and a 2-byte one are laced 255,45,2 and carry the granule position",
			pageSpec{flags: flagEOS, granule: 48312, serial: 7, seq: 9, packets: [][]byte{big, {1, 2}}}, "laced_page.hex", nil},
		{"a packet one page cannot hold is refused",
			pageSpec{packets: [][]byte{make([]byte, maxPacketLen+1)}}, "", ErrPacketTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.spec.build()
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("build error %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			pages, err := readPages(b)
			if err != nil {
				t.Fatalf("read back: %v", err)
			}
			if len(pages) != 1 {
				t.Fatalf("%d pages, want 1", len(pages))
			}
			p := pages[0]
			if p.flags != tt.spec.flags || p.granule != tt.spec.granule || p.serial != tt.spec.serial || p.seq != tt.spec.seq {
				t.Errorf("header %+v, want flags %d granule %d serial %d seq %d", p, tt.spec.flags, tt.spec.granule, tt.spec.serial, tt.spec.seq)
			}
			if !slices.EqualFunc(p.packets, tt.spec.packets, bytes.Equal) {
				t.Errorf("packets read back differ from those written")
			}
			checkGolden(t, tt.golden, []byte(hex.Dump(b)))
		})
	}
	t.Run("more lacing values than a page holds are refused", func(t *testing.T) {
		pkts := make([][]byte, maxSegments+1)
		for i := range pkts {
			pkts[i] = []byte{1}
		}
		if _, err := (pageSpec{packets: pkts}).build(); err == nil {
			t.Error("a page of 256 packets was built")
		}
	})
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	if name == "" {
		return
	}
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden: %v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

// TestReaderAgainstOpusenc checks this test's page reader and checksum on
// a file from an independent muxer, opus-tools' opusenc (libogg), so the
// checks applied to our own files are known to accept real Ogg.
func TestReaderAgainstOpusenc(t *testing.T) {
	opusenc, err := exec.LookPath("opusenc")
	if err != nil {
		speechdata.Unavailable(t, fmt.Errorf("opusenc not installed (apt-get install opus-tools): %w", err))
	}
	wav := filepath.Join(t.TempDir(), "tone.wav")
	var w bytes.Buffer
	if err := voice.WriteWAV(&w, mockloop.Audio{SampleRate: 16000, PCM: tone(16000, 16000)}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wav, w.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "tone.opus")
	if msg, err := exec.Command(opusenc, "--quiet", "--bitrate", "24", wav, out).CombinedOutput(); err != nil {
		t.Fatalf("opusenc: %v: %s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := readPages(b)
	if err != nil {
		t.Fatalf("opusenc's file: %v", err)
	}
	if len(pages) < 3 || !strings.HasPrefix(string(pages[0].packets[0]), "OpusHead") || pages[len(pages)-1].flags&flagEOS == 0 {
		t.Errorf("opusenc's file read as %d pages without the expected head and end", len(pages))
	}
	// Also our table CRC on its pages, not only the division reference.
	for off, p := 0, 0; off < len(b); p++ {
		size := pages[p].size
		raw := slices.Clone(b[off : off+size])
		stored := binary.LittleEndian.Uint32(raw[22:])
		clear(raw[22:26])
		if got := oggCRC(raw); got != stored {
			t.Errorf("page %d: oggCRC %#08x, opusenc wrote %#08x", p, got, stored)
		}
		off += size
	}
}
