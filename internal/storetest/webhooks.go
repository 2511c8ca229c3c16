package storetest

// Webhooks (news.WebhookStore): every write that causes an event queues one delivery
// per webhook asking for it, in its own transaction; workers claim each delivery once,
// under a lease that a dead worker's successor takes over.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/news"
)

func addHook(t *testing.T, s Engine, url string, events ...string) *news.Webhook {
	t.Helper()
	h := &news.Webhook{URL: url, Events: events, Secret: news.NewWebhookSecret(), Enabled: true}
	if err := s.CreateWebhook(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	return h
}

// queued returns "event subject" for every delivery of the hook, oldest first.
func queued(t *testing.T, s Engine, hookID int64) []string {
	t.Helper()
	ds, err := s.WebhookDeliveries(context.Background(), hookID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(ds) - 1; i >= 0; i-- {
		out = append(out, fmt.Sprintf("%s %d", ds[i].Event, ds[i].SubjectID))
	}
	return out
}

func testWebhookEvents(t *testing.T, s Engine) {
	ctx := context.Background()
	all := addHook(t, s, "https://hooks.example.org/all", news.WebhookEvents...)
	comments := addHook(t, s, "https://hooks.example.org/comments", news.EventCommentApproved)
	off := addHook(t, s, "https://hooks.example.org/off", news.WebhookEvents...)
	if err := s.SetWebhookEnabled(ctx, off.ID, false); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Webhooks(ctx); err != nil || len(got) != 3 || got[0].Secret != "" || !slices.Equal(got[1].Events, []string{news.EventCommentApproved}) {
		t.Fatalf("Webhooks: %v %v (secrets are not listed)", got, err)
	}

	a := mustCreate(t, s, article(1, "News"))
	a.Title = "Story 1, updated"
	if err := s.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	a.Status = news.StatusDraft
	if err := s.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	a.Title = "A draft's edit tells nobody"
	if err := s.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	// The scheduler's publication is one too.
	a.Status, a.PublishedAt = news.StatusScheduled, time.Now().Add(-time.Minute)
	if err := s.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PublishDue(ctx, time.Now()); err != nil || n != 1 {
		t.Fatalf("PublishDue: %d %v", n, err)
	}
	// A write that fails queues nothing.
	dup := article(1, "")
	if err := s.CreateArticle(ctx, dup); !errors.Is(err, news.ErrConflict) {
		t.Fatalf("duplicate slug: %v", err)
	}
	// Nor does an import.
	imp := article(2, "")
	imp.Source, imp.SourceID = "wxr", "2"
	if _, err := s.Import(ctx, []news.ImportItem{{Article: imp, Comments: []*news.Comment{{Status: news.CommentApproved,
		AuthorName: "Old", Body: "Imported", BodyHTML: "<p>Imported</p>", Source: "wxr", SourceID: "c1", CreatedAt: base}}}}); err != nil {
		t.Fatal(err)
	}

	pending := &news.Comment{ArticleID: a.ID, Status: news.CommentPending, AuthorName: "Reader", AuthorEmail: "r@example.org", Body: "Hi", BodyHTML: "<p>Hi</p>"}
	if err := s.CreateComment(ctx, pending); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCommentStatus(ctx, pending.ID, news.CommentApproved); err != nil {
		t.Fatal(err)
	}
	trusted := &news.Comment{ArticleID: a.ID, Status: news.CommentApproved, AuthorName: "Known", Body: "Again", BodyHTML: "<p>Again</p>"}
	if err := s.CreateComment(ctx, trusted); err != nil {
		t.Fatal(err)
	}
	spam := &news.Comment{ArticleID: a.ID, Status: news.CommentSpam, AuthorName: "Bot", Body: "Buy", BodyHTML: "<p>Buy</p>"}
	if err := s.CreateComment(ctx, spam); err != nil {
		t.Fatal(err)
	}

	id := func(ev string, n int64) string { return fmt.Sprintf("%s %d", ev, n) }
	want := []string{
		id(news.EventArticlePublished, a.ID), id(news.EventArticleUpdated, a.ID), id(news.EventArticleUnpublished, a.ID),
		id(news.EventArticlePublished, a.ID),
		id(news.EventCommentPosted, pending.ID), id(news.EventCommentApproved, pending.ID),
		id(news.EventCommentPosted, trusted.ID), id(news.EventCommentApproved, trusted.ID),
	}
	got := queued(t, s, all.ID)
	// Two events of one insert may be queued in either order.
	if len(got) == len(want) && got[6] == want[7] && got[7] == want[6] {
		got[6], got[7] = got[7], got[6]
	}
	if !slices.Equal(got, want) {
		t.Errorf("deliveries to the webhook of every event:\n got %q\nwant %q", got, want)
	}
	if got, want := queued(t, s, comments.ID), []string{id(news.EventCommentApproved, pending.ID), id(news.EventCommentApproved, trusted.ID)}; !slices.Equal(got, want) {
		t.Errorf("deliveries to the comments' webhook: %q, want %q", got, want)
	}
	if got := queued(t, s, off.ID); len(got) != 0 {
		t.Errorf("a disabled webhook got deliveries: %q", got)
	}
	ds, _ := s.WebhookDeliveries(ctx, all.ID, 1)
	if d := ds[0]; d.Status != news.DeliveryPending || d.Attempts != 0 || d.OccurredAt.IsZero() || d.URL != all.URL {
		t.Errorf("a new delivery: %+v", d)
	}
}

func testWebhookLease(t *testing.T, s Engine) {
	ctx := context.Background()
	h := addHook(t, s, "https://hooks.example.org/lease", news.EventArticlePublished)
	a := mustCreate(t, s, article(1, ""))
	now := time.Now()
	claim := func(at time.Time) []*news.WebhookDelivery {
		t.Helper()
		ds, err := s.ClaimWebhookDeliveries(ctx, at, time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	first := claim(now)
	if len(first) != 1 || first[0].SubjectID != a.ID || first[0].Secret != h.Secret || first[0].Lease == "" || first[0].Attempts != 1 || first[0].Payload != nil {
		t.Fatalf("first claim: %+v", first)
	}
	if again := claim(now.Add(30 * time.Second)); len(again) != 0 {
		t.Fatalf("a leased delivery was claimed again: %+v", again)
	}
	// The first worker died: its lease runs out and another worker takes the delivery.
	second := claim(now.Add(61 * time.Second))
	if len(second) != 1 || second[0].ID != first[0].ID || second[0].Lease == first[0].Lease || second[0].Attempts != 2 {
		t.Fatalf("claim after the lease: %+v", second)
	}
	if !second[0].FirstTriedAt.Equal(first[0].FirstTriedAt) {
		t.Errorf("the give-up window moved with the second attempt: %v then %v", first[0].FirstTriedAt, second[0].FirstTriedAt)
	}
	payload := []byte(`{"event":"article.published"}`)
	if err := s.KeepWebhookPayload(ctx, first[0].ID, first[0].Lease, payload, false); !errors.Is(err, news.ErrStale) {
		t.Fatalf("the dead worker keeps a payload: %v, want ErrStale", err)
	}
	if err := s.KeepWebhookPayload(ctx, second[0].ID, second[0].Lease, payload, false); err != nil {
		t.Fatal(err)
	}
	if err := s.KeepWebhookPayload(ctx, second[0].ID, second[0].Lease, []byte(`{"other":1}`), false); err != nil {
		t.Fatal(err)
	}
	done := news.DeliveryResult{Delivered: true, At: now.Add(62 * time.Second), Code: 204, Answer: "ok"}
	if err := s.FinishWebhookDelivery(ctx, first[0].ID, first[0].Lease, done); !errors.Is(err, news.ErrStale) {
		t.Fatalf("the dead worker's late finish: %v, want ErrStale", err)
	}
	failed := news.DeliveryResult{At: now.Add(62 * time.Second), Code: 500, Answer: "down", Error: "HTTP 500",
		NextAt: now.Add(92 * time.Second)}
	if err := s.FinishWebhookDelivery(ctx, second[0].ID, second[0].Lease, failed); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishWebhookDelivery(ctx, second[0].ID, second[0].Lease, done); !errors.Is(err, news.ErrStale) {
		t.Fatalf("a second finish with the same lease: %v", err)
	}
	ds, _ := s.WebhookDeliveries(ctx, h.ID, 10)
	if d := ds[0]; d.Status != news.DeliveryPending || d.LastCode != 500 || d.LastAnswer != "down" || d.LastError != "HTTP 500" || d.LeasedUntil != (time.Time{}) {
		t.Errorf("after a failed attempt: %+v", d)
	}
	if early := claim(now.Add(91 * time.Second)); len(early) != 0 {
		t.Fatalf("claimed before its retry time: %+v", early)
	}
	third := claim(now.Add(92 * time.Second))
	if len(third) != 1 || string(third[0].Payload) != string(payload) || third[0].Attempts != 3 {
		t.Fatalf("the retry: %+v (it sends the payload kept first)", third)
	}
	if err := s.FinishWebhookDelivery(ctx, third[0].ID, third[0].Lease, news.DeliveryResult{Delivered: true,
		At: now.Add(93 * time.Second), Code: 200, Answer: string(make([]byte, 5000))}); err != nil {
		t.Fatal(err)
	}
	ds, _ = s.WebhookDeliveries(ctx, h.ID, 10)
	if d := ds[0]; d.Status != news.DeliveryDelivered || d.LastCode != 200 || len(d.LastAnswer) > news.MaxWebhookAnswer {
		t.Errorf("delivered: %+v", d)
	}
	if more := claim(now.Add(time.Hour)); len(more) != 0 {
		t.Errorf("a delivered delivery was claimed: %+v", more)
	}
	// A disabled webhook's deliveries wait.
	if err := s.SetWebhookEnabled(ctx, h.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWebhookEnabled(ctx, h.ID+1000, false); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("disable a missing webhook: %v", err)
	}
	if err := s.RetryWebhookDelivery(ctx, ds[0].ID, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if waiting := claim(now.Add(2 * time.Hour)); len(waiting) != 0 {
		t.Errorf("a disabled webhook's delivery was claimed: %+v", waiting)
	}
}

func testWebhookConcurrentClaims(t *testing.T, s Engine) {
	ctx := context.Background()
	addHook(t, s, "https://hooks.example.org/a", news.EventArticlePublished)
	addHook(t, s, "https://hooks.example.org/b", news.EventArticlePublished)
	const articles = 30
	for i := range articles {
		mustCreate(t, s, article(i+1, ""))
	}
	const workers = 8
	var mu sync.Mutex
	claimed := map[int64]int{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	now := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ds, err := s.ClaimWebhookDeliveries(ctx, now, time.Minute, 3)
				if err != nil {
					errs <- err
					return
				}
				if len(ds) == 0 {
					return
				}
				mu.Lock()
				total := 0
				for _, d := range ds {
					claimed[d.ID]++
				}
				for _, n := range claimed {
					total += n
				}
				mu.Unlock()
				if total > 4*articles { // claims that never run out: stop, and fail below
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(claimed) != 2*articles {
		t.Errorf("%d deliveries claimed, want %d", len(claimed), 2*articles)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("delivery %d claimed %d times", id, n)
		}
	}
}

func testWebhookManage(t *testing.T, s Engine) {
	ctx := context.Background()
	h := addHook(t, s, "https://hooks.example.org/manage", news.EventCommentPosted)
	for _, bad := range []*news.Webhook{
		{URL: "ftp://hooks.example.org/", Events: []string{news.EventPing}, Secret: news.NewWebhookSecret()},
		{URL: "https://hooks.example.org/", Events: []string{"article.deleted"}, Secret: news.NewWebhookSecret()},
		{URL: "https://hooks.example.org/", Events: nil, Secret: news.NewWebhookSecret()},
		{URL: "https://user:pw@hooks.example.org/", Events: []string{news.EventCommentPosted}, Secret: news.NewWebhookSecret()},
		{URL: "https://hooks.example.org/", Events: []string{news.EventCommentPosted}, Secret: "short"},
	} {
		if err := s.CreateWebhook(ctx, bad); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("CreateWebhook(%q, %q): %v, want ErrInvalid", bad.URL, bad.Events, err)
		}
	}
	now := time.Now()
	id, err := s.EnqueueWebhookPing(ctx, h.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.EnqueueWebhookPing(ctx, h.ID+1000, now); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("ping a missing webhook: %v", err)
	}
	ds, err := s.ClaimWebhookDeliveries(ctx, now, time.Minute, 10)
	if err != nil || len(ds) != 1 || ds[0].ID != id || ds[0].Event != news.EventPing {
		t.Fatalf("claim the ping: %+v %v", ds, err)
	}
	// Given up: "retry now" makes it pending and due again, with a new window.
	if err := s.FinishWebhookDelivery(ctx, id, ds[0].Lease, news.DeliveryResult{At: now, Error: "connection refused"}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.WebhookDeliveries(ctx, 0, 10)
	if len(got) != 1 || got[0].Status != news.DeliveryFailed {
		t.Fatalf("given up: %+v", got)
	}
	later := now.Add(48 * time.Hour)
	if err := s.RetryWebhookDelivery(ctx, id, later); err != nil {
		t.Fatal(err)
	}
	ds, err = s.ClaimWebhookDeliveries(ctx, later, time.Minute, 10)
	if err != nil || len(ds) != 1 || ds[0].Attempts != 2 || !ds[0].FirstTriedAt.Equal(time.Unix(later.Unix(), 0).UTC()) {
		t.Fatalf("claim after retry now: %+v %v", ds, err)
	}
	if err := s.FinishWebhookDelivery(ctx, id, ds[0].Lease, news.DeliveryResult{At: later, Delivered: true, Code: 200}); err != nil {
		t.Fatal(err)
	}
	if err := s.RetryWebhookDelivery(ctx, id+1000, later); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("retry a missing delivery: %v", err)
	}
	if n, err := s.PurgeWebhookDeliveries(ctx, later); err != nil || n != 0 {
		t.Errorf("purge before the delivery finished: %d %v", n, err)
	}
	if n, err := s.PurgeWebhookDeliveries(ctx, later.Add(time.Second)); err != nil || n != 1 {
		t.Errorf("purge after: %d %v", n, err)
	}
	if _, err := s.EnqueueWebhookPing(ctx, h.ID, now); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteWebhook(ctx, h.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteWebhook(ctx, h.ID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
	if got, _ := s.WebhookDeliveries(ctx, 0, 10); len(got) != 0 {
		t.Errorf("a deleted webhook's deliveries stayed: %+v", got)
	}
}

// A commenter's erasure leaves no copy of her comments in a delivery's kept payload,
// and a payload built from her comment before the erasure is not kept after it.
func testWebhookErasure(t *testing.T, s Engine) {
	ctx := context.Background()
	addHook(t, s, "https://hooks.example.org/e", news.EventCommentPosted)
	a := mustCreate(t, s, article(1, ""))
	mk := func(body string, parent int64) *news.Comment {
		c := &news.Comment{ArticleID: a.ID, ParentID: parent, Status: news.CommentPending, AuthorName: "Zofia Erased", AuthorEmail: "zofia@example.pl",
			Body: body, BodyHTML: "<p>" + body + "</p>"}
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	kept := mk("kept before", 0)
	late := mk("read before, kept after", 0)
	// Another commenter's reply keeps her first comment in place, emptied.
	other := &news.Comment{ArticleID: a.ID, ParentID: kept.ID, Status: news.CommentApproved, AuthorName: "Other", AuthorEmail: "other@example.org",
		Body: "a reply", BodyHTML: "<p>a reply</p>"}
	if err := s.CreateComment(ctx, other); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ds, err := s.ClaimWebhookDeliveries(ctx, now, time.Minute, 10)
	if err != nil || len(ds) != 3 {
		t.Fatalf("claim: %d %v", len(ds), err)
	}
	byComment := map[int64]*news.WebhookDelivery{}
	for _, d := range ds {
		byComment[d.SubjectID] = d
	}
	personal := []byte(`{"data":{"author_name":"Zofia Erased"}}`)
	for _, c := range []int64{kept.ID, other.ID} {
		d := byComment[c]
		if err := s.KeepWebhookPayload(ctx, d.ID, d.Lease, personal, true); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishWebhookDelivery(ctx, d.ID, d.Lease, news.DeliveryResult{At: now, Code: 500, NextAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.ErasePersonalData(ctx, "zofia@example.pl"); err != nil {
		t.Fatal(err)
	}
	d := byComment[late.ID]
	if err := s.KeepWebhookPayload(ctx, d.ID, d.Lease, personal, true); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a payload read before the erasure was kept after it: %v", err)
	}
	if err := s.KeepWebhookPayload(ctx, d.ID, d.Lease, []byte(`{"data":{"id":1,"deleted":true}}`), false); err != nil {
		t.Errorf("the payload built again: %v", err)
	}
	again, err := s.ClaimWebhookDeliveries(ctx, now, time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range again {
		switch d.SubjectID {
		case kept.ID:
			if d.Payload != nil {
				t.Errorf("the erased comment's kept payload stayed: %s", d.Payload)
			}
		case other.ID:
			if d.Payload == nil {
				t.Errorf("another commenter's payload was forgotten")
			}
		}
	}
	if len(again) != 2 {
		t.Errorf("%d deliveries due again, want 2", len(again))
	}
}
