package httpx

import (
	"errors"
	"io"
	"net/http"
	"runtime"
	"sync"
	"time"
	"weak"
)

// Bodies wraps h so that every request with a body gets the deadlines of BodyWithin
// (stall between reads, the longest times says for the whole body) and a deadline of
// the answer's time times says for taking the answer, and so that an answer given
// before the body was read to its end reaches the client (Linger). Requests without a
// body go through untouched: ReadHeaderTimeout bounded their headers, and setting
// deadlines on every request cost the cached pages a measured 4%.
func Bodies(h http.Handler, stall time.Duration, times func(*http.Request) (body, answer time.Duration)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength == 0 {
			h.ServeHTTP(w, r)
			return
		}
		body, answer := times(r)
		w = BodyWithin(w, r, stall, body)
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(answer))
		h.ServeHTTP(w, r)
		Linger(w)
	})
}

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
	cw := &closeUnread{ResponseWriter: w, body: b, http1: r.ProtoMajor == 1}
	if srv, ok := r.Context().Value(http.ServerContextKey).(*http.Server); ok {
		cw.shutdown = shutdownOf(srv)
	}
	return cw
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
	http1   bool
	lingers bool // the body may be read after the answer (Linger)
	// shutdown is closed when the server begins to shut down (nil: unknown server).
	shutdown <-chan struct{}
}

// shutdowns holds, for each *http.Server that served a body, a channel closed when it
// begins to shut down (RegisterOnShutdown): net/http's Shutdown waits for every active
// connection, and offers a handler no other way to know it should stop. It is keyed by
// a weak pointer, and an entry goes with its server: a strong key kept every server
// ever started (each test's, with its handler, store and caches) for the life of the
// process.
var shutdowns sync.Map // weak.Pointer[http.Server] → chan struct{}

func shutdownOf(srv *http.Server) <-chan struct{} {
	key := weak.Make(srv)
	if ch, ok := shutdowns.Load(key); ok {
		return ch.(chan struct{})
	}
	ch, loaded := shutdowns.LoadOrStore(key, make(chan struct{}))
	if !loaded {
		// Each call of Shutdown runs the hooks again.
		var once sync.Once
		c := ch.(chan struct{})
		srv.RegisterOnShutdown(func() { once.Do(func() { close(c) }) })
		runtime.AddCleanup(srv, func(key weak.Pointer[http.Server]) { shutdowns.Delete(key) }, key)
	}
	return ch.(chan struct{})
}

func (w *closeUnread) start() {
	if !w.started {
		w.started = true
		if !w.body.eof {
			w.Header().Set("Connection", "close")
			// Over HTTP/1 net/http lets a handler read the body after the answer
			// began only in full-duplex mode; HTTP/2 does not need it.
			w.lingers = w.http1 && w.body.rc.EnableFullDuplex() == nil
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

// Linger is called once the handler has returned, with the writer Body returned: when
// the answer was given before the body was read to its end (a refusal of an upload too
// large, from a session that ended, while an import is under way), it sends the answer,
// then reads what is left of the body and throws it away, for at most lingerTotal and
// as long as some arrives every lingerIdle, as nginx's lingering close does. A client
// still sending (a browser writes the whole upload before it reads the answer) would
// otherwise have its connection reset by the close, and show "connection reset", not
// the page that says why; the reset can also discard the answer it had not yet read.
// The cost is bounded by time, never by what the client declares: a body of a gigabyte
// is read for at most lingerTotal, into one small buffer, and not once the server
// begins to shut down (its answer was sent; Shutdown would otherwise wait for the
// client). Over HTTP/2 a refusal ends only its stream; nothing is read.
func Linger(w http.ResponseWriter) {
	cw, ok := w.(*closeUnread)
	if !ok || !cw.started || cw.body.eof || !cw.lingers {
		return
	}
	b := cw.body
	if b.rc.Flush() != nil {
		return
	}
	// A shutdown during a read ends it at once; mu keeps the loop from setting a later
	// deadline after the shutdown set this one.
	var mu sync.Mutex
	stopped := false
	if cw.shutdown != nil {
		// The watcher has ended when Linger returns: the response is not to be used
		// once the handler has.
		done := make(chan struct{})
		var watching sync.WaitGroup
		defer func() { close(done); watching.Wait() }()
		watching.Add(1)
		go func() {
			defer watching.Done()
			select {
			case <-cw.shutdown:
				mu.Lock()
				stopped = true
				b.rc.SetReadDeadline(time.Now())
				mu.Unlock()
			case <-done:
			}
		}()
	}
	end := time.Now().Add(lingerTotal)
	buf := make([]byte, 32<<10)
	for {
		now := time.Now()
		deadline := now.Add(lingerIdle)
		if deadline.After(end) {
			deadline = end
		}
		mu.Lock()
		ok := !stopped && now.Before(end) && b.rc.SetReadDeadline(deadline) == nil
		mu.Unlock()
		if !ok {
			break
		}
		if _, err := b.ReadCloser.Read(buf); err != nil {
			break
		}
	}
	// net/http's own read of what is left (once the handler returns) ends at once.
	b.rc.SetReadDeadline(time.Now())
}

// How long Linger reads what is left of a body after the answer: in all, and between
// two reads that bring something.
const (
	lingerTotal = 30 * time.Second
	lingerIdle  = 2 * time.Second
)

// Unwrap lets http.ResponseController reach the connection.
func (w *closeUnread) Unwrap() http.ResponseWriter { return w.ResponseWriter }
