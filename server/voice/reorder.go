package voice

// maxSeqJump is how far a sequence number may move from the expected one
// before the stream is treated as restarted rather than as lossy: 3000
// packets is a minute of 20 ms audio, longer than any gap worth filling
// with silence.
const maxSeqJump = 3000

// Reorder puts RTP payloads back in sequence order with a small window
// instead of a jitter buffer. pion's interceptor jitter buffer holds about a
// second and samplebuilder holds each packet until the next one arrives; on
// loopback and a LAN packets are rarely more than a packet or two out of
// order, so a 3-packet window costs at most 60 ms, and only when a packet
// is actually missing (VOICE-NOTES.md, "Buffering you do not need").
//
// A Reorder is not safe for concurrent use; one goroutine owns the track.
type Reorder struct {
	window  int
	started bool
	next    uint16            // sequence number expected next
	pending map[uint16][]byte // arrived ahead of next
	maxAt   int               // distance of the furthest pending packet from next
}

// NewReorder returns a Reorder that waits for a missing packet until window
// later packets have arrived, then declares it lost. Use 3 on loopback.
// A window below 1 is treated as 1.
func NewReorder(window int) *Reorder {
	if window < 1 {
		window = 1
	}
	return &Reorder{window: window, pending: make(map[uint16][]byte)}
}

// Push accepts one packet and returns the packets that are now in order. A
// nil entry stands for a lost packet: the caller fills it with silence
// (pion/opus has no packet-loss concealment). Duplicates and packets that
// arrive after their place was given up are dropped. Sequence numbers wrap
// at 65535. A jump of more than a minute of packets either way is taken as
// a restarted stream: what is pending is flushed and the new number becomes
// the expected one, without a minute of nils.
func (r *Reorder) Push(seq uint16, payload []byte) [][]byte {
	if !r.started {
		r.started = true
		r.next = seq
	}
	d := int(int16(seq - r.next))
	var out [][]byte
	switch {
	case d > maxSeqJump || d < -maxSeqJump:
		out = r.Flush()
		r.started = true
		r.next = seq
		d = 0
	case d < 0:
		return nil // late: its slot was already released
	}
	if _, dup := r.pending[seq]; dup {
		return out
	}
	r.pending[seq] = payload
	if d > r.maxAt {
		r.maxAt = d
	}
	// Release the run that starts at next; while the furthest packet is
	// window or more ahead, give up on the hole at next.
	for len(r.pending) > 0 {
		if p, ok := r.pending[r.next]; ok {
			out = append(out, p)
			delete(r.pending, r.next)
		} else if r.maxAt >= r.window {
			out = append(out, nil)
		} else {
			break
		}
		r.next++
		r.maxAt--
	}
	if len(r.pending) == 0 {
		r.maxAt = 0
	}
	return out
}

// Flush releases everything pending in order, with nils for the holes
// between, and forgets the expected sequence number (the next Push starts
// afresh). Call it when the track ends.
func (r *Reorder) Flush() [][]byte {
	var out [][]byte
	for len(r.pending) > 0 {
		p, ok := r.pending[r.next]
		if ok {
			delete(r.pending, r.next)
		}
		out = append(out, p)
		r.next++
	}
	r.started = false
	r.maxAt = 0
	return out
}
