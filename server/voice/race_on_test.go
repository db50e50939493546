//go:build race

package voice

// longAnswerMinutes is how long TestListenerLongAnswer talks: under the
// race detector, whose pitch tracking runs ten times slower, six minutes
// find the same races and still outgrow the heap bound if audio were kept.
const longAnswerMinutes = 6
