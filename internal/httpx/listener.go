package httpx

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Listener bounds how many connections are open at once, and makes every connection
// show progress when it is sent something. Build it with Listen; give its ConnState
// method to the http.Server (ConnState field), which tells it which connections are idle.
type Listener struct {
	net.Listener
	slots     chan struct{}
	timeout   time.Duration
	perClient int
	done      chan struct{}
	close     sync.Once

	mu      sync.Mutex
	idle    map[*progressConn]time.Time // connections waiting for a next request, and since when
	clients map[string]int              // open connections by client (LimitKey of the address)
}

// Listen wraps ln so that at most maxConns connections are open at once and every write
// must finish within writeTimeout of its start.
//
// Past maxConns, new clients wait in the kernel's backlog, holding no descriptor of
// ours (the database and the media files need theirs), while the oldest idle keep-alive
// connections are closed to make room, as nginx does when it runs out of connections:
// a client that sends one request, never reads the answer and lets the connection sit
// holds a slot only until someone else needs it.
//
// A client that pipelines requests and never reads its answers fills its socket's
// buffer; the blocked write then fails at its deadline and the connection is closed,
// however the request was routed. The deadline is set at the start of a write, at most
// once a second per connection, so cached pages pay a clock read per write rather than
// a timer update per response; a slow client that keeps reading is not cut off, one
// that stops is.
//
// perClient, when above 0, bounds the connections one client (an address, an IPv6 /64)
// may hold — and never more than a quarter of maxConns: one more is closed as soon as
// it is accepted, so that one machine cannot take every slot. Behind a reverse proxy
// every connection comes from the proxy: pass 0.
func Listen(ln net.Listener, maxConns, perClient int, writeTimeout time.Duration) *Listener {
	maxConns = max(1, maxConns)
	if perClient > 0 {
		perClient = min(perClient, max(1, maxConns/4))
	}
	return &Listener{Listener: ln, slots: make(chan struct{}, maxConns), timeout: writeTimeout, perClient: perClient,
		done: make(chan struct{}), idle: map[*progressConn]time.Time{}, clients: map[string]int{}}
}

// Accept waits for a free slot (reclaiming idle connections when there is none), then
// for a connection.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	default:
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for taken := false; !taken; {
			l.reclaim()
			select {
			case l.slots <- struct{}{}:
				taken = true
			case <-l.done:
				return nil, net.ErrClosed
			case <-t.C:
			}
		}
	}
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			<-l.slots
			return nil, err
		}
		client := ""
		if l.perClient > 0 {
			if host, _, err := net.SplitHostPort(c.RemoteAddr().String()); err == nil {
				client = LimitKey(host)
			}
			l.mu.Lock()
			over := l.clients[client] >= l.perClient
			if !over {
				l.clients[client]++
			}
			l.mu.Unlock()
			if over {
				c.Close()
				continue
			}
		}
		pc := &progressConn{Conn: c, timeout: l.timeout}
		pc.release = func() {
			l.mu.Lock()
			delete(l.idle, pc)
			if l.perClient > 0 {
				if l.clients[client]--; l.clients[client] <= 0 {
					delete(l.clients, client)
				}
			}
			l.mu.Unlock()
			<-l.slots
		}
		return pc, nil
	}
}

// reclaim closes the connection that has been idle longest, if any.
func (l *Listener) reclaim() {
	l.mu.Lock()
	var oldest *progressConn
	var since time.Time
	for c, t := range l.idle {
		if oldest == nil || t.Before(since) {
			oldest, since = c, t
		}
	}
	delete(l.idle, oldest)
	l.mu.Unlock()
	if oldest != nil {
		oldest.Close()
	}
}

// ConnState keeps track of idle connections; set it as the http.Server's ConnState.
func (l *Listener) ConnState(c net.Conn, state http.ConnState) {
	pc, ok := c.(*progressConn)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if state == http.StateIdle && !pc.closed.Load() {
		l.idle[pc] = time.Now()
	} else {
		delete(l.idle, pc)
	}
}

// Close stops accepting; open connections are the server's to close.
func (l *Listener) Close() error {
	l.close.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// progressConn is a connection whose writes have a deadline (see Listen).
type progressConn struct {
	net.Conn
	timeout time.Duration
	set     atomic.Int64 // when the write deadline was last set, Unix nanoseconds
	release func()
	closed  atomic.Bool
}

func (c *progressConn) Write(b []byte) (int, error) {
	if c.timeout > 0 {
		now := time.Now()
		if n := now.UnixNano(); n-c.set.Load() > int64(time.Second) {
			c.Conn.SetWriteDeadline(now.Add(c.timeout))
			c.set.Store(n)
		}
	}
	return c.Conn.Write(b)
}

// SetWriteDeadline lets a handler give a response more time (a long upload's answer);
// the next write's own deadline comes no sooner than a second later. Clearing the
// deadline, as net/http does after every response, is ignored: the progress deadline
// stays, and lapses harmlessly on an idle connection.
func (c *progressConn) SetWriteDeadline(t time.Time) error {
	if t.IsZero() && c.timeout > 0 {
		return nil
	}
	c.set.Store(time.Now().UnixNano())
	return c.Conn.SetWriteDeadline(t)
}

func (c *progressConn) Close() error {
	err := c.Conn.Close()
	if !c.closed.Swap(true) {
		c.release()
	}
	return err
}
