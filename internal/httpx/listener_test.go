package httpx

import (
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Clients that pipeline requests and never read their answers hold no connection for
// long, and never more than the bound: a reader who comes after them is served.
func TestStalledReadersDoNotLockOutOthers(t *testing.T) {
	big := strings.Repeat("feed item ", 50000) // 500 KB: more than a socket's buffers take
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	counted := &countingListener{Listener: ln}
	lim := Listen(counted, 4, 0, 300*time.Millisecond)
	srv := &http.Server{
		Handler:   http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, big) }),
		ConnState: lim.ConnState,
	}
	go srv.Serve(lim)
	defer srv.Close()

	var stalled []net.Conn
	for i := 0; i < 4; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.(*net.TCPConn).SetReadBuffer(4096)
		io.WriteString(c, strings.Repeat("GET /feed.xml HTTP/1.1\r\nHost: x\r\n\r\n", 20))
		stalled = append(stalled, c)
	}
	// Six more send one request each, never read its answer (which fits in the
	// socket's buffers) and leave the connection idle, waiting in the backlog first.
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET /feed.xml HTTP/1.1\r\nHost: x\r\n\r\n")
	}
	wg.Add(1)
	var status int
	var got int
	go func() {
		defer wg.Done()
		client := &http.Client{Timeout: 30 * time.Second} // a bound for the test, not a figure asserted
		resp, err := client.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			t.Errorf("a reader behind stalled clients: %v", err)
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		status, got = resp.StatusCode, len(b)
	}()
	wg.Wait()
	if status != 200 || got != len(big) {
		t.Errorf("the reader got %d with %d bytes", status, got)
	}
	if m := counted.most.Load(); m > 4 {
		t.Errorf("%d connections were open at once; the bound is 4", m)
	}
	// The server cut the stalled clients off (the test waits for it, within a bound).
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		open := 0
		for _, c := range stalled {
			if !counted.isClosed(c.LocalAddr().String()) {
				open++
			}
		}
		if open == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of the stalled connections are still open", open)
		}
	}
}

// countingListener counts the connections open at once.
type countingListener struct {
	net.Listener
	open, most atomic.Int64
	closed     sync.Map // remote addresses of the connections closed
}

func (l *countingListener) isClosed(remote string) bool { _, ok := l.closed.Load(remote); return ok }

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	n := l.open.Add(1)
	for m := l.most.Load(); n > m && !l.most.CompareAndSwap(m, n); m = l.most.Load() {
	}
	return &countedConn{Conn: c, l: l}, nil
}

type countedConn struct {
	net.Conn
	l    *countingListener
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.l.open.Add(-1); c.l.closed.Store(c.RemoteAddr().String(), true) })
	return c.Conn.Close()
}

// One client may hold at most perClient connections; others are not held back.
func TestConnectionsPerClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lim := Listen(ln, 12, 100, time.Second) // a quarter of the 12: three
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), ConnState: lim.ConnState}
	go srv.Serve(lim)
	defer srv.Close()
	var held []net.Conn
	for i := 0; i < 3; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n") // answered, then idle
		held = append(held, c)
	}
	time.Sleep(100 * time.Millisecond) // the three are accepted (not a figure asserted)
	fourth, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer fourth.Close()
	fourth.SetReadDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(fourth, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if b, _ := io.ReadAll(fourth); len(b) != 0 {
		t.Errorf("a fourth connection from one client was served: %q", b)
	}
	held[0].Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		b, _ := io.ReadAll(c)
		c.Close()
		if strings.Contains(string(b), "200 OK") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a slot freed by the client was not given back")
		}
	}
}
