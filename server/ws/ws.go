// Package ws serves the round websocket: it checks the Origin, upgrades,
// and runs one reader and one writer goroutine per connection (gorilla
// allows one of each), turning client messages into Session calls and
// Session messages into frames.
package ws

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/gorilla/websocket"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/live"
)

const (
	writeWait  = 10 * time.Second
	pongWait   = 60 * time.Second
	pingPeriod = pongWait * 9 / 10
	// sendQueue is how many messages may wait for a slow client before it
	// is disconnected rather than allowed to hold up its session.
	sendQueue = 256
	// Rate limit on client messages: a burst, then a steady rate. Drafts
	// arrive every ~300 ms while typing; ICE candidates come in bursts.
	rateBurst  = 60
	ratePerSec = 20
)

// Handler serves /ws?round=ID.
type Handler struct {
	Hub *live.Hub
	// AllowOrigins are extra Origins accepted besides the request's own host.
	AllowOrigins []string
	Logger       *slog.Logger
	// Observer counts refused messages; may be nil.
	Observer live.Observer
}

// CheckOrigin accepts requests with no Origin (non-browser clients), an
// Origin whose host equals the request Host, or an allowed Origin.
func (h *Handler) CheckOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, o := range h.AllowOrigins {
		if o == "*" || strings.EqualFold(strings.TrimRight(o, "/"), origin) {
			return true
		}
	}
	return false
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	log := h.Logger
	if log == nil {
		log = slog.Default()
	}
	if !h.CheckOrigin(r) {
		log.Warn("websocket origin refused", "origin", r.Header.Get("Origin"), "host", r.Host)
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	roundID := r.URL.Query().Get("round")
	if roundID == "" {
		http.Error(w, "missing round", http.StatusBadRequest)
		return
	}
	up := websocket.Upgrader{
		ReadBufferSize:  4096,
		WriteBufferSize: 4096,
		CheckOrigin:     func(*http.Request) bool { return true }, // checked above
	}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		log.Warn("websocket upgrade", "err", err)
		return
	}
	c := &client{reject: h.rejected, conn: conn, send: make(chan mockloop.Message, sendQueue), closed: make(chan struct{}), quit: make(chan struct{}), log: log.With("round", roundID)}
	go c.writeLoop()
	sess, err := h.Hub.Attach(r.Context(), roundID, c)
	if err != nil {
		code, msg := mockloop.CodeNotFound, "No such round."
		if !errors.Is(err, live.ErrRoundNotFound) {
			code, msg = mockloop.CodeStorage, "Could not open the round: "+err.Error()
			c.log.Error("attach", "err", err)
		}
		c.Close(code, msg)
		<-c.closed
		return
	}
	c.readLoop(sess)
	h.Hub.Detach(sess, c)
	c.shutdown()
	<-c.closed
}

func (h *Handler) rejected(code string) {
	if h.Observer != nil {
		h.Observer.Rejected(code)
	}
}

// client is one connection. send is drained by writeLoop, the only writer.
type client struct {
	reject func(code string)
	conn   *websocket.Conn
	send   chan mockloop.Message
	closed chan struct{} // closed when writeLoop has exited
	log    *slog.Logger

	once     sync.Once
	quit     chan struct{} // closed to make writeLoop finish
	mu       sync.Mutex
	closeMsg *mockloop.Message
}

// Send queues m; a full queue means the client is too slow and is cut off.
func (c *client) Send(m mockloop.Message) bool {
	m.V = mockloop.ProtocolVersion
	select {
	case <-c.done():
		return false
	default:
	}
	select {
	case c.send <- m:
		return true
	default:
		c.log.Warn("client too slow; disconnecting")
		c.shutdown()
		return false
	}
}

// Close sends an error and closes the connection.
func (c *client) Close(code, text string) {
	c.mu.Lock()
	c.closeMsg = &mockloop.Message{V: mockloop.ProtocolVersion, Type: "error", Code: code, Message: text}
	c.mu.Unlock()
	c.shutdown()
}

func (c *client) done() chan struct{} { return c.quit }

func (c *client) shutdown() { c.once.Do(func() { close(c.quit) }) }

func (c *client) writeLoop() {
	defer close(c.closed)
	defer c.conn.Close()
	ping := time.NewTicker(pingPeriod)
	defer ping.Stop()
	write := func(m mockloop.Message) error {
		_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait))
		return c.conn.WriteJSON(m)
	}
	for {
		select {
		case m := <-c.send:
			if err := write(m); err != nil {
				c.shutdown()
				return
			}
		case <-ping.C:
			_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				c.shutdown()
				return
			}
		case <-c.done():
			// Flush what is queued, then the closing error if any.
		flush:
			for {
				select {
				case m := <-c.send:
					if write(m) != nil {
						return
					}
				default:
					break flush
				}
			}
			c.mu.Lock()
			cm := c.closeMsg
			c.mu.Unlock()
			if cm != nil {
				_ = write(*cm)
			}
			_ = c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
			return
		}
	}
}

func (c *client) readLoop(sess *live.Session) {
	c.conn.SetReadLimit(mockloop.MaxMessageBytes)
	_ = c.conn.SetReadDeadline(time.Now().Add(pongWait))
	c.conn.SetPongHandler(func(string) error { return c.conn.SetReadDeadline(time.Now().Add(pongWait)) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-c.done():
			_ = c.conn.SetReadDeadline(time.Now())
		case <-ctx.Done():
		}
	}()
	limiter := rate.NewLimiter(ratePerSec, rateBurst)
	for {
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				c.reject(mockloop.CodeTooLarge)
				c.Close(mockloop.CodeTooLarge, "That message was too large (over 256 KiB).")
			}
			return
		}
		_ = c.conn.SetReadDeadline(time.Now().Add(pongWait))
		if !limiter.AllowN(time.Now(), 1) {
			c.reject(mockloop.CodeRateLimited)
			c.Send(mockloop.Message{Type: "error", Code: mockloop.CodeRateLimited, Message: "Too many messages; slow down."})
			continue
		}
		m, code, msg := Decode(data)
		if code != "" {
			c.reject(code)
			c.Send(mockloop.Message{Type: "error", Code: code, Message: msg})
			continue
		}
		c.dispatch(sess, m)
	}
}

// Decode parses one client message, returning an error code and a message
// for the user when it is not acceptable.
func Decode(data []byte) (m mockloop.Message, code, msg string) {
	if err := json.Unmarshal(data, &m); err != nil {
		return m, mockloop.CodeBadJSON, "That message was not valid JSON."
	}
	if m.V != mockloop.ProtocolVersion {
		return m, mockloop.CodeBadVersion, "This page is out of date; reload it."
	}
	switch m.Type {
	case "hello", "answer", "draft", "done", "skip", "end", "rtc_offer", "rtc_ice", "mute", "ping":
		return m, "", ""
	}
	return m, mockloop.CodeUnknownType, "Unknown message type."
}

func (c *client) dispatch(sess *live.Session, m mockloop.Message) {
	switch m.Type {
	case "hello":
		sess.Hello()
	case "answer":
		sess.Answer(m.ID, m.Text)
	case "draft":
		sess.Draft(m.Text)
	case "done":
		sess.Done()
	case "skip":
		sess.Skip()
	case "end":
		sess.End()
	case "rtc_offer":
		sess.Offer(m.SDP)
	case "rtc_ice":
		sess.ICE(m.Candidate)
	case "mute":
		sess.Mute(m.On != nil && *m.On)
	case "ping":
		c.Send(mockloop.Message{Type: "pong"})
	}
}
