package oggopus

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Ogg page layout, RFC 3533 section 6: a 27-byte header, a segment table of
// up to 255 lacing values, then the packet data.
const (
	pageHeaderLen = 27
	maxSegments   = 255
	// maxPacketLen is the largest packet one page can complete: 255 lacing
	// values of 255 bytes, the last one being 254 (a value of 255 would say
	// the packet goes on). Opus packets are far smaller (RFC 6716 section
	// 3.4 caps a 120 ms code-3 packet near 61 kB; ours are about 60 bytes),
	// so packets are never continued across pages here.
	maxPacketLen = maxSegments*255 - 1
)

// Header type flags, RFC 3533 section 6.
const (
	flagContinued byte = 0x01 // first packet continues one from the page before (unused here)
	flagBOS       byte = 0x02 // first page of the logical bitstream
	flagEOS       byte = 0x04 // last page of the logical bitstream
)

// ErrPacketTooLarge is returned for a packet that one page cannot hold.
var ErrPacketTooLarge = errors.New("ogg: packet too large for one page")

// crcTable is the byte-at-a-time table for the Ogg checksum. RFC 3533
// section 6 ("CRC checksum") and libogg's framing.c: CRC-32 with the
// generator polynomial 0x04c11db7, most significant bit first (no
// reflection), initial value 0 and no final XOR. This is not the reflected
// IEEE CRC of hash/crc32, so that package cannot be used. The table is
// computed once and only read afterwards.
var crcTable = func() (t [256]uint32) {
	for i := range t {
		r := uint32(i) << 24
		for range 8 {
			if r&0x80000000 != 0 {
				r = r<<1 ^ 0x04c11db7
			} else {
				r <<= 1
			}
		}
		t[i] = r
	}
	return t
}()

// oggCRC is the checksum of a whole page whose CRC field holds zeros.
func oggCRC(b []byte) uint32 {
	var crc uint32
	for _, c := range b {
		crc = crc<<8 ^ crcTable[byte(crc>>24)^c]
	}
	return crc
}

// lacing returns the segment table entries for one packet: one 255 per full
// 255 bytes, then the remainder, which is 0 when the length is a multiple of
// 255 so a reader can tell the packet ended (RFC 3533 section 5).
func lacing(n int) []byte {
	segs := make([]byte, 0, n/255+1)
	for ; n >= 255; n -= 255 {
		segs = append(segs, 255)
	}
	return append(segs, byte(n))
}

// pageSpec is one Ogg page to write: the packets it completes and the
// granule position after the last of them.
type pageSpec struct {
	flags   byte
	granule int64
	serial  uint32
	seq     uint32
	packets [][]byte
}

// segmentsFor counts the lacing values packets would take on a page.
func segmentsFor(packets ...[]byte) int {
	n := 0
	for _, p := range packets {
		n += len(p)/255 + 1
	}
	return n
}

// build lays out the page with its checksum filled in.
func (p pageSpec) build() ([]byte, error) {
	var table, body []byte
	for _, pkt := range p.packets {
		if len(pkt) > maxPacketLen {
			return nil, fmt.Errorf("ogg page %d: %w (%d bytes)", p.seq, ErrPacketTooLarge, len(pkt))
		}
		table = append(table, lacing(len(pkt))...)
		body = append(body, pkt...)
	}
	if len(table) > maxSegments {
		return nil, fmt.Errorf("ogg page %d: %d segments, at most %d fit", p.seq, len(table), maxSegments)
	}
	b := make([]byte, pageHeaderLen, pageHeaderLen+len(table)+len(body))
	copy(b, "OggS")
	b[4] = 0 // stream structure version
	b[5] = p.flags
	binary.LittleEndian.PutUint64(b[6:], uint64(p.granule))
	binary.LittleEndian.PutUint32(b[14:], p.serial)
	binary.LittleEndian.PutUint32(b[18:], p.seq)
	// b[22:26], the checksum, stays zero while it is computed.
	b[26] = byte(len(table))
	b = append(b, table...)
	b = append(b, body...)
	binary.LittleEndian.PutUint32(b[22:], oggCRC(b))
	return b, nil
}
