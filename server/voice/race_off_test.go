//go:build !race

package voice

// longAnswerMinutes is how long TestListenerLongAnswer talks: the
// 20-minute monologue of the brief.
const longAnswerMinutes = 20
