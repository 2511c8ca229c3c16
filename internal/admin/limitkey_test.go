package admin

import (
	"testing"

	"broadsheet/internal/news"
)

// The sign-in limit of an address is the counter the privacy export and erasure look
// for (news.SignInLimitKey): the same key, however the address was typed.
func TestSignInLimitKeyIsThePrivacyStores(t *testing.T) {
	s := &Server{secret: []byte("0123456789abcdef0123456789abcdef")}
	for _, typed := range []string{"Ines@Example.NET", " ines@example.net "} {
		if got, want := s.accountLimit(typed).key, news.SignInLimitKey(s.secret, "ines@example.net"); got != want {
			t.Errorf("%q: the admin counts under %q, privacy looks under %q", typed, got, want)
		}
	}
}
