package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
)

// wpEmbedded is a post's _embedded as a client reads it.
type wpEmbedded struct {
	ID       int64                        `json:"id"`
	Author   int64                        `json:"author"`
	Tags     []int64                      `json:"tags"`
	Cats     []int64                      `json:"categories"`
	Media    int64                        `json:"featured_media"`
	Embedded map[string][]json.RawMessage `json:"_embedded"`
}

// TestWPEmbed: ?_embed puts each post's author, featured image and terms in
// _embedded, in WordPress's embed shapes, and _embed=author only the author; without
// _embed there is none.
func TestWPEmbed(t *testing.T) {
	e, f := newWPEnv(t)
	lead := e.public[0]
	var posts []wpEmbedded
	e.wpGet(t, "/wp-json/wp/v2/posts?_embed", http.StatusOK, &posts)
	var p *wpEmbedded
	for i := range posts {
		if posts[i].ID == lead.ID {
			p = &posts[i]
		}
		if posts[i].Embedded["author"] == nil {
			t.Errorf("post %d: no author embedded: %v", posts[i].ID, posts[i].Embedded)
		}
	}
	if p == nil {
		t.Fatalf("the lead story %d is not on the first page", lead.ID)
	}
	var authors []map[string]any
	if err := json.Unmarshal(mustJSON(t, p.Embedded["author"]), &authors); err != nil || len(authors) != 1 {
		t.Fatalf("author: %s (%v)", mustJSON(t, p.Embedded["author"]), err)
	}
	if authors[0]["id"] != float64(p.Author) || authors[0]["name"] != lead.Author.Name || authors[0]["_links"] == nil {
		t.Errorf("embedded author %v, want user %d %q", authors[0], p.Author, lead.Author.Name)
	}
	if _, ok := authors[0]["meta"]; ok {
		t.Errorf("the embedded author is in the view context (meta), not WordPress's embed context: %v", authors[0])
	}
	var media []map[string]any
	if err := json.Unmarshal(mustJSON(t, p.Embedded["wp:featuredmedia"]), &media); err != nil || len(media) != 1 {
		t.Fatalf("wp:featuredmedia: %s (%v)", mustJSON(t, p.Embedded["wp:featuredmedia"]), err)
	}
	if media[0]["id"] != float64(f.harbour.ID) || media[0]["alt_text"] != f.harbour.Alt ||
		!strings.HasSuffix(fmt.Sprint(media[0]["source_url"]), "/media/harbour.jpg") || media[0]["media_details"] == nil {
		t.Errorf("embedded image %v, want the library's harbour.jpg %d", media[0], f.harbour.ID)
	}
	var terms [][]struct {
		ID       int64  `json:"id"`
		Taxonomy string `json:"taxonomy"`
		Name     string `json:"name"`
	}
	if err := json.Unmarshal(mustJSON(t, p.Embedded["wp:term"]), &terms); err != nil || len(terms) != 2 {
		t.Fatalf("wp:term: %s (%v)", mustJSON(t, p.Embedded["wp:term"]), err)
	}
	if len(terms[0]) != 1 || terms[0][0].ID != lead.Section.ID || terms[0][0].Taxonomy != "category" {
		t.Errorf("embedded categories %+v, want the section %d", terms[0], lead.Section.ID)
	}
	var tagIDs []int64
	for _, tg := range terms[1] {
		if tg.Taxonomy != "post_tag" {
			t.Errorf("tag %+v has taxonomy %q", tg, tg.Taxonomy)
		}
		tagIDs = append(tagIDs, tg.ID)
	}
	sort.Slice(tagIDs, func(i, j int) bool { return tagIDs[i] < tagIDs[j] })
	want := append([]int64(nil), p.Tags...)
	sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
	if fmt.Sprint(tagIDs) != fmt.Sprint(want) || len(want) == 0 {
		t.Errorf("embedded tags %v, want the post's %v", tagIDs, want)
	}

	// The relations asked for only.
	var only []wpEmbedded
	e.wpGet(t, "/wp-json/wp/v2/posts?_embed=author", http.StatusOK, &only)
	for _, q := range only {
		if len(q.Embedded) != 1 || q.Embedded["author"] == nil {
			t.Errorf("_embed=author: post %d embeds %v", q.ID, keys(q.Embedded))
		}
	}
	// None without _embed.
	var plain []wpEmbedded
	e.wpGet(t, "/wp-json/wp/v2/posts", http.StatusOK, &plain)
	for _, q := range plain {
		if q.Embedded != nil {
			t.Errorf("post %d has _embedded without _embed", q.ID)
		}
	}
	// One post by ID embeds the same.
	var one wpEmbedded
	e.wpGet(t, fmt.Sprintf("/wp-json/wp/v2/posts/%d?_embed=wp:featuredmedia,wp:term", lead.ID), http.StatusOK, &one)
	if len(one.Embedded) != 2 || string(mustJSON(t, one.Embedded["wp:term"])) != string(mustJSON(t, p.Embedded["wp:term"])) {
		t.Errorf("posts/%d?_embed=wp:featuredmedia,wp:term embeds %v", lead.ID, keys(one.Embedded))
	}
	// A page has an author and no terms.
	var pages []wpEmbedded
	e.wpGet(t, "/wp-json/wp/v2/pages?_embed=1", http.StatusOK, &pages)
	if len(pages) == 0 || pages[0].Embedded["author"] == nil || pages[0].Embedded["wp:term"] != nil {
		t.Errorf("pages?_embed=1: %+v", pages)
	}
}

// TestWPEmbedCached: the ways of asking for every relation share one cache entry, and
// the largest page (per_page=100) is answered.
func TestWPEmbedCached(t *testing.T) {
	e, _ := newWPEnv(t)
	_, first := e.do(t, "GET", "/wp-json/wp/v2/posts?_embed", nil)
	n := e.site.CachedPages()
	for _, q := range []string{"_embed=1", "_embed=true", "_embed=", "_embed=author,wp:featuredmedia,wp:term,replies"} {
		res, body := e.do(t, "GET", "/wp-json/wp/v2/posts?"+q, nil)
		if res.StatusCode != 200 || string(body) != string(first) {
			t.Errorf("%s: %d, not the answer of ?_embed", q, res.StatusCode)
		}
	}
	if got := e.site.CachedPages(); got != n {
		t.Errorf("the same embeds asked four ways made %d more cache entries", got-n)
	}
	if res, body := e.do(t, "GET", "/wp-json/wp/v2/posts?_embed&per_page=100", nil); res.StatusCode != 200 || !strings.Contains(string(body), `"_embedded"`) {
		t.Errorf("per_page=100&_embed: %d", res.StatusCode)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
