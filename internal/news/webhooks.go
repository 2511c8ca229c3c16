package news

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Webhooks: administrators register addresses that are told, by an HTTP POST of a JSON
// document, when something happens on the site. The events are queued in the store by
// the write that causes them, in its transaction (so that none is lost when a process
// dies, and none is sent for a write that was rolled back), and sent by package jobs.

// Webhook events. A delivery's Event is one of these.
const (
	// EventArticlePublished: an article became public (the editor, a scheduled time
	// that came, a bulk action). Not sent for imported articles.
	EventArticlePublished = "article.published"
	// EventArticleUpdated: a published article was saved again, and stays published.
	EventArticleUpdated = "article.updated"
	// EventArticleUnpublished: a published article went back to draft, review,
	// scheduled or the trash.
	EventArticleUnpublished = "article.unpublished"
	// EventCommentPosted: a comment was stored, pending or approved (not an imported
	// one, nor one the spam rules put straight in spam).
	EventCommentPosted = "comment.posted"
	// EventCommentApproved: a comment became approved: by a moderator, a staff reply,
	// or at posting when the moderation rule let it through.
	EventCommentApproved = "comment.approved"
	// EventPing is the test event an administrator sends from the admin; it goes to
	// one webhook only, whatever its events.
	EventPing = "ping"
)

// WebhookEvents are the events a webhook may ask for, in the order the admin shows them.
var WebhookEvents = []string{EventArticlePublished, EventArticleUpdated, EventArticleUnpublished,
	EventCommentPosted, EventCommentApproved}

// SettingWebhooksAllowPrivate, "yes", lets webhooks be sent to loopback, private and
// link-local addresses (a receiver on the same host or network). Off by default: an
// administrator's URL must not become a way to reach the server's own network
// (server-side request forgery).
const SettingWebhooksAllowPrivate = "webhooks_allow_private"

// Webhook is an address told of the events it asks for.
type Webhook struct {
	ID  int64
	URL string // absolute http or https (CheckWebhookURL)
	// Events are the events it receives (WebhookEvents), each once.
	Events []string
	// Secret keys the HMAC-SHA256 signature of every delivery (NewWebhookSecret). The
	// admin shows it once, when the webhook is added; stores keep it to sign.
	Secret    string
	Enabled   bool
	CreatedAt time.Time
}

// DeliveryStatus is where a delivery is.
type DeliveryStatus string

const (
	DeliveryPending   DeliveryStatus = "pending"   // waiting for its (next) attempt
	DeliveryDelivered DeliveryStatus = "delivered" // answered with a 2xx status
	DeliveryFailed    DeliveryStatus = "failed"    // given up (WebhookGiveUpAfter)
)

// WebhookDelivery is one event to be sent to one webhook.
type WebhookDelivery struct {
	ID     int64
	HookID int64
	URL    string // the webhook's, at the time it is read
	Secret string // the webhook's; only ClaimWebhookDeliveries fills it
	Event  string
	// SubjectID is the article's or the comment's ID (the webhook's for a ping).
	SubjectID  int64
	OccurredAt time.Time
	// Payload is the JSON sent, kept before the first attempt (KeepWebhookPayload) so
	// that every retry sends the same bytes; nil before.
	Payload  []byte
	Status   DeliveryStatus
	Attempts int       // attempts started, counting the one in progress
	NextAt   time.Time // when a pending delivery is due
	// FirstTriedAt is when the first attempt (since the last "retry now") started; the
	// delivery is given up WebhookGiveUpAfter later.
	FirstTriedAt time.Time
	// LeasedUntil: a worker is sending it until then (a pending delivery whose lease
	// ran out is claimed again: its worker died).
	LeasedUntil time.Time
	// Lease is the claim's token (ClaimWebhookDeliveries); FinishWebhookDelivery must
	// give it back.
	Lease string
	// The last attempt: when it ended, the HTTP status (0: no answer), the start of the
	// answer's body, and what went wrong in words ("" when it was delivered).
	LastAt     time.Time
	LastCode   int
	LastAnswer string
	LastError  string
}

// DeliveryResult is how an attempt ended, for FinishWebhookDelivery.
type DeliveryResult struct {
	Delivered bool      // a 2xx answer
	NextAt    time.Time // not delivered: the next attempt's time; zero gives up
	At        time.Time
	Code      int
	Answer    string // at most MaxWebhookAnswer bytes, valid UTF-8
	Error     string
}

// MaxWebhookAnswer is how much of a receiver's answer is kept and shown (bytes).
const MaxWebhookAnswer = 1024

// WebhookStore keeps webhooks and their deliveries. Deliveries are created by the
// store itself, in the transaction of the write that causes their event (see the Event
// constants), one per enabled webhook that asks for the event.
type WebhookStore interface {
	// CreateWebhook stores h (URL checked by CheckWebhookURL, events by
	// CheckWebhookEvents: ErrInvalid otherwise) and sets its ID and CreatedAt.
	CreateWebhook(ctx context.Context, h *Webhook) error
	// Webhooks lists every webhook, oldest first, without their secrets.
	Webhooks(ctx context.Context) ([]*Webhook, error)
	// SetWebhookEnabled turns a webhook on or off; a disabled one gets no new
	// delivery and its pending ones wait. ErrNotFound when there is none.
	SetWebhookEnabled(ctx context.Context, id int64, enabled bool) error
	// DeleteWebhook deletes a webhook and its deliveries. ErrNotFound when there is none.
	DeleteWebhook(ctx context.Context, id int64) error
	// EnqueueWebhookPing queues a ping (EventPing) to one webhook, due at once, and
	// returns the delivery's ID.
	EnqueueWebhookPing(ctx context.Context, hookID int64, at time.Time) (int64, error)
	// WebhookDeliveries returns at most limit deliveries, newest first, of one webhook
	// (hookID 0: of all), without payload or secret.
	WebhookDeliveries(ctx context.Context, hookID int64, limit int) ([]*WebhookDelivery, error)
	// ClaimWebhookDeliveries takes at most limit pending deliveries due at now (NextAt
	// passed, no lease running) of enabled webhooks, oldest due first, and leases them
	// until now+lease: each gets a new Lease token, one more Attempts and, on its first
	// attempt, FirstTriedAt = now. Of several callers at once, in this process or
	// another, each delivery goes to one.
	ClaimWebhookDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*WebhookDelivery, error)
	// KeepWebhookPayload stores the payload of a delivery that has none yet, before its
	// first attempt is sent, so that a retry — by this worker, or by another after
	// this one died mid-send — sends the same bytes. ErrStale when lease is no longer
	// the delivery's. personal says the payload copies a comment's author or text: it
	// is then kept only if the comment is still there and not emptied (ErrNotFound
	// otherwise: an erasure came in between, and the caller builds it again), and an
	// erasure or deletion of the comment forgets it (a commenter's erasure leaves no
	// copy: see PrivacyStore).
	KeepWebhookPayload(ctx context.Context, id int64, lease string, payload []byte, personal bool) error
	// FinishWebhookDelivery records an attempt's end: delivered, due again at
	// r.NextAt, or failed (r.NextAt zero). ErrStale when lease is no longer the
	// delivery's (the lease ran out and another worker claimed it, or an
	// administrator retried it): nothing is written.
	FinishWebhookDelivery(ctx context.Context, id int64, lease string, r DeliveryResult) error
	// RetryWebhookDelivery makes a delivery due at now, with a new give-up window: a
	// failed one is pending again, a pending one is due at once. A delivery being sent
	// (leased) keeps its lease. ErrNotFound when there is none.
	RetryWebhookDelivery(ctx context.Context, id int64, now time.Time) error
	// PurgeWebhookDeliveries deletes the deliveries delivered or failed before the time,
	// and returns how many.
	PurgeWebhookDeliveries(ctx context.Context, before time.Time) (int, error)
}

// Retries: the first retry 30 s after a failure, each next one twice as long after,
// at most an hour apart, and none past WebhookGiveUpAfter from the first attempt (then
// the delivery is failed, its last answer kept). About 30 attempts in all.
const (
	WebhookFirstRetry  = 30 * time.Second
	WebhookMaxRetry    = time.Hour
	WebhookGiveUpAfter = 24 * time.Hour
	// WebhookKeepDeliveries is how long a finished delivery is kept for the admin.
	WebhookKeepDeliveries = 30 * 24 * time.Hour
)

// WebhookRetryAt returns when a delivery whose attempt number attempts (from 1) failed
// at now is tried again: WebhookFirstRetry × 2^(attempts-1), capped at
// WebhookMaxRetry; zero (give up) when that is past firstTried + WebhookGiveUpAfter.
func WebhookRetryAt(attempts int, firstTried, now time.Time) time.Time {
	delay := WebhookMaxRetry
	if attempts >= 1 && attempts <= 20 { // 30 s × 2^20 is past the cap already
		delay = min(WebhookFirstRetry<<(attempts-1), WebhookMaxRetry)
	}
	next := now.Add(delay)
	if firstTried.IsZero() {
		firstTried = now
	}
	if next.After(firstTried.Add(WebhookGiveUpAfter)) {
		return time.Time{}
	}
	return next
}

// NewWebhookSecret returns a new signing secret: "whsec_" and 32 random bytes in
// base64url (256 bits, the HMAC-SHA256 key's size).
func NewWebhookSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

// MaxWebhookURL bounds a webhook's address (bytes).
const MaxWebhookURL = 2000

// CheckWebhookURL returns the address as stored, or an error wrapping ErrInvalid that
// says what is wrong: it must be absolute http or https with a host, carry no user
// name or password (they would show in the admin), no fragment, and at most
// MaxWebhookURL bytes. When allowPrivate is false, a host that is an IP address must be
// public (see PublicAddress); names are checked when they are resolved, at each
// delivery (package jobs), since what a name resolves to can change.
func CheckWebhookURL(raw string, allowPrivate bool) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > MaxWebhookURL {
		return "", fmt.Errorf("a webhook's address must have 1 to %d characters: %w", MaxWebhookURL, ErrInvalid)
	}
	if err := CheckText("the webhook's address", raw); err != nil {
		return "", err
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", fmt.Errorf("%q is not a web address: %w", raw, ErrInvalid)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("a webhook's address must start with https:// or http://: %w", ErrInvalid)
	case u.Hostname() == "":
		return "", fmt.Errorf("a webhook's address needs a host name: %w", ErrInvalid)
	case u.User != nil:
		return "", fmt.Errorf("a webhook's address may not hold a user name or password: %w", ErrInvalid)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return "", fmt.Errorf("a webhook's address may not have a #fragment: %w", ErrInvalid)
	case strings.ContainsAny(raw, " \t\r\n"):
		return "", fmt.Errorf("a webhook's address may not contain spaces: %w", ErrInvalid)
	}
	if ip, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil && !allowPrivate && !PublicAddress(ip) {
		return "", fmt.Errorf("%s is a loopback, private or link-local address; allow such addresses first: %w", ip, ErrInvalid)
	}
	if !allowPrivate && strings.EqualFold(strings.TrimSuffix(u.Hostname(), "."), "localhost") {
		return "", fmt.Errorf("localhost is this server; allow private addresses first: %w", ErrInvalid)
	}
	return u.String(), nil
}

// CheckWebhookEvents returns the events sorted as WebhookEvents lists them, each once,
// or an error wrapping ErrInvalid for none or an unknown one.
func CheckWebhookEvents(events []string) ([]string, error) {
	var out []string
	for _, e := range WebhookEvents {
		if slices.Contains(events, e) {
			out = append(out, e)
		}
	}
	for _, e := range events {
		if !slices.Contains(WebhookEvents, e) {
			return nil, fmt.Errorf("unknown webhook event %q: %w", e, ErrInvalid)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("a webhook needs at least one event: %w", ErrInvalid)
	}
	return out, nil
}

// Networks no webhook may reach unless private addresses are allowed, besides what
// netip's predicates name (loopback, RFC 1918 and RFC 4193 private, link-local,
// unspecified, multicast): IANA's special-purpose registries (RFC 6890) for addresses
// that are not global.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network" (RFC 791)
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT, shared (RFC 6598)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments (RFC 6890)
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation (RFC 5737)
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking (RFC 2544)
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and 255.255.255.255 broadcast (RFC 1112)
	netip.MustParsePrefix("192.88.99.0/24"),  // 6to4 relay anycast, deprecated (RFC 7526)
	netip.MustParsePrefix("100::/64"),        // discard-only (RFC 6666)
	netip.MustParsePrefix("2001:db8::/32"),   // documentation (RFC 3849)
	netip.MustParsePrefix("fec0::/10"),       // site-local, deprecated (RFC 3879)
}

// Prefixes of IPv6 addresses that carry an IPv4 address in their last 32 bits, which a
// translator or the host itself may reach: the address is public only if that IPv4
// address is.
var embedsIPv4 = []netip.Prefix{
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64 (RFC 6052)
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64 (RFC 8215)
	netip.MustParsePrefix("::/96"),           // IPv4-compatible, deprecated (RFC 4291)
	netip.MustParsePrefix("::ffff:0:0:0/96"), // IPv4-translated, a SIIT translator's (RFC 2765, RFC 7915)
}

// PublicAddress reports whether a webhook may be sent to ip when private addresses are
// not allowed: not loopback (127/8, ::1), private (10/8, 172.16/12, 192.168/16,
// fc00::/7), link-local (169.254/16 — where cloud metadata services answer — and
// fe80::/10), unspecified, multicast, nor another special-purpose range (RFC 6890). An
// IPv4-mapped IPv6 address (::ffff:127.0.0.1) is judged as its IPv4 address, and so
// is one a NAT64, SIIT, 6to4 or Teredo prefix embeds.
func PublicAddress(ip netip.Addr) bool {
	ip = ip.Unmap().WithZone("")
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	if ip.Is6() {
		for _, p := range embedsIPv4 {
			if p.Contains(ip) {
				b := ip.As16()
				return PublicAddress(netip.AddrFrom4([4]byte(b[12:])))
			}
		}
		// Teredo (RFC 4380) carries its server's IPv4 address in bits 32 to 64 and its
		// client's, inverted, in the last 32: public only if both are.
		if netip.MustParsePrefix("2001::/32").Contains(ip) {
			b := ip.As16()
			client := [4]byte{^b[12], ^b[13], ^b[14], ^b[15]}
			return PublicAddress(netip.AddrFrom4([4]byte(b[4:8]))) && PublicAddress(netip.AddrFrom4(client))
		}
		// 6to4 (RFC 3056) carries its IPv4 address in bits 16 to 48.
		if netip.MustParsePrefix("2002::/16").Contains(ip) {
			b := ip.As16()
			return PublicAddress(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	return true
}

// PublicHostPort is PublicAddress for a dialled "ip:port" (net.Dialer's Control
// gets the address after resolution); false for anything that is not an IP address.
func PublicHostPort(address string) bool {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && PublicAddress(ip)
}
