// Package pagecache keeps rendered responses in memory, each with its gzipped form and
// ETag, and drops them precisely: every page lists the keys it depends on (see the Key
// functions of package news), and invalidating a key drops every page that lists it.
//
// A render that began before an invalidation must not put its (possibly stale) result
// in the cache after it: Begin returns the cache's epoch, every invalidation advances
// the epoch, and Put refuses a page rendered in an older one.
package pagecache

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Page is a complete response, ready to be sent many times. Its headers are shared by
// every request that sends it and must not be changed once it is built.
type Page struct {
	Status  int
	Body    []byte
	ETag    string
	Deps    []string  // cache keys this page shows; nil for pages never cached
	Expires time.Time // zero: only an invalidation drops it

	plain   http.Header
	zipOnce sync.Once
	zipped  http.Header
	gzip    []byte
}

// minGzip is the size under which compressing saves too little to be worth it.
const minGzip = 512

// NewPage builds a page: it computes the ETag and fixes the headers sent with each
// form. header holds the headers common to both (Content-Type, Cache-Control, security
// headers). The gzipped body is made when a client first asks for it.
func NewPage(status int, header http.Header, body []byte) *Page {
	sum := sha256.Sum256(body)
	p := &Page{Status: status, Body: body, ETag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
	p.plain = header.Clone()
	if p.plain == nil {
		p.plain = http.Header{}
	}
	p.plain["Etag"] = []string{p.ETag}
	p.plain["Content-Length"] = []string{strconv.Itoa(len(body))}
	if len(body) >= minGzip {
		p.plain["Vary"] = []string{"Accept-Encoding"}
	}
	return p
}

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestCompression)
	return w
}}

// gzipped returns the gzipped body and its headers, compressing on the first call.
func (p *Page) gzipped() (http.Header, []byte) {
	p.zipOnce.Do(func() {
		var buf bytes.Buffer
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(&buf)
		zw.Write(p.Body)
		zw.Close()
		gzipWriters.Put(zw)
		h := p.plain.Clone()
		h["Content-Encoding"] = []string{"gzip"}
		h["Content-Length"] = []string{strconv.Itoa(buf.Len())}
		// A different representation needs its own validator.
		h["Etag"] = []string{strings.TrimSuffix(p.ETag, `"`) + `-gz"`}
		p.gzip, p.zipped = buf.Bytes(), h
	})
	return p.zipped, p.gzip
}

// Size is the memory the page holds, roughly.
func (p *Page) Size() int { return len(p.Body) + len(p.Body)/4 + 512 } // gzip taken as a quarter

// ServeHTTP sends the page: gzipped to clients that accept it, and 304 Not Modified to
// a client that already has it.
func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	header, body := p.plain, p.Body
	if len(p.Body) >= minGzip && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		header, body = p.gzipped()
	}
	h := w.Header()
	for k, v := range header {
		h[k] = v
	}
	if p.Status == http.StatusOK && etagMatches(r.Header.Get("If-None-Match"), header["Etag"][0]) {
		delete(h, "Content-Length")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(p.Status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func acceptsGzip(ae string) bool {
	if ae == "" {
		return false
	}
	for _, part := range strings.Split(ae, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if n := strings.TrimSpace(name); strings.EqualFold(n, "gzip") || n == "*" {
			q := 1.0
			for _, param := range strings.Split(params, ";") {
				if k, v, _ := strings.Cut(strings.TrimSpace(param), "="); k == "q" {
					q, _ = strconv.ParseFloat(v, 64)
				}
			}
			return q > 0
		}
	}
	return false
}

func etagMatches(ifNoneMatch, etag string) bool {
	if ifNoneMatch == "" {
		return false
	}
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// Cache holds pages by request path, up to a byte budget.
type Cache struct {
	mu       sync.RWMutex
	pages    map[string]*Page
	byKey    map[string]map[string]struct{} // key → paths of pages that depend on it
	epoch    uint64
	size     int
	maxBytes int
	now      func() time.Time
}

// New returns a cache that holds up to maxBytes of pages and reads the time (for
// pages' Expires) from now.
func New(maxBytes int, now func() time.Time) *Cache {
	return &Cache{pages: map[string]*Page{}, byKey: map[string]map[string]struct{}{}, maxBytes: maxBytes, now: now}
}

// Get returns the page cached for path, or nil.
func (c *Cache) Get(path string) *Page {
	c.mu.RLock()
	p := c.pages[path]
	c.mu.RUnlock()
	if p != nil && !p.Expires.IsZero() && c.now().After(p.Expires) {
		return nil
	}
	return p
}

// Begin returns the epoch to pass to Put for a render starting now.
func (c *Cache) Begin() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.epoch
}

// Put caches p for path unless an invalidation happened since Begin returned epoch (p
// may then show what the invalidation was about). It reports whether p was cached.
func (c *Cache) Put(path string, p *Page, epoch uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.epoch || p.Size() > c.maxBytes/4 {
		return false
	}
	c.remove(path)
	for c.size+p.Size() > c.maxBytes && len(c.pages) > 0 {
		for victim := range c.pages { // map order is random: a cheap random eviction
			c.remove(victim)
			break
		}
	}
	c.pages[path] = p
	c.size += p.Size()
	for _, k := range p.Deps {
		paths := c.byKey[k]
		if paths == nil {
			paths = map[string]struct{}{}
			c.byKey[k] = paths
		}
		paths[path] = struct{}{}
	}
	return true
}

func (c *Cache) remove(path string) {
	p, ok := c.pages[path]
	if !ok {
		return
	}
	delete(c.pages, path)
	c.size -= p.Size()
	for _, k := range p.Deps {
		if paths := c.byKey[k]; paths != nil {
			delete(paths, path)
			if len(paths) == 0 {
				delete(c.byKey, k)
			}
		}
	}
}

// Invalidate drops every page that depends on any of the keys; the key "all" drops
// every page.
func (c *Cache) Invalidate(keys ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	for _, k := range keys {
		if k == "all" {
			c.pages = map[string]*Page{}
			c.byKey = map[string]map[string]struct{}{}
			c.size = 0
			return
		}
		for path := range c.byKey[k] {
			c.remove(path)
		}
	}
}

// Len returns the number of cached pages.
func (c *Cache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.pages)
}
