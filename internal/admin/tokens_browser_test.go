//go:build browser

package admin_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// tokenFixture adds tokens in every state with a long name: used, expired, revoked.
func tokenFixture(t *testing.T, e *env, by *news.User) {
	t.Helper()
	ctx := context.Background()
	for i, change := range []func(*news.APIToken){
		func(tk *news.APIToken) { tk.ExpiresAt = e.clock.Now().Add(90 * 24 * time.Hour) },
		func(tk *news.APIToken) { tk.ExpiresAt = e.clock.Now().Add(-time.Hour) },
		func(tk *news.APIToken) {},
	} {
		_, hash, _ := news.NewAPITokenSecret()
		tk := &news.APIToken{Name: "Newsletter integration for the weekend edition " + strings.Repeat("x", 60) + string(rune('a'+i)),
			Role: news.Roles[i], CreatedBy: by.ID, Hash: hash}
		change(tk)
		if err := e.db.CreateAPIToken(ctx, tk); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			e.db.APITokenByHash(ctx, hash, e.clock.Now())
		}
		if i == 2 {
			e.db.RevokeAPIToken(ctx, tk.ID)
		}
	}
}

// tokenPages are the tokens screen's HTML, for the Nu checker
// (TestAdminPagesAreValidHTML); b is an administrator's browser.
func tokenPages(t *testing.T, e *env, b *browser) map[string]string {
	t.Helper()
	pages := map[string]string{"tokens-empty": b.get("/admin/tokens").body}
	pages["tokens-refused"] = b.post("/admin/tokens", url.Values{"csrf": {b.csrf()}, "name": {""}, "role": {"editor"}}).body
	users, _ := e.db.Users(context.Background())
	tokenFixture(t, e, users[0])
	pages["tokens"] = b.get("/admin/tokens").body
	return pages
}

// The tokens screen in Chromium at a desktop's and a phone's width: it passes axe-core
// and scrolls not sideways; an administrator makes a token with the form and is shown
// its secret once.
func TestTokensInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	admin := e.addUser(news.RoleAdministrator)
	tokenFixture(t, e, admin)
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, "administrator@newsroom.example")
	for _, w := range widths {
		browsertest.Do(t, ctx, viewport(w), chromedp.Navigate(e.http.URL+"/admin/tokens"), chromedp.WaitVisible(chromedp.ID("token-name")))
		if over, culprit := sideways(t, ctx); over > 0 {
			t.Errorf("tokens at %s px scrolls sideways by %d px: %s", w.name, over, culprit)
		}
		browsertest.CheckAxe(t, ctx, "tokens at "+w.name+" px")
		shoot(t, ctx, "tokens-"+w.name)
	}
	browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/tokens"), chromedp.WaitVisible(chromedp.ID("token-name")),
		chromedp.SendKeys(chromedp.ID("token-name"), "Mobile app"),
		chromedp.SetValue(chromedp.ID("token-role"), "contributor"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/tokens"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	flash := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector(".flash").textContent`))
	_, secret, _ := strings.Cut(flash, "what will use it: ")
	secret = strings.TrimSpace(secret)
	if !news.LooksLikeAPIToken(secret) {
		t.Fatalf("the secret is not shown: %q", flash)
	}
	browsertest.CheckAxe(t, ctx, "token made")
	toks, _ := e.db.APITokens(context.Background())
	if len(toks) != 4 || toks[0].Name != "Mobile app" || toks[0].Role != news.RoleContributor || toks[0].Hash != news.APITokenHash(secret) {
		t.Errorf("made from the browser: %+v", toks[0])
	}
	browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/tokens"), chromedp.WaitVisible(chromedp.ID("token-name")))
	if html := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.body.innerHTML`)); strings.Contains(html, secret) {
		t.Errorf("the secret is shown a second time")
	}
}
