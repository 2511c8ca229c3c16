package httpx

import (
	"fmt"
	"io"
	"net"
	"net/http"
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
// answers at once, and the connection is closed rather than read for what is left.
func TestUnreadBodiesDoNotDelayTheAnswer(t *testing.T) {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w = Body(w, r, 30*time.Second)
		io.WriteString(w, "answered")
	})}
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
		b, err := io.ReadAll(c)
		c.Close()
		if !strings.Contains(string(b), "200 OK") || !strings.Contains(string(b), "Connection: close") || err != nil {
			t.Errorf("%q: %q (%v)", req, b, err)
		}
	}
}
