package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// `serve` answers the content API under /api/v1/ (and WordPress's shape of it under
// /wp-json/ and /?rest_route=), from the page cache, and a write made
// by another process reaches the cached answer through the change log.
func TestServeAnswersTheContentAPI(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "site.db")
	_, base := startServer(t, "--db", dbPath, "--demo")
	get := func(path string) (*http.Response, string) {
		t.Helper()
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, string(body)
	}
	res, body := get("/api/v1/articles")
	var page struct {
		Items []struct {
			URL string `json:"url"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil || res.StatusCode != 200 || len(page.Items) != 20 ||
		!strings.HasPrefix(page.Items[0].URL, base+"/") || res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("GET /api/v1/articles: %d %v %.300s", res.StatusCode, err, body)
	}
	if res, _ := get("/api/v1/openapi.json"); res.StatusCode != 200 {
		t.Errorf("the OpenAPI document: %d", res.StatusCode)
	}
	if _, body := get("/api/v1/sections"); !strings.Contains(body, `"City"`) {
		t.Fatalf("sections: %s", body)
	}
	// WordPress's shape, at both of WordPress's addresses, and the front page still
	// the front page.
	for _, path := range []string{"/wp-json/wp/v2/posts", "/?rest_route=/wp/v2/posts"} {
		res, body := get(path)
		var posts []struct {
			Link  string `json:"link"`
			Title struct {
				Rendered string `json:"rendered"`
			} `json:"title"`
		}
		if err := json.Unmarshal([]byte(body), &posts); err != nil || res.StatusCode != 200 || len(posts) != 10 ||
			!strings.HasPrefix(posts[0].Link, base+"/") || res.Header.Get("X-WP-Total") != "30" {
			t.Fatalf("GET %s: %d %v %q %.300s", path, res.StatusCode, err, res.Header.Get("X-WP-Total"), body)
		}
	}
	if res, body := get("/"); !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "<html") {
		t.Fatalf("the front page: %q", res.Header.Get("Content-Type"))
	}
	// Served from the cache: a write behind the change log's back is not seen.
	raw, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)") // the server writes too
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE sections SET name = 'Unlogged' WHERE slug = 'city'`); err != nil {
		t.Fatal(err)
	}
	if _, body := get("/api/v1/sections"); !strings.Contains(body, `"City"`) {
		t.Fatalf("the sections were not served from the cache: %s", body)
	}
	db := openDB(t, dbPath)
	ctx := context.Background()
	city, err := db.SectionBySlug(ctx, "city")
	if err != nil {
		t.Fatal(err)
	}
	city.Name = "Metro"
	if err := db.UpdateSection(ctx, city); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if _, body := get("/api/v1/sections"); strings.Contains(body, `"Metro"`) {
			break
		}
		if i == 100 {
			t.Fatal("the renamed section is not in the API's answer 5 s after the write")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
