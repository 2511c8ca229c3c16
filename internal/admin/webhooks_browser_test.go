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

// webhookFixture adds a webhook with a long address and a delivery that failed with a
// long answer, the worst case for the screen's width.
func webhookFixture(t *testing.T, e *env) *news.Webhook {
	t.Helper()
	ctx := context.Background()
	h := &news.Webhook{URL: "https://hooks.example.org/services/T0000000/B0000000/" + strings.Repeat("x", 120), Events: news.WebhookEvents,
		Secret: news.NewWebhookSecret(), Enabled: true}
	if err := e.db.CreateWebhook(ctx, h); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.EnqueueWebhookPing(ctx, h.ID, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	ds, err := e.db.ClaimWebhookDeliveries(ctx, e.clock.Now(), time.Minute, 1)
	if err != nil || len(ds) != 1 {
		t.Fatalf("claim: %v", err)
	}
	answer := "<html><body>" + strings.Repeat("Service unavailable, try later. ", 30) + "</body></html>"
	if err := e.db.FinishWebhookDelivery(ctx, ds[0].ID, ds[0].Lease, news.DeliveryResult{At: e.clock.Now(), Code: 503, Answer: answer,
		Error: "HTTP 503 Service Unavailable", NextAt: e.clock.Now().Add(30 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.EnqueueWebhookPing(ctx, h.ID, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	return h
}

// webhookPages are the webhooks screen's HTML, for the Nu checker
// (TestAdminPagesAreValidHTML); b is an administrator's browser.
func webhookPages(t *testing.T, e *env, b *browser) map[string]string {
	t.Helper()
	pages := map[string]string{"webhooks-empty": b.get("/admin/webhooks").body}
	pages["webhooks-refused"] = b.post("/admin/webhooks", url.Values{"csrf": {b.csrf()}, "url": {"http://127.0.0.1/"}}).body
	webhookFixture(t, e)
	pages["webhooks"] = b.get("/admin/webhooks").body
	return pages
}

// The webhooks screen in Chromium at a desktop's and a phone's width: it passes
// axe-core and scrolls not sideways, with a long address and a long answer; an
// administrator adds a webhook with the form and is shown its secret.
func TestWebhooksInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	e.addUser(news.RoleAdministrator)
	webhookFixture(t, e)
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, "administrator@newsroom.example")
	for _, w := range widths {
		browsertest.Do(t, ctx, viewport(w), chromedp.Navigate(e.http.URL+"/admin/webhooks"), chromedp.WaitVisible(chromedp.ID("hook-url")))
		if over, culprit := sideways(t, ctx); over > 0 {
			t.Errorf("webhooks at %s px scrolls sideways by %d px: %s", w.name, over, culprit)
		}
		browsertest.CheckAxe(t, ctx, "webhooks at "+w.name+" px")
		shoot(t, ctx, "webhooks-"+w.name)
	}
	browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/webhooks"), chromedp.WaitVisible(chromedp.ID("hook-url")),
		chromedp.SendKeys(chromedp.ID("hook-url"), "https://newsletter.example.net/hooks/broadsheet"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/webhooks"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	flash := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector(".flash").textContent`))
	if !strings.Contains(flash, "whsec_") {
		t.Errorf("the secret is not shown: %q", flash)
	}
	browsertest.CheckAxe(t, ctx, "webhook added")
	hooks, _ := e.db.Webhooks(context.Background())
	if len(hooks) != 2 || hooks[1].URL != "https://newsletter.example.net/hooks/broadsheet" || len(hooks[1].Events) != len(news.WebhookEvents) {
		t.Errorf("added from the browser: %+v", hooks)
	}
}
