package httpx

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// A body that keeps coming arrives, however slowly; one that stops, or dribbles past
// the whole body's time, is cut off, and the handler is told.
func TestBodiesMustKeepComing(t *testing.T) {
	got := make(chan string, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Body(w, r, 300*time.Millisecond)
		b, err := io.ReadAll(r.Body)
		got <- fmt.Sprintf("%d %v", len(b), err)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	// send declares 1,000 bytes and sends parts of them, one every so often.
	send := func(sent, parts int, every time.Duration) string {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", 1000)
		for i := 0; i < sent; i++ {
			time.Sleep(every)
			if _, err := c.Write([]byte(strings.Repeat("x", 1000/parts))); err != nil {
				break
			}
		}
		select {
		case r := <-got:
			return r
		case <-time.After(20 * time.Second): // a bound for the test, not a figure asserted
			t.Fatal("the handler never finished")
			return ""
		}
	}
	if r := send(10, 10, 100*time.Millisecond); r != "1000 <nil>" {
		t.Errorf("a slow but steady body: %s", r)
	}
	if r := send(1, 10, 0); !strings.Contains(r, "timeout") {
		t.Errorf("a body that stops: %s", r)
	}
	// A dribble past the whole body's time (a minute and a bit for 1,000 bytes) is
	// the same mechanism; it is not waited for here.
}

// A handler that answers without reading the body (a GET that declared one, a refusal)
// answers at once, and says the connection will be closed rather than kept for what
// is left; a client that sends nothing more is not waited for longer than Linger's
// pause.
func TestUnreadBodiesDoNotDelayTheAnswer(t *testing.T) {
	srv := &http.Server{Handler: Bodies(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "answered")
	}), 30*time.Second, func(*http.Request) (time.Duration, time.Duration) { return time.Minute, time.Minute })}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	for _, req := range []string{"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n",
		"HEAD / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n",
		"POST /refused HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc",
		"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"} {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Second)) // far below the 30 s stall
		io.WriteString(c, req)
		br := bufio.NewReader(c)
		r, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("%q: %v", req, err)
		}
		if r.StatusCode != http.StatusOK || !r.Close {
			t.Errorf("%q: %d %v", req, r.StatusCode, r.Header)
		}
		// The server then reads for what is left, and closes when none comes.
		if _, err := io.ReadAll(br); err != nil {
			t.Errorf("%q: not closed: %v", req, err)
		}
		c.Close()
	}
}

// A client that writes its whole upload before it reads the answer, as browsers do,
// gets the refusal a handler gave without reading the body: the body is read and
// thrown away after the answer. Closed at once, the connection would be reset under
// the client's writes, and its answer with it.
func TestRefusedUploadIsAnswered(t *testing.T) {
	srv := &http.Server{Handler: Bodies(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
	}), 30*time.Second, func(*http.Request) (time.Duration, time.Duration) { return time.Minute, time.Minute })}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	// Larger than the socket buffers on both sides, so that the client is still
	// writing when the server has answered.
	const size = 64 << 20
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", size)
	chunk := make([]byte, 256<<10)
	for sent := 0; sent < size; sent += len(chunk) {
		if _, err := c.Write(chunk); err != nil {
			t.Fatalf("the upload was cut off after %d of %d bytes: %v", sent, size, err)
		}
	}
	r, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if body, _ := io.ReadAll(r.Body); r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "too large") {
		t.Errorf("%d %q", r.StatusCode, body)
	}
}

// A client that goes on sending, slowly, the body of an upload already refused holds
// no server's shutdown: the lingering read is a courtesy to a client still writing, and
// stops when the server shuts down. It held the shutdown for lingerTotal (30 s), past
// serve's 10 s grace, which then exited with "context deadline exceeded".
func TestLingerEndsAtShutdown(t *testing.T) {
	srv := &http.Server{Handler: Bodies(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "refused", http.StatusUnauthorized)
	}), 30*time.Second, func(*http.Request) (time.Duration, time.Duration) { return time.Minute, time.Minute })}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\nxxxx", 1<<30)
	if _, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil {
		t.Fatal(err)
	}
	// A byte well within lingerIdle, until the connection is closed.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if _, err := c.Write([]byte("x")); err != nil {
				return
			}
		}
	}()
	// serve's grace for the requests under way.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// A server that served a body is not kept once it is gone: the record of its shutdown
// (shutdowns) goes with it. Each test's server held its handler, store and caches for
// the life of the test binary, whose memory tests then measured them.
func TestServersAreNotKept(t *testing.T) {
	entries := func() int {
		n := 0
		shutdowns.Range(func(any, any) bool { n++; return true })
		return n
	}
	before := entries()
	for range 3 {
		srv := &http.Server{Handler: Bodies(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
		}), 30*time.Second, func(*http.Request) (time.Duration, time.Duration) { return time.Minute, time.Minute })}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go srv.Serve(ln)
		r, err := http.Post("http://"+ln.Addr().String()+"/", "text/plain", strings.NewReader("a body"))
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		srv.Close()
	}
	http.DefaultClient.CloseIdleConnections()
	if entries() < before+3 {
		t.Fatalf("%d servers recorded, want %d", entries()-before, 3)
	}
	for i := 0; i < 50 && entries() > before; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := entries() - before; n > 0 {
		t.Errorf("%d servers kept after they were gone", n)
	}
}
