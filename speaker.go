package mockloop

import "context"

type speakerKey struct{}

// WithSpeaker marks ctx as carrying one speaker's audio (one round's
// microphone). A recogniser that adapts to the microphone, as
// pocketsphinx's cepstral mean does, keeps what it learnt per speaker and
// starts every other speaker afresh, so one session's voice never shapes
// another's transcript.
func WithSpeaker(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, speakerKey{}, key)
}

// Speaker returns the key WithSpeaker put in ctx, or "" for audio of no
// known speaker (a file, a benchmark clip).
func Speaker(ctx context.Context) string {
	k, _ := ctx.Value(speakerKey{}).(string)
	return k
}
