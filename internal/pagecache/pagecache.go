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
	"compress/flate"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	// The same headers as lists, copied into each response: ranging over a map of more
	// than eight entries (a WordPress list's eleven headers) costs more than the rest of
	// a cached answer's own work (BenchmarkCachedAPIVsArticlePage).
	plainList, zippedList []field
	zippedETag            string

	// A page with a fill has a part made afresh for every response (see SetFill).
	fill       func() []byte
	fillAt     int
	fillLen    int
	gzipHead   []byte // the gzip header and the deflated body before the fill
	gzipTail   []byte // the deflated body after the fill, ending the stream
	crcHead    uint32 // the CRC-32 of the body before the fill
	fillFailed atomic.Bool
}

// SetFill makes the n bytes of the body at offset a part made afresh for each
// response by fill, which must return exactly n bytes (the body holds a placeholder of
// that length, e.g. the value it had when rendered). Such a part is a form's token that
// carries the time each reader loaded the page: the page stays cached, and only those
// bytes are new. The page then has no ETag (a 304 would keep a reader's old token) and
// its gzip form is built in three pieces: the part before the fill deflated and flushed,
// the fill as an uncompressed (stored) block, the rest deflated on its own (RFC 1951
// allows a stream of such blocks; RFC 1952's CRC and size are computed per response).
// Call it before the page is served or cached.
func (p *Page) SetFill(offset, n int, fill func() []byte) {
	if offset < 0 || n <= 0 || n > 0xffff || offset+n > len(p.Body) {
		return
	}
	p.fill, p.fillAt, p.fillLen = fill, offset, n
	p.ETag = ""
	delete(p.plain, "Etag")
	p.plainList = fields(p.plain)
}

// field is one header of a response.
type field struct {
	name  string
	value []string
}

func fields(h http.Header) []field {
	out := make([]field, 0, len(h))
	for k, v := range h {
		out = append(out, field{k, v})
	}
	return out
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
		// Added to what the header varies on already (the content API's Authorization).
		if v := p.plain["Vary"]; len(v) == 1 {
			p.plain["Vary"] = []string{v[0] + ", Accept-Encoding"}
		} else {
			p.plain["Vary"] = append(v, "Accept-Encoding")
		}
	}
	p.plainList = fields(p.plain)
	return p
}

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestCompression)
	return w
}}

// gzipped returns the gzipped body and its headers, compressing on the first call.
func (p *Page) gzipped() ([]field, []byte) {
	if p.fill != nil {
		p.zipOnce.Do(p.deflatePieces)
		return p.zippedList, nil
	}
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
		p.zippedETag = strings.TrimSuffix(p.ETag, `"`) + `-gz"`
		h["Etag"] = []string{p.zippedETag}
		p.gzip, p.zipped, p.zippedList = buf.Bytes(), h, fields(h)
	})
	return p.zippedList, p.gzip
}

// deflatePieces compresses the parts of a page with a fill around it (see SetFill).
func (p *Page) deflatePieces() {
	head, tail := p.Body[:p.fillAt], p.Body[p.fillAt+p.fillLen:]
	var buf bytes.Buffer
	// RFC 1952 header: magic, deflate, no flags, no time, no extra flags, unknown OS.
	buf.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(head)
	fw.Flush() // ends byte-aligned, the stream still open
	p.gzipHead = bytes.Clone(buf.Bytes())
	buf.Reset()
	fw.Reset(&buf)
	fw.Write(tail)
	fw.Close()
	p.gzipTail = bytes.Clone(buf.Bytes())
	p.crcHead = crc32.ChecksumIEEE(head)
	h := p.plain.Clone()
	h["Content-Encoding"] = []string{"gzip"}
	// head, the stored block's 5-byte header, the fill, tail, and the 8-byte trailer.
	h["Content-Length"] = []string{strconv.Itoa(len(p.gzipHead) + 5 + p.fillLen + len(p.gzipTail) + 8)}
	p.zipped, p.zippedList = h, fields(h)
}

// writeFilled writes the page's body with a fresh fill, gzipped or not.
func (p *Page) writeFilled(w http.ResponseWriter, gzipped bool) {
	fill := p.fill()
	if len(fill) != p.fillLen {
		// A fill of the wrong length would break Content-Length: send what was
		// rendered, and say so once.
		if !p.fillFailed.Swap(true) {
			slog.Error("page fill has the wrong length; serving the rendered value", "want", p.fillLen, "got", len(fill))
		}
		fill = p.Body[p.fillAt : p.fillAt+p.fillLen]
	}
	// The response is put together in one buffer and written at once: three writes
	// would cost a system call more than a cached page without a fill.
	buf := fillBuffers.Get().(*[]byte)
	out := (*buf)[:0]
	if !gzipped {
		out = append(append(append(out, p.Body[:p.fillAt]...), fill...), p.Body[p.fillAt+p.fillLen:]...)
	} else {
		tail := p.Body[p.fillAt+p.fillLen:]
		crc := crc32.Update(crc32.Update(p.crcHead, crc32.IEEETable, fill), crc32.IEEETable, tail)
		out = append(out, p.gzipHead...)
		// A stored block: BFINAL 0 and BTYPE 00 (the byte is aligned after the
		// flush), then LEN and its one's complement, little-endian.
		out = append(out, 0)
		out = binary.LittleEndian.AppendUint16(out, uint16(len(fill)))
		out = binary.LittleEndian.AppendUint16(out, ^uint16(len(fill)))
		out = append(append(out, fill...), p.gzipTail...)
		out = binary.LittleEndian.AppendUint32(out, crc)
		out = binary.LittleEndian.AppendUint32(out, uint32(len(p.Body)))
	}
	w.Write(out)
	if cap(out) <= 1<<20 {
		*buf = out
		fillBuffers.Put(buf)
	}
}

// fillBuffers hold responses with a fill while they are written.
var fillBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// Size is the memory the page holds, roughly.
func (p *Page) Size() int { return len(p.Body) + len(p.Body)/4 + 512 } // gzip taken as a quarter

// ServeHTTP sends the page: gzipped to clients that accept it, and 304 Not Modified to
// a client that already has it.
func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	header, body, etag := p.plainList, p.Body, p.ETag
	if len(p.Body) >= minGzip && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		header, body = p.gzipped()
		etag = p.zippedETag
	}
	h := w.Header()
	for _, f := range header {
		h[f.name] = f.value
	}
	if p.Status == http.StatusOK && p.fill == nil && etagMatches(r.Header.Get("If-None-Match"), etag) {
		delete(h, "Content-Length")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(p.Status)
	switch {
	case r.Method == http.MethodHead:
	case p.fill != nil:
		p.writeFilled(w, body == nil)
	default:
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
