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

// An administrator adds a webhook and sees its secret once; the events asked for are
// kept, the test event and "retry now" queue deliveries, and the list shows each
// delivery's status, attempts and last answer (escaped).
func TestWebhooksScreen(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	if r := b.get("/admin/webhooks"); r.status != 200 || !strings.Contains(r.body, "No delivery yet.") {
		t.Fatalf("the empty screen: %d", r.status)
	}
	r := b.post("/admin/webhooks", url.Values{"csrf": {b.csrf()}, "url": {"https://hooks.example.org/in"},
		"event": {news.EventArticlePublished, news.EventCommentApproved}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", r.status, firstLine(r.body, "error"))
	}
	told := b.told(r)
	_, secret, ok := strings.Cut(told, "copy it to the receiver now: ")
	if !ok || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("the secret is not shown: %q", told)
	}
	if page := b.get("/admin/webhooks").body; strings.Contains(page, secret) || !strings.Contains(page, "https://hooks.example.org/in") {
		t.Errorf("the secret is shown again, or the address is not listed")
	}
	hooks, _ := e.db.Webhooks(ctx)
	if len(hooks) != 1 || fmt.Sprint(hooks[0].Events) != fmt.Sprint([]string{news.EventArticlePublished, news.EventCommentApproved}) || !hooks[0].Enabled {
		t.Fatalf("stored: %+v", hooks)
	}
	h := hooks[0]
	// The secret shown is the one deliveries are signed with.
	if _, err := e.db.EnqueueWebhookPing(ctx, h.ID, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	ds, err := e.db.ClaimWebhookDeliveries(ctx, e.clock.Now(), time.Minute, 1)
	if err != nil || len(ds) != 1 || ds[0].Secret != secret {
		t.Fatalf("the stored secret is not the one shown: %v", err)
	}
	if err := e.db.FinishWebhookDelivery(ctx, ds[0].ID, ds[0].Lease, news.DeliveryResult{At: e.clock.Now(), Code: 500,
		Answer: "<script>alert(1)</script> down", Error: "HTTP 500 Internal Server Error", NextAt: e.clock.Now().Add(30 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	page := b.get("/admin/webhooks").body
	row := page[strings.Index(page, fmt.Sprintf(`id="delivery-%d"`, ds[0].ID)):]
	row = row[:strings.Index(row, "</tr>")]
	for _, want := range []string{"Failed; next attempt", "HTTP 500", "&lt;script&gt;alert(1)&lt;/script&gt; down", "Retry now"} {
		if !strings.Contains(row, want) {
			t.Errorf("the delivery's row lacks %q:\n%s", want, row)
		}
	}
	if strings.Contains(page, "<script>alert") {
		t.Errorf("a receiver's answer is not escaped")
	}

	// Retry now: due at once.
	if r := b.post(fmt.Sprintf("/admin/webhooks/deliveries/%d/retry", ds[0].ID), url.Values{"csrf": {b.csrf()}}); r.status != 303 || !strings.Contains(b.told(r), "sent again") {
		t.Fatalf("retry now: %d", r.status)
	}
	if again, _ := e.db.ClaimWebhookDeliveries(ctx, e.clock.Now(), time.Minute, 5); len(again) != 1 || again[0].ID != ds[0].ID {
		t.Errorf("after retry now, the delivery is not due: %+v", again)
	}
	// The test event.
	if r := b.post(fmt.Sprintf("/admin/webhooks/%d/ping", h.ID), url.Values{"csrf": {b.csrf()}}); r.status != 303 {
		t.Fatalf("ping: %d", r.status)
	}
	if got, _ := e.db.WebhookDeliveries(ctx, h.ID, 10); len(got) != 2 || got[0].Event != news.EventPing {
		t.Errorf("after the test event: %+v", got)
	}
	// Off: no new event queued.
	if r := b.post(fmt.Sprintf("/admin/webhooks/%d/enabled", h.ID), url.Values{"csrf": {b.csrf()}}); r.status != 303 {
		t.Fatalf("turn off: %d", r.status)
	}
	if hooks, _ := e.db.Webhooks(ctx); hooks[0].Enabled {
		t.Errorf("still on")
	}
	if r := b.post(fmt.Sprintf("/admin/webhooks/%d/delete", h.ID), url.Values{"csrf": {b.csrf()}}); r.status != 303 {
		t.Fatalf("delete: %d", r.status)
	}
	if hooks, _ := e.db.Webhooks(ctx); len(hooks) != 0 {
		t.Errorf("not deleted: %+v", hooks)
	}
	if r := b.post("/admin/webhooks/999/delete", url.Values{"csrf": {b.csrf()}}); r.status != 404 {
		t.Errorf("delete a missing webhook: %d", r.status)
	}
}

// An address on the server's own network is refused with a reason until the
// administrator allows private addresses; a bad form loses what was typed.
func TestWebhookPrivateAddresses(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	for _, bad := range []string{"http://127.0.0.1:9000/hook", "http://169.254.169.254/", "http://[::1]/", "http://localhost:8080/", "ftp://example.org/"} {
		r := b.post("/admin/webhooks", url.Values{"csrf": {b.csrf()}, "url": {bad}, "event": {news.EventCommentPosted}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "No webhook was added.") || !strings.Contains(r.body, `value="`+bad+`"`) {
			t.Errorf("%s: %d %s", bad, r.status, firstLine(r.body, "error"))
		}
	}
	if r := b.post("/admin/webhooks", url.Values{"csrf": {b.csrf()}, "url": {"https://example.org/"}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, "at least one event") {
		t.Errorf("no event: %d", r.status)
	}
	if hooks, _ := e.db.Webhooks(context.Background()); len(hooks) != 0 {
		t.Fatalf("a refused webhook was added: %+v", hooks)
	}
	if r := b.post("/admin/webhooks/private", url.Values{"csrf": {b.csrf()}, "allow": {"yes"}}); r.status != 303 {
		t.Fatalf("allow private addresses: %d", r.status)
	}
	if r := b.post("/admin/webhooks", url.Values{"csrf": {b.csrf()}, "url": {"http://127.0.0.1:9000/hook"}, "event": {news.EventCommentPosted}}); r.status != 303 {
		t.Errorf("a loopback address, allowed: %d", r.status)
	}
	if s, _ := e.db.Settings(context.Background()); s[news.SettingWebhooksAllowPrivate] != "yes" {
		t.Errorf("setting: %q", s[news.SettingWebhooksAllowPrivate])
	}
	if r := b.post("/admin/webhooks/private", url.Values{"csrf": {b.csrf()}}); r.status != 303 {
		t.Fatalf("forbid private addresses: %d", r.status)
	}
	if s, _ := e.db.Settings(context.Background()); s[news.SettingWebhooksAllowPrivate] != "no" {
		t.Errorf("setting after turning it off: %q", s[news.SettingWebhooksAllowPrivate])
	}
}

// Only administrators see or change webhooks, and a write without the session's token
// changes nothing.
func TestWebhooksAdministratorsOnly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	h := &news.Webhook{URL: "https://hooks.example.org/", Events: []string{news.EventCommentPosted}, Secret: news.NewWebhookSecret(), Enabled: true}
	if err := e.db.CreateWebhook(ctx, h); err != nil {
		t.Fatal(err)
	}
	e.addUser(news.RoleEditor)
	ed := e.browser()
	ed.login("editor@newsroom.example")
	if r := ed.get("/admin/webhooks"); r.status != 403 || strings.Contains(r.body, "hooks.example.org") {
		t.Errorf("an editor sees the webhooks: %d", r.status)
	}
	if strings.Contains(ed.get("/admin/").body, `href="/admin/webhooks"`) {
		t.Errorf("an editor's menu offers Webhooks")
	}
	for _, path := range []string{"/admin/webhooks", fmt.Sprintf("/admin/webhooks/%d/delete", h.ID), fmt.Sprintf("/admin/webhooks/%d/ping", h.ID), "/admin/webhooks/private"} {
		if r := ed.post(path, url.Values{"csrf": {ed.csrf()}, "url": {"https://evil.example/"}, "event": {news.EventCommentPosted}, "allow": {"yes"}}); r.status != 403 {
			t.Errorf("an editor's POST %s: %d", path, r.status)
		}
	}
	e.addUser(news.RoleAdministrator)
	adm := e.browser()
	adm.login("administrator@newsroom.example")
	if r := adm.post(fmt.Sprintf("/admin/webhooks/%d/delete", h.ID), url.Values{}); r.status != 403 {
		t.Errorf("a delete without the CSRF token: %d", r.status)
	}
	hooks, _ := e.db.Webhooks(ctx)
	ds, _ := e.db.WebhookDeliveries(ctx, 0, 10)
	settings, _ := e.db.Settings(ctx)
	if len(hooks) != 1 || len(ds) != 0 || settings[news.SettingWebhooksAllowPrivate] != "" {
		t.Errorf("refused requests changed something: %d webhooks, %d deliveries, setting %q", len(hooks), len(ds), settings[news.SettingWebhooksAllowPrivate])
	}
}
