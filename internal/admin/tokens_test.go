package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// An administrator makes an API token and sees its secret once; only its hash is
// kept, with its role and expiry; the list shows it, and revoking it ends it. Other
// roles cannot reach the screen, and a form without its CSRF token makes nothing.
func TestTokensScreen(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(news.RoleAdministrator)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("administrator@newsroom.example")
	if r := b.get("/admin/tokens"); r.status != 200 || !strings.Contains(r.body, "No token yet.") {
		t.Fatalf("the empty screen: %d", r.status)
	}
	if r := b.post("/admin/tokens", url.Values{"name": {"No CSRF"}, "role": {"editor"}, "expiry": {"30"}}); r.status == http.StatusSeeOther {
		t.Errorf("a form without its CSRF token was accepted")
	}
	if r := b.post("/admin/tokens", url.Values{"csrf": {b.csrf()}, "name": {" "}, "role": {"editor"}}); r.status != 422 || !strings.Contains(r.body, "No token was made.") {
		t.Errorf("a token without a name: %d", r.status)
	}
	if r := b.post("/admin/tokens", url.Values{"csrf": {b.csrf()}, "name": {"x"}, "role": {"owner"}}); r.status != 422 {
		t.Errorf("a token with an unknown role: %d", r.status)
	}
	r := b.post("/admin/tokens", url.Values{"csrf": {b.csrf()}, "name": {"Newsletter <tool>"}, "role": {"author"}, "expiry": {"30"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("make: %d\n%s", r.status, firstLine(r.body, "error"))
	}
	_, secret, ok := strings.Cut(b.told(r), "copy it now into what will use it: ")
	if !ok || !news.LooksLikeAPIToken(secret) {
		t.Fatalf("the secret is not shown: %q", b.told(r))
	}
	toks, err := e.db.APITokens(ctx)
	if err != nil || len(toks) != 1 {
		t.Fatalf("stored: %+v %v", toks, err)
	}
	tok := toks[0]
	if tok.Hash != news.APITokenHash(secret) || tok.Role != news.RoleAuthor || tok.Name != "Newsletter <tool>" ||
		!tok.ExpiresAt.Equal(e.clock.Now().Add(30*24*time.Hour).Truncate(time.Second)) {
		t.Errorf("stored %+v", tok)
	}
	page := b.get("/admin/tokens").body
	neverUsed := `Last used: </span>Never`
	if strings.Contains(page, secret) || !strings.Contains(page, "Newsletter &lt;tool&gt;") || !strings.Contains(page, neverUsed) {
		t.Errorf("the secret is shown again, or the token is not listed (escaped, never used)")
	}
	// Its use is shown.
	if _, err := e.db.APITokenByHash(ctx, tok.Hash, e.clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if page := b.get("/admin/tokens").body; strings.Contains(page, neverUsed) || !strings.Contains(page, `Last used: </span><time`) {
		t.Errorf("the last use is not shown")
	}
	// Other roles: no screen, no token.
	ed := e.browser()
	ed.login("editor@newsroom.example")
	if r := ed.get("/admin/tokens"); r.status != http.StatusForbidden {
		t.Errorf("an editor sees the tokens: %d", r.status)
	}
	if r := ed.post("/admin/tokens", url.Values{"csrf": {ed.csrf()}, "name": {"Mine"}, "role": {"administrator"}}); r.status != http.StatusForbidden {
		t.Errorf("an editor makes a token: %d", r.status)
	}
	// Revoked: for good.
	if r := b.post(fmt.Sprintf("/admin/tokens/%d/revoke", tok.ID), url.Values{"csrf": {b.csrf()}}); r.status != 303 || !strings.Contains(b.told(r), "revoked") {
		t.Fatalf("revoke: %d", r.status)
	}
	if got, _ := e.db.APITokenByHash(ctx, tok.Hash, e.clock.Now()); !got.Revoked {
		t.Errorf("not revoked")
	}
	if page := b.get("/admin/tokens").body; !strings.Contains(page, "(revoked)") {
		t.Errorf("the list does not say the token is revoked")
	}
	if toks, _ := e.db.APITokens(ctx); len(toks) != 1 {
		t.Errorf("%d tokens after the refusals, want 1", len(toks))
	}
}
