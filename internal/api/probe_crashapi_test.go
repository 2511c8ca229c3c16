package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/news"
)

func (e *env) callH(t testing.TB, method, path, token string, body any, h map[string]string) (int, []byte) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, e.http.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	res, err := e.http.Client().Do(req)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

func TestProbeConcurrentPatches(t *testing.T) {
	e := newEnv(t)
	editor := e.token(t, news.RoleEditor)
	var a staffArticle
	e.want(t, 201, "POST", "/api/v1/articles", editor, map[string]any{"headline": "Ferry strike", "body_markdown": "First."}, &a)
	var wg sync.WaitGroup
	codes := make([]int, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = e.callH(t, "PATCH", fmt.Sprintf("/api/v1/articles/%d", a.ID), editor, map[string]any{"version": a.Version, "body_markdown": fmt.Sprint("text ", i)}, nil)
		}()
	}
	wg.Wait()
	t.Log("patch codes", codes)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = e.callH(t, "POST", "/api/v1/articles", editor, map[string]any{"headline": "Keyed race", "body_markdown": "x"}, map[string]string{"Idempotency-Key": `"race-1"`})
		}()
	}
	wg.Wait()
	t.Log("keyed codes", codes, e.countHeadline(t, "Keyed race"))
	// revocation race
	tok := e.token(t, news.RoleEditor)
	ctx := context.Background()
	toks, _ := e.db.APITokens(ctx)
	var id int64
	for _, x := range toks {
		id = max(id, x.ID)
	}
	done := make(chan struct{})
	var mu sync.Mutex
	after := 0
	var revokedAt time.Time
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				c, _ := e.callH(t, "POST", "/api/v1/articles", tok, map[string]any{"headline": fmt.Sprint("Rev ", i), "body_markdown": "x"}, nil)
				mu.Lock()
				if c == 201 && !revokedAt.IsZero() {
					after++
				}
				mu.Unlock()
				if c != 201 && c != 429 {
					return
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	if err := e.db.RevokeAPIToken(ctx, id); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	revokedAt = time.Now()
	mu.Unlock()
	time.Sleep(200 * time.Millisecond)
	close(done)
	wg.Wait()
	t.Log("creates succeeding after revocation returned", after)
}
