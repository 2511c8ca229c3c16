package httpx

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// Body bounds how long a request's body may take, and returns the writer the handler
// must answer through.
//
// The body must keep coming: each read must bring something within stall, and the
// whole body must arrive within a minute plus the time its declared length takes at
// minRate (an upload of 15 MB at 32 KB/s: under nine minutes), at most maxTotal. A slow
// client that keeps sending gets its upload through; one that stops, or dribbles a byte
// at a time, is cut off and its connection freed; the handler sees a read error
// (os.ErrDeadlineExceeded), which it should answer as a body that did not arrive.
//
// A handler that answers without reading the whole body (a refusal, a 404, a GET that
// carried one) closes the connection: net/http would otherwise read what is left of a
// small body before sending the answer, waiting on a client that never sends it.
func Body(w http.ResponseWriter, r *http.Request, stall time.Duration) http.ResponseWriter {
	return BodyWithin(w, r, stall, maxTotal)
}

// BodyWithin is Body with another bound on the whole body's time than 15 minutes: for
// a route whose bodies may be larger than a minute plus 15 minutes at the minimum pace
// carries (the admin's WordPress import takes files of a gigabyte), and whose handler
// reads nothing before it has checked who sends it.
func BodyWithin(w http.ResponseWriter, r *http.Request, stall, longest time.Duration) http.ResponseWriter {
	if r.ContentLength == 0 {
		return w
	}
	total := time.Minute
	if r.ContentLength > 0 {
		total += time.Duration(r.ContentLength / minRate * int64(time.Second))
	}
	now := time.Now()
	b := &progressBody{ReadCloser: r.Body, rc: http.NewResponseController(w), stall: stall, end: now.Add(min(total, longest))}
	b.renew(now)
	r.Body = b
	return &closeUnread{ResponseWriter: w, body: b}
}

// The pace every body must keep, on average, after its first minute, and the longest
// any body may take.
const (
	minRate  = 32 << 10 // bytes a second
	maxTotal = 15 * time.Minute
)

type progressBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	stall   time.Duration
	end     time.Time
	renewed time.Time
	eof     bool
}

func (b *progressBody) renew(now time.Time) {
	b.renewed = now
	deadline := now.Add(b.stall)
	if b.end.Before(deadline) {
		deadline = b.end
	}
	b.rc.SetReadDeadline(deadline)
}

func (b *progressBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if errors.Is(err, io.EOF) {
		b.eof = true
	}
	if now := time.Now(); n > 0 && now.Sub(b.renewed) > b.stall/4 {
		b.renew(now)
	}
	return n, err
}

// closeUnread asks for the connection to be closed when the answer starts before the
// body was read to its end.
type closeUnread struct {
	http.ResponseWriter
	body    *progressBody
	started bool
}

func (w *closeUnread) start() {
	if !w.started {
		w.started = true
		if !w.body.eof {
			w.Header().Set("Connection", "close")
			// net/http reads what is left of a small body once the handler returns;
			// it is of no use now, so that read ends at once and the connection is
			// freed.
			w.body.rc.SetReadDeadline(time.Now())
		}
	}
}

func (w *closeUnread) WriteHeader(code int) {
	w.start()
	w.ResponseWriter.WriteHeader(code)
}

func (w *closeUnread) Write(p []byte) (int, error) {
	w.start()
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *closeUnread) Unwrap() http.ResponseWriter { return w.ResponseWriter }
