package pagecache

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func page(body string, deps ...string) *Page {
	p := NewPage(200, http.Header{"Content-Type": {"text/plain"}}, []byte(body))
	p.Deps = deps
	return p
}

func TestInvalidateDropsOnlyDependentPages(t *testing.T) {
	c := New(1<<20, time.Now)
	e := c.Begin()
	c.Put("/a", page("a", "article:1", "article:2"), e)
	c.Put("/b", page("b", "article:2", "article:3"), e)
	c.Put("/c", page("c", "article:3"), e)
	c.Invalidate("article:1")
	if c.Get("/a") != nil || c.Get("/b") == nil || c.Get("/c") == nil {
		t.Errorf("article:1 should drop /a only")
	}
	c.Invalidate("article:3")
	if c.Get("/b") != nil || c.Get("/c") != nil {
		t.Errorf("article:3 should drop /b and /c")
	}
	c.Put("/d", page("d", "x"), c.Begin())
	c.Invalidate("all")
	if c.Len() != 0 {
		t.Errorf("all left %d pages", c.Len())
	}
}

// A page rendered before an invalidation may show what was invalidated: it is refused.
func TestPutAfterInvalidationIsRefused(t *testing.T) {
	c := New(1<<20, time.Now)
	e := c.Begin()
	c.Invalidate("article:1")
	if c.Put("/a", page("stale", "article:1"), e) || c.Get("/a") != nil {
		t.Error("a page rendered before an invalidation was cached")
	}
	if !c.Put("/a", page("fresh", "article:1"), c.Begin()) {
		t.Error("a fresh page was refused")
	}
}

func TestBudgetAndExpiry(t *testing.T) {
	now := time.Unix(1000, 0)
	c := New(64<<10, func() time.Time { return now })
	for i := 0; i < 100; i++ {
		c.Put(fmt.Sprintf("/%d", i), page(fmt.Sprintf("%01000d", i)), c.Begin())
	}
	if c.size > 64<<10 || c.Len() == 0 || c.Len() == 100 {
		t.Errorf("%d pages, %d bytes: want the budget kept", c.Len(), c.size)
	}
	p := page("expiring")
	p.Expires = now.Add(time.Minute)
	c.Put("/e", p, c.Begin())
	if c.Get("/e") == nil {
		t.Fatal("fresh page missing")
	}
	now = now.Add(2 * time.Minute)
	if c.Get("/e") != nil {
		t.Error("expired page served")
	}
}

func TestServeHonoursConditionalAndEncoding(t *testing.T) {
	body := fmt.Sprintf("%02000d", 7)
	p := NewPage(200, http.Header{"Content-Type": {"text/html"}}, []byte(body))
	for _, tc := range []struct {
		ae, inm    string
		status     int
		encoding   string
		wantLength bool
	}{
		{"", "", 200, "", true},
		{"gzip, br", "", 200, "gzip", true},
		{"br;q=1, gzip;q=0", "", 200, "", true},
		{"", p.ETag, 304, "", false},
		{"", `"other", ` + p.ETag, 304, "", false},
		{"", `"other"`, 200, "", true},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Accept-Encoding", tc.ae)
		req.Header.Set("If-None-Match", tc.inm)
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, req)
		if rec.Code != tc.status || rec.Header().Get("Content-Encoding") != tc.encoding {
			t.Errorf("AE %q INM %q: %d %q", tc.ae, tc.inm, rec.Code, rec.Header().Get("Content-Encoding"))
		}
		if tc.status == 200 && tc.encoding == "" && rec.Body.String() != body {
			t.Errorf("AE %q: body changed", tc.ae)
		}
	}
}

// A page with a fill sends fresh bytes in that place on every response, plain and
// gzipped (a valid stream whose CRC and size gzip readers check), and no 304.
func TestFillIsFreshOnEveryResponse(t *testing.T) {
	body := strings.Repeat("<p>Before the form, compressible text.</p>\n", 40) + `<input name="token" value="TOKEN-000">` +
		strings.Repeat("<p>After the form.</p>\n", 30)
	n := 0
	p := NewPage(200, http.Header{"Content-Type": {"text/html"}}, []byte(body))
	p.SetFill(strings.Index(body, "TOKEN-000"), len("TOKEN-000"), func() []byte { n++; return []byte(fmt.Sprintf("TOKEN-%03d", n)) })
	for i := 1; i <= 3; i++ {
		for _, gz := range []bool{false, true} {
			req := httptest.NewRequest("GET", "/", nil)
			req.Header.Set("If-None-Match", "*")
			if gz {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			rec := httptest.NewRecorder()
			p.ServeHTTP(rec, req)
			got := rec.Body.Bytes()
			if rec.Code != 200 {
				t.Fatalf("status %d: a page with a fill must not be revalidated", rec.Code)
			}
			if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(len(got)) {
				t.Fatalf("Content-Length %s for %d bytes (gzip %v)", cl, len(got), gz)
			}
			if gz {
				zr, err := gzip.NewReader(bytes.NewReader(got))
				if err != nil {
					t.Fatal(err)
				}
				if got, err = io.ReadAll(zr); err != nil {
					t.Fatalf("gzipped page: %v", err) // a wrong CRC or size shows here
				}
			}
			want := strings.Replace(body, "TOKEN-000", fmt.Sprintf("TOKEN-%03d", n), 1)
			if string(got) != want || n < 2*(i-1)+1 {
				t.Fatalf("response %d (gzip %v) does not carry the fresh fill %d", i, gz, n)
			}
		}
	}
}
