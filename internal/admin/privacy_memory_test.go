package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// A spammer (or an import) left 1,000 comments of 60,000 characters under one address.
// The administrator's export of it, and the erasure's confirmation, must not hold them
// in the server's memory: at 100,000 such comments that is gigabytes, twice over (read,
// then encoded), and the server is killed. The export arrives whole and valid.
func TestPrivacyExportOfAHugeCommenterIsStreamed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const n, size = 1000, 60000
	body := strings.Repeat("My street is long. ", size/19)
	item := news.ImportItem{Article: &news.Article{Source: "spam", SourceID: "1", Slug: "spammed", Title: "Spammed",
		BodyHTML: "<p>x</p>", Status: news.StatusPublished, PublishedAt: e.clock.Now().Add(-time.Hour)}}
	for i := range n {
		item.Comments = append(item.Comments, &news.Comment{Source: "spam", SourceID: fmt.Sprint(i), Status: news.CommentSpam,
			AuthorName: "Spammer", AuthorEmail: "spam@example.net", Body: body, BodyHTML: "<p>x</p>", IPHash: "c0ffee",
			CreatedAt: e.clock.Now().Add(-time.Duration(n-i) * time.Minute)})
	}
	if _, err := e.db.Import(ctx, []news.ImportItem{item}); err != nil {
		t.Fatal(err)
	}
	item = news.ImportItem{}
	admin := e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login(admin.Email)
	csrf := b.csrf()

	// A low GC target keeps the heap in use near the live heap, which is what grows
	// when the server holds the comments.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	peak := func(path string, read func(io.Reader) error) uint64 {
		runtime.GC()
		var base, m runtime.MemStats
		runtime.ReadMemStats(&base)
		done := make(chan error, 1)
		go func() {
			req := bodyRequest(e, "POST", path, strings.NewReader(url.Values{"csrf": {csrf}, "email": {"SPAM@example.net"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r, err := b.client.Do(req)
			if err != nil {
				done <- err
				return
			}
			defer r.Body.Close()
			if r.StatusCode != http.StatusOK {
				done <- fmt.Errorf("%s: %d", path, r.StatusCode)
				return
			}
			done <- read(r.Body)
		}()
		var top uint64
		for tick := time.NewTicker(5 * time.Millisecond); ; {
			select {
			case err := <-done:
				tick.Stop()
				if err != nil {
					t.Fatal(err)
				}
				return top - min(top, base.HeapInuse)
			case <-tick.C:
				runtime.ReadMemStats(&m)
				top = max(top, m.HeapInuse)
			}
		}
	}
	const bound = n * size / 4
	// The client reads the export as a stream too, token by token.
	got := 0
	heap := peak("/admin/privacy/export", func(r io.Reader) error {
		dec := json.NewDecoder(r)
		depth, inComments := 0, false
		for {
			tok, err := dec.Token()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("the export is not JSON: %w", err)
			}
			switch tok {
			case json.Delim('{'), json.Delim('['):
				depth++
				if inComments && depth == 3 {
					got++
				}
			case json.Delim('}'), json.Delim(']'):
				depth--
				if depth == 1 {
					inComments = false
				}
			case "comments":
				inComments = inComments || depth == 1
			}
		}
	})
	t.Logf("export: peak heap in use above the start %.1f MiB for %d MiB of comments", float64(heap)/(1<<20), n*size>>20)
	if got != n {
		t.Errorf("the export holds %d comments, want %d", got, n)
	}
	if heap > bound {
		t.Errorf("the export held %d bytes at its peak for %d bytes of comments: it holds them all", heap, n*size)
	}
	var page string
	heap = peak("/admin/privacy/erase", func(r io.Reader) error {
		data, err := io.ReadAll(r)
		page = string(data)
		return err
	})
	t.Logf("erasure's confirmation: peak heap in use above the start %.1f MiB", float64(heap)/(1<<20))
	if !strings.Contains(page, "1000 spam") {
		t.Errorf("the confirmation does not count the 1000 spam comments:\n%s", page)
	}
	if heap > bound {
		t.Errorf("the erasure's confirmation held %d bytes at its peak for %d bytes of comments", heap, n*size)
	}
}
