package admin

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// One-time messages ("flash" messages, as Rails and WordPress's admin notices after a
// redirect): a write says what it did ("2 comments approved."), redirects (303), and
// the next page rendered for the same session shows the message once and consumes it.
// No address carries the message: an address is kept in the history and reloaded,
// bookmarked or sent, so a message in it was shown again after later actions (the
// queue said "2 comments: spam." after an approval) and let any link put text of its
// choosing into an admin page.
//
// The message travels in a cookie, sealed (AES-256-GCM) with a key derived from the
// site's secret, which every server of one database shares (news.EnsureSecret): a
// redirect answered by one server is shown by another, and no store write is spent on
// each page view to look for a message. The seal binds the cookie to the session (its
// token's hash is the additional data, so a message made for one session opens in no
// other, and ends with it) and to an expiry (flashTTL: a message that was not shown
// right after its write, say because the connection dropped, is not shown later). The
// cookie is HttpOnly, limited to /admin, and deleted by the page that shows it, so a
// reload shows nothing. Sealed rather than only signed: a message may name what a
// moderator acted on, which a header should not show in plain.
const (
	flashCookie = "broadsheet_flash"
	flashTTL    = 2 * time.Minute
	// flashMaxBytes bounds a message, so that its cookie stays within the 4,096 bytes
	// browsers keep for one cookie (RFC 6265 §6.1): sealed and in base64 it weighs 4/3
	// of this and 40 bytes more. A longer message is cut at a sentence or a word.
	flashMaxBytes = 2400
)

// flashAEAD is the cipher that seals messages: AES-256-GCM under a key of the site's
// secret (HMAC-SHA256, labelled, so that it is no other use's key).
func (s *Server) flashAEAD() cipher.AEAD {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("admin flash message key"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}

// flashAD is the additional data a message is sealed with: the session it is for.
func (s *Server) flashAD(r *http.Request) []byte {
	return []byte("flash\x00" + s.sessionHash(r))
}

// setFlash keeps msg for the next page this session is shown. It replaces any message
// not yet shown: the newest action is the one to report.
func (s *Server) setFlash(w http.ResponseWriter, r *http.Request, msg string) {
	msg = cutMessage(msg, flashMaxBytes)
	if msg == "" {
		return
	}
	aead := s.flashAEAD()
	plain := make([]byte, 8, 8+len(msg))
	binary.BigEndian.PutUint64(plain, uint64(s.cfg.Now().Add(flashTTL).Unix()))
	plain = append(plain, msg...)
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	sealed := aead.Seal(nonce, nonce, plain, s.flashAD(r))
	http.SetCookie(w, s.flashCookie(base64.RawURLEncoding.EncodeToString(sealed), int(flashTTL/time.Second)))
}

// redirectWith answers a write: the message for the next page, and a 303 to path.
func (s *Server) redirectWith(w http.ResponseWriter, r *http.Request, path, msg string) {
	s.setFlash(w, r, msg)
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// takeFlash returns the message kept for this session ("" when there is none, or it
// is not this session's, or it has expired) and deletes the cookie, so that the
// message is shown once. It must run before the response's header is written.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, s.flashCookie("", -1))
	sealed, err := base64.RawURLEncoding.DecodeString(c.Value)
	aead := s.flashAEAD()
	if err != nil || len(sealed) < aead.NonceSize()+aead.Overhead()+8 {
		return ""
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], s.flashAD(r))
	if err != nil || len(plain) < 8 {
		return ""
	}
	if expires := time.Unix(int64(binary.BigEndian.Uint64(plain[:8])), 0); !s.cfg.Now().Before(expires) {
		return ""
	}
	return string(plain[8:])
}

func (s *Server) flashCookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: flashCookie, Value: value, Path: "/admin", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(s.cfg.BaseURL, "https://")}
}

// cutMessage shortens msg to at most max bytes of valid UTF-8: at the end of a
// sentence when one ends in the last third, else at a space, with "…" after it; a
// time marker ({at:…}) is never cut in two.
func cutMessage(msg string, max int) string {
	msg = strings.ToValidUTF8(msg, "")
	if len(msg) <= max {
		return msg
	}
	const ellipsis = "…"
	cut := max - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	head := msg[:cut]
	if open := strings.LastIndexByte(head, '{'); open > strings.LastIndexByte(head, '}') {
		head = head[:open]
	}
	if end := strings.LastIndex(head, ". "); end > len(head)*2/3 {
		return head[:end+1] + " " + ellipsis
	}
	if sp := strings.LastIndexByte(head, ' '); sp > len(head)/2 {
		head = head[:sp]
	}
	return strings.TrimRight(head, " ") + ellipsis
}

// backAddress is the address a list's form comes back to after its write: the list as
// it was asked for, less a "done" parameter (where messages travelled before, which an
// old bookmark may still hold), so that the message shown after the write is the
// write's own.
func backAddress(u *url.URL) string {
	q := u.Query()
	if !q.Has("done") {
		return u.RequestURI()
	}
	q.Del("done")
	back := *u
	back.RawQuery = q.Encode()
	return back.RequestURI()
}
