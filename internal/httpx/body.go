package httpx

import (
	"io"
	"net/http"
	"time"
)

// ProgressBody makes r's body a reader that must keep coming: each read must bring
// something within stall, and the whole body must arrive within total. A slow client
// that keeps sending (a camera photo over a poor line) gets its upload through; one
// that stops, or dribbles a byte at a time, is cut off and its connection freed. The
// handler sees a read error (os.ErrDeadlineExceeded), which it should answer as a body
// that did not arrive. The deadline is renewed at most four times a stall.
func ProgressBody(w http.ResponseWriter, r *http.Request, stall, total time.Duration) {
	rc := http.NewResponseController(w)
	now := time.Now()
	b := &progressBody{ReadCloser: r.Body, rc: rc, stall: stall, end: now.Add(total)}
	b.renew(now)
	r.Body = b
}

type progressBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	stall   time.Duration
	end     time.Time
	renewed time.Time
}

func (b *progressBody) renew(now time.Time) {
	b.renewed = now
	b.rc.SetReadDeadline(earlier(now.Add(b.stall), b.end))
}

func (b *progressBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if now := time.Now(); n > 0 && now.Sub(b.renewed) > b.stall/4 {
		b.renew(now)
	}
	return n, err
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
