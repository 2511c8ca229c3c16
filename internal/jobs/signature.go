package jobs

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries a delivery's signature, in the scheme of Stripe's
// Stripe-Signature (https://docs.stripe.com/webhooks#verify-manually):
//
//	Broadsheet-Signature: t=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
//
// t is when the attempt was signed, in Unix seconds; v1 is the lower-case hex
// HMAC-SHA256, keyed with the webhook's whole secret (the "whsec_…" string as UTF-8
// bytes), of the signed payload: t, a full stop, and the request's body exactly as
// received ("1767225600.{\"id\":…}"). A receiver computes the same HMAC, compares it
// in constant time with each v1 in the header, and refuses a t too far from its own
// clock, so that a captured request cannot be replayed later (Verify does all three).
// Every retry is signed afresh, with its own t, over the same body.
const SignatureHeader = "Broadsheet-Signature"

// Other headers of a delivery: the event's name, and the delivery's ID (the same for
// every attempt: a receiver that has seen it may answer 2xx and do nothing, since a
// worker that dies between a receiver's answer and recording it sends again).
const (
	EventHeader    = "Broadsheet-Event"
	DeliveryHeader = "Broadsheet-Delivery"
)

// DefaultTolerance is how far from the receiver's clock a signature's time may be,
// Stripe's default.
const DefaultTolerance = 5 * time.Minute

// ErrSignature is what Verify returns (wrapped) for a request that is not a genuine,
// recent delivery.
var ErrSignature = errors.New("webhook signature does not verify")

// Sign returns the SignatureHeader value for body sent at t with the secret.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a delivery as its receiver should: header is the request's
// SignatureHeader, body its raw body (before any JSON decoding), secret the webhook's
// secret shown when it was added, now the receiver's clock. It returns nil when one of
// the header's v1 signatures is the HMAC of "t.body" and t is within tolerance of now
// (either side; DefaultTolerance if tolerance is 0), and otherwise an error wrapping
// ErrSignature that says which check failed. Unknown keys in the header (a future v2)
// are ignored, as Stripe's scheme asks.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("no timestamp t in %q: %w", header, ErrSignature)
	}
	if len(sigs) == 0 {
		return fmt.Errorf("no v1 signature: %w", ErrSignature)
	}
	want := mac(secret, ts, body)
	match := false
	for _, s := range sigs {
		match = hmac.Equal(s, want) || match
	}
	if !match {
		return fmt.Errorf("no v1 signature matches the body: %w", ErrSignature)
	}
	if d := now.Sub(time.Unix(t, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("signed at %s, more than %v from now: %w", time.Unix(t, 0).UTC().Format(time.RFC3339), tolerance, ErrSignature)
	}
	return nil
}
