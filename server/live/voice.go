package live

import (
	"context"
	"github.com/mockloop/mockloop/server"

	"github.com/mockloop/mockloop/server/round"
)

// VoiceDeps are the engines of the spoken path.
type VoiceDeps struct{}

// voiceSession is the microphone and speaker of one session.
type voiceSession struct{}

// speechOut turns the interviewer's streamed text into audio.
type speechOut struct{ done chan struct{} }

func (o *speechOut) push(chunk string) {}
func (o *speechOut) reset()            {}
func (o *speechOut) finish()           {}

func (s *Session) voiceOut(ctx context.Context, r *reply) *speechOut { return nil }
func (s *Session) stopVoice(reason string)                           {}
func (s *Session) voiceNewAnswer(m round.Move)                       {}

// Done is the "I'm done" button: commit the spoken turn now.
func (s *Session) Done() {
	s.Do(func() {
		if s.voice == nil {
			s.sendError(server.CodeRTC, "The microphone is not connected; submit a typed answer instead.")
			return
		}
		s.voiceDone()
	})
}

// Offer starts the microphone from a WebRTC offer.
func (s *Session) Offer(sdp string) {
	s.Do(func() { s.startVoice(sdp) })
}

// ICE adds a trickled candidate from the browser.
func (s *Session) ICE(candidate []byte) {
	s.Do(func() { s.addICE(candidate) })
}

// Mute stops or resumes listening without tearing down WebRTC.
func (s *Session) Mute(on bool) {
	s.Do(func() { s.setMute(on) })
}

func (s *Session) voiceDone() {}
func (s *Session) startVoice(sdp string) {
	s.sendError(server.CodeRTC, "Voice is not enabled on this server; type your answers.")
}
func (s *Session) addICE(candidate []byte) {}
func (s *Session) setMute(on bool)         {}
