// Package jobs runs the work the site does in the background from a queue in the
// store: today the webhooks' deliveries (claimed under a lease, so that of several
// servers exactly one sends each attempt, and kept across restarts).
package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"broadsheet/internal/news"
)

// Store is what the webhook worker needs of storage.
type Store interface {
	news.WebhookStore
	Article(ctx context.Context, id int64) (*news.Article, error)
	Comment(ctx context.Context, id int64) (*news.Comment, error)
	Settings(ctx context.Context) (map[string]string, error)
}

// Config is how the webhook worker runs; zero values take the defaults.
type Config struct {
	// BaseURL is the site's public address (no trailing slash), which the payloads'
	// links start with; ArticlePath gives an article's path (site.Server.ArticlePath).
	BaseURL     string
	ArticlePath func(a *news.Article) string
	// Now is the clock (tests give their own): due times, backoff, signatures.
	Now func() time.Time
	// Lease is how long a claimed delivery is the worker's (default 4 × Timeout):
	// past it, another worker takes it over. It must exceed Timeout.
	Lease time.Duration
	// Timeout bounds one attempt: connecting, sending, the answer's headers and the
	// part of its body that is read (default 15 s).
	Timeout time.Duration
	// Batch is how many deliveries one claim takes, sent at once (default 8).
	Batch int
	// Poll is how often the queue is looked at (default 2 s).
	Poll time.Duration
	// AllowPrivate, when set, decides whether loopback, private and link-local
	// addresses may be reached, instead of the site's setting
	// (news.SettingWebhooksAllowPrivate).
	AllowPrivate func() bool
	Logger       *slog.Logger
}

// Limits of an answer: MaxAnswerRead bytes of a receiver's body are read (the rest is
// not: the connection is closed), of which news.MaxWebhookAnswer are kept and shown.
const MaxAnswerRead = 64 << 10

// Webhooks sends the webhooks' deliveries.
type Webhooks struct {
	store        Store
	cfg          Config
	log          *slog.Logger
	client       *http.Client
	allowPrivate atomic.Bool // the setting, read at each claim
}

// NewWebhooks returns a worker; Run (or RunOnce) sends.
func NewWebhooks(store Store, cfg Config) *Webhooks {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.Lease <= cfg.Timeout {
		// An attempt ends within Timeout, and its recording follows at once: the rest
		// is room for a slow disk, not for the receiver.
		cfg.Lease = 4 * cfg.Timeout
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 8
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 2 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	w := &Webhooks{store: store, cfg: cfg, log: cfg.Logger}
	w.client = NewClient(w.private, cfg.Timeout)
	return w
}

func (w *Webhooks) private() bool {
	if w.cfg.AllowPrivate != nil {
		return w.cfg.AllowPrivate()
	}
	return w.allowPrivate.Load()
}

// RefusedError is a connection the SSRF guard refused.
type RefusedError struct{ Address string }

func (e *RefusedError) Error() string {
	return "refused to connect to " + e.Address + ": a loopback, private or link-local address (allow private addresses on the Webhooks screen to reach it)"
}

// NewClient returns the HTTP client deliveries are sent with. Every address it
// connects to is checked after DNS resolution, in the dialer's Control function, so
// that neither a name resolving to an internal address nor DNS rebinding (a name
// answering a public address to a first check and an internal one to the connection)
// reaches the server's own network: unless allowPrivate() says so, an address that
// news.PublicAddress refuses (loopback, private, link-local — cloud metadata at
// 169.254.169.254 —, unspecified, multicast, IPv4-mapped forms of these) is not
// connected to. No proxy from the environment is used (it would connect for us), no
// redirect is followed (the answer is the 3xx), and timeout bounds each request.
func NewClient(allowPrivate func() bool, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{
		Timeout: min(timeout, 10*time.Second),
		Control: func(network, address string, _ syscall.RawConn) error {
			if allowPrivate() || news.PublicHostPort(address) {
				return nil
			}
			return &RefusedError{Address: address}
		},
	}
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  timeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        30 * time.Second,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Run sends deliveries until ctx ends: a claim every Poll (at once again after a full
// batch; after failures, waiting twice as long each time up to 32 × Poll, so that a
// database that cannot be written does not fill the log), and once an hour the deletion
// of deliveries finished more than news.WebhookKeepDeliveries ago.
func (w *Webhooks) Run(ctx context.Context) {
	var purged time.Time
	failures := 0
	for {
		if now := w.cfg.Now(); now.Sub(purged) >= time.Hour {
			if n, err := w.store.PurgeWebhookDeliveries(ctx, now.Add(-news.WebhookKeepDeliveries)); err != nil && ctx.Err() == nil {
				w.log.Error("purge old webhook deliveries", "err", err)
			} else if n > 0 {
				w.log.Info("old webhook deliveries deleted", "count", n)
			}
			purged = now
		}
		n, err := w.RunOnce(ctx)
		wait := w.cfg.Poll
		switch {
		case err != nil && ctx.Err() == nil:
			w.log.Error("send webhooks", "err", err)
			failures = min(failures+1, 5)
			wait <<= failures
		case err == nil:
			failures = 0
			if n == w.cfg.Batch {
				wait = 0
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// RunOnce claims the deliveries due now (at most Batch), sends them at once, records
// each outcome and returns how many it claimed. A delivery whose sending ctx cut is not
// recorded: its lease runs out and another worker sends it.
func (w *Webhooks) RunOnce(ctx context.Context) (int, error) {
	if w.cfg.AllowPrivate == nil {
		settings, err := w.store.Settings(ctx)
		if err != nil {
			return 0, fmt.Errorf("read the webhooks' setting: %w", err)
		}
		allow := settings[news.SettingWebhooksAllowPrivate] == "yes"
		if w.allowPrivate.Swap(allow) && !allow {
			// A kept connection to a private address must not outlive the permission.
			w.client.CloseIdleConnections()
		}
	}
	ds, err := w.store.ClaimWebhookDeliveries(ctx, w.cfg.Now(), w.cfg.Lease, w.cfg.Batch)
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	for _, d := range ds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.deliver(ctx, d)
		}()
	}
	wg.Wait()
	return len(ds), nil
}

// deliver makes one attempt and records it.
func (w *Webhooks) deliver(ctx context.Context, d *news.WebhookDelivery) {
	body := d.Payload
	if body == nil {
		// Built and kept before the first send: whoever retries sends these bytes. An
		// erasure of the comment between the read and the keeping: built again.
		var err error
		for try := 0; try < 2; try++ {
			var personal bool
			if body, personal, err = w.payload(ctx, d); err == nil {
				err = w.store.KeepWebhookPayload(ctx, d.ID, d.Lease, body, personal)
			}
			if !errors.Is(err, news.ErrNotFound) {
				break
			}
		}
		if err != nil {
			if ctx.Err() == nil {
				w.log.Error("build a webhook's payload", "delivery", d.ID, "event", d.Event, "err", err)
			}
			return // the lease runs out; the next attempt builds it again
		}
	}
	res := w.send(ctx, d, body)
	if ctx.Err() != nil {
		return
	}
	res.At = w.cfg.Now()
	if !res.Delivered {
		res.NextAt = news.WebhookRetryAt(d.Attempts, d.FirstTriedAt, res.At)
	}
	if err := w.store.FinishWebhookDelivery(context.WithoutCancel(ctx), d.ID, d.Lease, res); err != nil {
		// ErrStale: the attempt took longer than the lease, and another worker has the
		// delivery now; it will send (receivers dedupe by Broadsheet-Delivery).
		w.log.Error("record a webhook delivery", "delivery", d.ID, "err", err)
		return
	}
	switch {
	case res.Delivered:
		w.log.Info("webhook delivered", "delivery", d.ID, "event", d.Event, "hook", d.HookID, "status", res.Code)
	case res.NextAt.IsZero():
		w.log.Warn("webhook given up", "delivery", d.ID, "event", d.Event, "hook", d.HookID, "attempts", d.Attempts, "err", res.Error)
	default:
		w.log.Info("webhook attempt failed", "delivery", d.ID, "event", d.Event, "hook", d.HookID, "attempt", d.Attempts, "err", res.Error)
	}
}

// send POSTs the body to the delivery's URL and says how it went.
func (w *Webhooks) send(ctx context.Context, d *news.WebhookDelivery, body []byte) news.DeliveryResult {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return news.DeliveryResult{Error: "the address cannot be requested: " + err.Error()}
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "Broadsheet-Webhooks/1")
	h.Set(EventHeader, d.Event)
	h.Set(DeliveryHeader, strconv.FormatInt(d.ID, 10))
	h.Set(SignatureHeader, Sign(d.Secret, w.cfg.Now(), body))
	resp, err := w.client.Do(req)
	if err != nil {
		return news.DeliveryResult{Error: describe(err)}
	}
	defer resp.Body.Close()
	// An answer's body cut short (or one slower than the timeout) still has its
	// status: a 2xx is delivered.
	read, _ := io.ReadAll(io.LimitReader(resp.Body, MaxAnswerRead))
	res := news.DeliveryResult{Code: resp.StatusCode, Answer: answerExcerpt(read)}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		res.Delivered = true
		return res
	}
	res.Error = "HTTP " + resp.Status
	if resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.Header.Get("Location") != "" {
		res.Error += " (a redirect, not followed: register the address it leads to)"
	}
	return res
}

// describe says what went wrong with a request, in words an administrator can act on.
// The request's address is left out: it may hold a token (many services put their
// secret in the path), and this text goes to the log.
func describe(err error) string {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		err = ue.Err
	}
	var refused *RefusedError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &refused):
		return refused.Error()
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "the host name " + dnsErr.Name + " was not found"
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return "no answer in time"
	}
	return err.Error()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// answerExcerpt is the start of an answer's body as text: at most
// news.MaxWebhookAnswer bytes, cut at a character's end, invalid UTF-8 and NULs
// replaced.
func answerExcerpt(b []byte) string {
	if len(b) > news.MaxWebhookAnswer {
		b = b[:news.MaxWebhookAnswer]
		for i := 0; i < utf8.UTFMax-1 && len(b) > 0; i++ { // a character cut in two
			if r, size := utf8.DecodeLastRune(b); r != utf8.RuneError || size != 1 {
				break
			}
			b = b[:len(b)-1]
		}
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}
