package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/jobs"
	"broadsheet/internal/news"
)

// An event queued while no server runs is sent when one starts; a server killed
// (SIGKILL) while it sends loses nothing: the next server sends the same delivery once
// its lease runs out, with the same body and ID, signed.
func TestWebhookSurvivesAKilledServer(t *testing.T) {
	dbPath, db := importedCorpus(t)
	ctx := context.Background()
	type got struct {
		header http.Header
		body   []byte
	}
	var mu sync.Mutex
	var requests []got
	arrived := make(chan int, 10)
	hang := make(chan struct{})
	defer close(hang)
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		requests = append(requests, got{r.Header.Clone(), body})
		n := len(requests)
		mu.Unlock()
		arrived <- n
		if n == 1 { // the first server never hears back: it is killed meanwhile
			select {
			case <-hang:
			case <-r.Context().Done():
			}
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rc.Close()
	// The receiver is on loopback: the administrator allowed private addresses.
	if err := db.SetSettings(ctx, map[string]string{news.SettingWebhooksAllowPrivate: "yes"}); err != nil {
		t.Fatal(err)
	}
	h := &news.Webhook{URL: rc.URL + "/hook", Events: []string{news.EventCommentApproved}, Secret: news.NewWebhookSecret(), Enabled: true}
	if err := db.CreateWebhook(ctx, h); err != nil {
		t.Fatal(err)
	}
	a, err := db.ArticleBySlug(ctx, firstSlug)
	if err != nil {
		t.Fatal(err)
	}
	c := &news.Comment{ArticleID: a.ID, Status: news.CommentPending, AuthorName: "Webhook Reader", AuthorEmail: "hook.reader@example.net",
		Body: "Tell the newsletter", BodyHTML: "<p>Tell the newsletter</p>", IPHash: "hook-ip-hash"}
	if err := db.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	// Approved from the shell, with no server running: the event waits in the store.
	if _, _, err := runCmd(t, "comments", "approve", fmt.Sprint(c.ID), "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	flags := []string{"--db", dbPath, "--webhook-timeout", "2s"}
	first, _ := startServer(t, flags...)
	select {
	case <-arrived:
	case <-time.After(time.Minute):
		t.Fatal("the first server sent nothing")
	}
	first.cmd.Process.Kill() // mid-send
	<-first.exited

	second, _ := startServer(t, flags...)
	select {
	case n := <-arrived:
		if n != 2 {
			t.Fatalf("request %d", n)
		}
	case <-time.After(time.Minute):
		t.Fatalf("the second server did not send the delivery:\n%s", lastLines(second.logs.String(), 20))
	}
	// The second server records the answer right after it.
	deadline := time.Now().Add(30 * time.Second)
	var d *news.WebhookDelivery
	for time.Now().Before(deadline) {
		ds, err := db.WebhookDeliveries(ctx, h.ID, 10)
		if err != nil || len(ds) != 1 {
			t.Fatalf("deliveries: %v %v", ds, err)
		}
		if d = ds[0]; d.Status == news.DeliveryDelivered {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if d.Status != news.DeliveryDelivered || d.Attempts != 2 || d.LastCode != http.StatusNoContent {
		t.Errorf("the delivery after the restart: %+v", d)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(requests) != 2 {
		t.Fatalf("%d requests", len(requests))
	}
	for i, r := range requests {
		if r.header.Get(jobs.DeliveryHeader) != fmt.Sprint(d.ID) || string(r.body) != string(requests[0].body) {
			t.Errorf("request %d is another delivery: %s %s", i+1, r.header.Get(jobs.DeliveryHeader), r.body)
		}
		if err := jobs.Verify(h.Secret, r.header.Get(jobs.SignatureHeader), r.body, time.Now(), 0); err != nil {
			t.Errorf("request %d: %v", i+1, err)
		}
		if r.header.Get(jobs.EventHeader) != news.EventCommentApproved || !strings.Contains(string(r.body), `"author_name":"Webhook Reader"`) {
			t.Errorf("request %d: %s", i+1, r.body)
		}
		for _, private := range []string{"hook.reader@example.net", "hook-ip-hash"} {
			if strings.Contains(string(r.body), private) {
				t.Errorf("the payload shows %q", private)
			}
		}
	}
}
