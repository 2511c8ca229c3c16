// Package backup writes and reads Broadsheet's JSON backup: the whole site (content,
// static pages, revisions, bylines, sections, tags and their former slugs, redirects,
// comments, accounts, settings, media, webhooks) in one versioned, streamable file,
// restored into an empty site with every ID kept, so that every public page comes back
// byte for byte.
//
// # FORMAT
//
// A backup is JSON Lines (UTF-8, one JSON object a line, "\n" after each):
//
//	{"format":"broadsheet-backup","version":1,"created":"2026-11-30T18:00:00Z","schema":37,"with_secrets":false,"with_media":false,"kinds":["setting","user",...]}
//	{"kind":"setting","data":{"key":"title","value":"The Daily"}}
//	{"kind":"article","data":{"id":12,"slug":"a-story","title":"A story","kind":"article",...}}
//	...
//	{"kind":"media_file","name":"k3j2-480.webp","offset":0,"data_base64":"<base64>"}
//	{"end":true,"records":1234}
//
// The first line is the header: format "broadsheet-backup", the format's version (1;
// a reader refuses a version it does not know), the time written, the store's schema
// (its last migration, for information), whether secrets and media files are in it, and
// the kinds in the order they follow. Then one record per object, kind by kind in that
// order (what a record refers to comes first): "data" holds the object's stored fields
// by name — the columns of its table, times as Unix seconds, text as stored (Markdown
// and its rendered HTML both), IDs as numbers — each a string, a number or null. The
// kinds: setting, user, recovery_code, account_notice, author, section, tag,
// tag_redirect (a merged or renamed tag's former slug), media (the library's
// references: name, size, srcset, alt, caption), media_deleted, article (stories and
// static pages, kind "article" or "page"), article_author (bylines in order),
// article_tag, media_use, revision, redirect (former slugs and imported old paths),
// trashed_from, notification, comment (threading by parent_id, status, and the personal
// data Broadsheet keeps as it keeps it: name, email, address, IP hash, user agent),
// block (blocked commenters), webhook. With media files, "media_file" records follow:
// each file of the media folder in pieces of at most 1 MiB, base64, in order of offset.
// The last line is the trailer, {"end":true,"records":N}, N counting the records
// between header and trailer: a file without it, or with another count, was cut short.
//
// Without --with-secrets, users' password hashes and TOTP secrets are empty (the
// accounts come back needing a password reset link), recovery codes are left out, a
// webhook's secret is empty and the webhook turned off (a delivery signed with an empty
// key could be forged; added again, it gets a new secret), and the site's secret setting
// is left out (the new site makes its own: commenters' IP hashes made under the old one
// no longer match new comments from the same address).
//
// Left out always: sessions, rate limits, kept forms, presence, preview and reset links,
// the change log, the webhooks' delivery queue.
//
// Export reads one snapshot of the store (news.BackupStore.ExportBackup), so a running
// site can be backed up. Import reads the file twice: a first pass checks every line
// (JSON, kinds, fields, settings, the trailer's count) and writes nothing; the second
// writes every record in one transaction, into an empty site only (news.ErrNotEmpty
// otherwise, so a second run changes nothing). Every error names the line.
//
// A backup is trusted as the database file is: HTML is restored as stored, not
// sanitised again (which keeps every page identical); import only backups you made.
package backup

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"broadsheet/internal/news"
)

// Format and Version are the header's "format" and "version".
const (
	Format  = "broadsheet-backup"
	Version = 1
)

// MediaKind is the kind of the records that carry media files.
const MediaKind = "media_file"

const (
	mediaChunk = 1 << 20  // bytes of a file per media_file record
	maxLine    = 64 << 20 // the longest line read: a story's Markdown and HTML are bounded far below
)

// Header is a backup's first line.
type Header struct {
	Format      string    `json:"format"`
	Version     int       `json:"version"`
	Created     time.Time `json:"created"`
	Schema      int       `json:"schema,omitempty"`
	WithSecrets bool      `json:"with_secrets"`
	WithMedia   bool      `json:"with_media"`
	Kinds       []string  `json:"kinds"`
}

// Options choose what an export holds.
type Options struct {
	WithSecrets bool
	MediaDir    string // with a folder, its files are in the backup (--with-media)
	Schema      int
	Now         time.Time
}

type record struct {
	Kind   string         `json:"kind,omitempty"`
	Data   map[string]any `json:"data,omitempty"`
	Name   string         `json:"name,omitempty"`
	Offset *int64         `json:"offset,omitempty"`
	Bytes  []byte         `json:"data_base64,omitempty"`
	End    bool           `json:"end,omitempty"`
	Count  *int64         `json:"records,omitempty"`
}

// inRecord is a record as read: the data's values are decoded by their JSON kind.
type inRecord struct {
	Kind   string                    `json:"kind"`
	Data   map[string]jsontext.Value `json:"data"`
	Name   string                    `json:"name"`
	Offset *int64                    `json:"offset"`
	Bytes  []byte                    `json:"data_base64"`
	End    bool                      `json:"end"`
	Count  *int64                    `json:"records"`
}

// Stats counts what an export or import wrote, per kind.
type Stats struct {
	Counts map[string]int
	Bytes  int64
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Export writes the store's backup to w, one record at a time (memory stays flat
// whatever the site's size).
func Export(ctx context.Context, store news.BackupStore, w io.Writer, opt Options) (Stats, error) {
	st := Stats{Counts: map[string]int{}}
	cw := &countWriter{w: w}
	bw := bufio.NewWriterSize(cw, 256<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	h := Header{Format: Format, Version: Version, Created: now.UTC().Truncate(time.Second), Schema: opt.Schema,
		WithSecrets: opt.WithSecrets, WithMedia: opt.MediaDir != "", Kinds: store.BackupKinds()}
	if h.WithMedia {
		h.Kinds = append(h.Kinds, MediaKind)
	}
	if err := enc.Encode(h); err != nil {
		return st, fmt.Errorf("backup: write: %w", err)
	}
	var n int64
	rec := record{}
	err := store.ExportBackup(ctx, opt.WithSecrets, func(kind string, fields map[string]any) error {
		rec.Kind, rec.Data = kind, fields
		n++
		st.Counts[kind]++
		return enc.Encode(&rec)
	})
	if err != nil {
		return st, fmt.Errorf("backup: %w", err)
	}
	if opt.MediaDir != "" {
		entries, err := os.ReadDir(opt.MediaDir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return st, fmt.Errorf("backup: media folder: %w", err)
		}
		buf := make([]byte, mediaChunk)
		for _, e := range entries { // ReadDir sorts by name
			if !e.Type().IsRegular() || !validMediaName(e.Name()) {
				continue
			}
			k, err := exportFile(filepath.Join(opt.MediaDir, e.Name()), e.Name(), buf, enc)
			if err != nil {
				return st, err
			}
			n += k
			st.Counts[MediaKind]++
		}
	}
	if err := enc.Encode(record{End: true, Count: &n}); err != nil {
		return st, fmt.Errorf("backup: write: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return st, fmt.Errorf("backup: write: %w", err)
	}
	st.Bytes = cw.n
	return st, nil
}

// exportFile writes one media file as its records; an empty file is one record.
func exportFile(path, name string, buf []byte, enc *json.Encoder) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("backup: media file: %w", err)
	}
	defer f.Close()
	var off, n int64
	for {
		k, err := io.ReadFull(f, buf)
		if k > 0 || off == 0 {
			o := off
			if err := enc.Encode(record{Kind: MediaKind, Name: name, Offset: &o, Bytes: buf[:k]}); err != nil {
				return n, fmt.Errorf("backup: write: %w", err)
			}
			n++
			off += int64(k)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("backup: media file %s: %w", name, err)
		}
	}
}

// validMediaName is media.Dir's rule: a plain name, not hidden (temporary files).
func validMediaName(name string) bool {
	return name != "" && !strings.ContainsAny(name, `/\`) && !strings.HasPrefix(name, ".") && filepath.IsLocal(name)
}

// LineError is an error of one line of a backup.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("backup line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Reader reads a backup's lines in order.
type Reader struct {
	sc     *bufio.Scanner
	line   int
	Header Header
	count  int64
	ended  bool
}

// NewReader reads and checks the header.
func NewReader(r io.Reader) (*Reader, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	rd := &Reader{sc: sc}
	raw, err := rd.next()
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, &LineError{1, errors.New("empty file: not a Broadsheet backup")}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rd.Header); err != nil || rd.Header.Format != Format {
		return nil, &LineError{1, fmt.Errorf("not a Broadsheet backup (the first line is not {\"format\":%q,...})", Format)}
	}
	if rd.Header.Version != Version {
		return nil, &LineError{1, fmt.Errorf("backup format version %d; this Broadsheet reads version %d", rd.Header.Version, Version)}
	}
	return rd, nil
}

func (rd *Reader) next() ([]byte, error) {
	if !rd.sc.Scan() {
		if err := rd.sc.Err(); err != nil {
			return nil, &LineError{rd.line + 1, fmt.Errorf("read: %w", err)}
		}
		return nil, nil
	}
	rd.line++
	return rd.sc.Bytes(), nil
}

// Item is one record: a store record, or a piece of a media file.
type Item struct {
	Line   int
	Record *news.BackupRecord // nil for a media file's piece
	Name   string
	Offset int64
	Bytes  []byte
}

// Next returns the next record, or io.EOF after the trailer. A missing trailer, a
// wrong count, a line after the trailer, invalid JSON or a record of a kind the header
// did not name is a *LineError.
func (rd *Reader) Next() (*Item, error) {
	if rd.ended {
		raw, err := rd.next()
		if err != nil {
			return nil, err
		}
		if raw != nil {
			return nil, &LineError{rd.line, errors.New("a line after the end record")}
		}
		return nil, io.EOF
	}
	raw, err := rd.next()
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, &LineError{rd.line + 1, fmt.Errorf("the file ends after %d records without its end record: cut short", rd.count)}
	}
	var rec inRecord
	// json v2 (the corpus import's reader, 2–4× faster than encoding/json here): an
	// unknown member, a name twice, invalid UTF-8 or anything after the object is an
	// error.
	if err := jsonv2.Unmarshal(raw, &rec, jsonv2.RejectUnknownMembers(true)); err != nil {
		return nil, &LineError{rd.line, fmt.Errorf("invalid record: %w", err)}
	}
	if rec.End {
		if rec.Count == nil || *rec.Count != rd.count {
			return nil, &LineError{rd.line, fmt.Errorf("the end record counts %v records; the file holds %d", countOf(rec.Count), rd.count)}
		}
		rd.ended = true
		return rd.Next()
	}
	rd.count++
	if !rd.named(rec.Kind) {
		return nil, &LineError{rd.line, fmt.Errorf("record of kind %q, which the header does not list", rec.Kind)}
	}
	if rec.Kind == MediaKind {
		if !validMediaName(rec.Name) || rec.Offset == nil || *rec.Offset < 0 || rec.Data != nil {
			return nil, &LineError{rd.line, fmt.Errorf("media_file record without a plain file name and offset")}
		}
		return &Item{Line: rd.line, Name: rec.Name, Offset: *rec.Offset, Bytes: rec.Bytes}, nil
	}
	if rec.Data == nil || rec.Name != "" || rec.Offset != nil || rec.Bytes != nil {
		return nil, &LineError{rd.line, fmt.Errorf("%s record without its data", rec.Kind)}
	}
	fields := make(map[string]any, len(rec.Data))
	for k, v := range rec.Data {
		var err error
		switch v.Kind() {
		case '"':
			var str string
			err = jsonv2.Unmarshal(v, &str)
			fields[k] = str
		case '0':
			if i, e := strconv.ParseInt(string(v), 10, 64); e == nil {
				fields[k] = i
			} else {
				var f float64
				f, err = strconv.ParseFloat(string(v), 64)
				fields[k] = f
			}
		case 'n':
			fields[k] = nil
		default:
			err = fmt.Errorf("a %s is not a stored value", v.Kind())
		}
		if err != nil {
			return nil, &LineError{rd.line, fmt.Errorf("%s field %q: %v", rec.Kind, k, err)}
		}
	}
	return &Item{Line: rd.line, Record: &news.BackupRecord{Kind: rec.Kind, Fields: fields}}, nil
}

func countOf(p *int64) any {
	if p == nil {
		return "no"
	}
	return *p
}

func (rd *Reader) named(kind string) bool {
	for _, k := range rd.Header.Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Check is the import's first pass: it reads the whole backup, checks every record
// against the store's schema and every media file's pieces, and returns the counts.
// It writes nothing.
func Check(r io.Reader, store news.BackupStore) (Header, map[string]int, error) {
	counts := map[string]int{}
	rd, err := NewReader(r)
	if err != nil {
		return Header{}, nil, err
	}
	var file string
	var off int64
	for {
		it, err := rd.Next()
		if err == io.EOF {
			return rd.Header, counts, nil
		}
		if err != nil {
			return rd.Header, nil, err
		}
		if it.Record != nil {
			if err := store.CheckBackupRecord(it.Record); err != nil {
				return rd.Header, nil, &LineError{it.Line, err}
			}
			if err := checkSetting(it.Record); err != nil {
				return rd.Header, nil, &LineError{it.Line, err}
			}
			counts[it.Record.Kind]++
			continue
		}
		if it.Name != file {
			if it.Name < file || it.Offset != 0 {
				return rd.Header, nil, &LineError{it.Line, fmt.Errorf("media file %s: pieces out of order", it.Name)}
			}
			file, off = it.Name, 0
			counts[MediaKind]++
		}
		if it.Offset != off {
			return rd.Header, nil, &LineError{it.Line, fmt.Errorf("media file %s: piece at %d, expected %d", it.Name, it.Offset, off)}
		}
		off += int64(len(it.Bytes))
	}
}

// Import restores a backup into an empty store: open is called twice, for the checking
// pass and the writing one. Media files go into mediaDir (created if missing), each
// written whole under a hidden temporary name and then given its own, all before the
// store's transaction commits, and removed again if it does not. A file already there
// under a backup file's name is an error unless it holds the same bytes (what an import
// killed before its commit left: the next run must work); temporary files a killed
// import left are removed. It returns the counts per kind.
func Import(ctx context.Context, store news.BackupStore, open func() (io.ReadCloser, error), mediaDir string) (map[string]int, error) {
	if err := store.BackupEmpty(ctx); err != nil {
		return nil, err
	}
	f, err := open()
	if err != nil {
		return nil, err
	}
	h, _, err := Check(f, store)
	f.Close()
	if err != nil {
		return nil, err
	}
	if h.WithMedia && mediaDir == "" {
		return nil, errors.New("backup: the backup holds media files and no media folder was given")
	}
	f, err = open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd, err := NewReader(f)
	if err != nil {
		return nil, err
	}
	if h.WithMedia {
		if err := os.MkdirAll(mediaDir, 0o755); err != nil {
			return nil, fmt.Errorf("backup: media folder: %w", err)
		}
		removeTemps(mediaDir)
	}
	var mw mediaWriter
	mw.dir = mediaDir
	var line int
	ended := false
	recs := func(yield func(*news.BackupRecord, error) bool) {
		for {
			it, err := rd.Next()
			if err == io.EOF {
				ended = true
				if err := mw.finish(); err != nil {
					yield(nil, err)
				}
				return
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if it.Record != nil {
				line = it.Line
				if !yield(it.Record, nil) {
					return
				}
				continue
			}
			if err := mw.piece(it); err != nil {
				yield(nil, &LineError{it.Line, err})
				return
			}
		}
	}
	counts, err := store.ImportBackup(ctx, iter.Seq2[*news.BackupRecord, error](recs))
	if err != nil {
		mw.undo()
		// The store refused the record just given to it (a slug or an email twice...):
		// name its line. A refusal at the commit names none.
		var le *LineError
		if !ended && line > 0 && !errors.As(err, &le) {
			err = &LineError{line, err}
		}
		return nil, err
	}
	files := mw.files
	if files > 0 {
		counts[MediaKind] = files
	}
	return counts, nil
}

// checkSetting refuses a setting the site could not start with (a time zone not in
// the tz database, a number out of its range...), by the rule the settings screen and
// command use (news.ParseSettings).
func checkSetting(rec *news.BackupRecord) error {
	if rec.Kind != "setting" {
		return nil
	}
	key, _ := rec.Fields["key"].(string)
	value, ok := rec.Fields["value"].(string)
	if !ok {
		return fmt.Errorf("setting %q without a text value: %w", key, news.ErrInvalid)
	}
	m := map[string]string{key: value}
	if key != news.SettingSecret {
		m[news.SettingSecret] = news.NewSecret()
	}
	if _, err := news.ParseSettings(m); err != nil {
		return fmt.Errorf("setting %q: %w", key, err)
	}
	return nil
}

// tempPrefix starts the names of the media files an import is writing: hidden, so
// media.Dir and an export pass them over, and removed by the next import when a killed
// one left them.
const tempPrefix = ".backup-import-"

// removeTemps removes what imports killed in the middle of a file left in dir.
func removeTemps(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) && e.Type().IsRegular() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// mediaWriter puts a backup's media files into a folder, each written whole under a
// temporary name, synced, then linked to its name (so a crash never leaves a file cut
// short under its name). A file already there with the same bytes is kept as it is:
// an import killed before its commit left it, and the next run must not take it for
// another's. One with other bytes is refused, never overwritten.
type mediaWriter struct {
	dir     string
	name    string   // the file being written or compared
	tmp     *os.File // writing: its temporary file
	old     *os.File // comparing: the file already there
	off     int64
	buf     []byte
	written []string // the files this import made, removed if it fails
	files   int
}

// piece takes the next piece of a media file (the pieces come in order: Check).
func (w *mediaWriter) piece(it *Item) error {
	if it.Name != w.name || it.Offset == 0 {
		if err := w.finish(); err != nil {
			return err
		}
		if err := w.start(it.Name); err != nil {
			return err
		}
	}
	w.off += int64(len(it.Bytes))
	if w.old != nil {
		if cap(w.buf) < len(it.Bytes) {
			w.buf = make([]byte, len(it.Bytes))
		}
		b := w.buf[:len(it.Bytes)]
		if _, err := io.ReadFull(w.old, b); err != nil || !bytes.Equal(b, it.Bytes) {
			return w.another()
		}
		return nil
	}
	if _, err := w.tmp.Write(it.Bytes); err != nil {
		return fmt.Errorf("media file %s: %w", w.name, err)
	}
	return nil
}

func (w *mediaWriter) another() error {
	return fmt.Errorf("media file %s: another file of that name is already in %s", w.name, w.dir)
}

func (w *mediaWriter) start(name string) error {
	w.name, w.off = name, 0
	w.files++
	path := filepath.Join(w.dir, name)
	if f, err := os.Open(path); err == nil {
		if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
			f.Close()
			return w.another()
		}
		w.old = f
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("media file: %w", err)
	}
	// 0644 less the umask, as media.Dir makes its files (a web server running as
	// another user may serve the folder); os.CreateTemp's 0600 would not let it.
	for range 10 {
		f, err := os.OpenFile(filepath.Join(w.dir, tempPrefix+strconv.FormatUint(rand.Uint64(), 36)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("media file: %w", err)
		}
		w.tmp = f
		return nil
	}
	return fmt.Errorf("media file: no free temporary name in %s", w.dir)
}

// finish ends the file begun: a compared one must have ended with the backup's, a
// written one is synced and given its name, refused if a file took it meanwhile.
func (w *mediaWriter) finish() error {
	if w.old != nil {
		f := w.old
		w.old = nil
		st, err := f.Stat()
		f.Close()
		if err != nil || st.Size() != w.off {
			return w.another()
		}
		return nil
	}
	if w.tmp == nil {
		return nil
	}
	f := w.tmp
	w.tmp = nil
	defer os.Remove(f.Name())
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("media file %s: %w", w.name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("media file %s: %w", w.name, err)
	}
	path := filepath.Join(w.dir, w.name)
	// A link, not a rename: it never replaces a file that appeared meanwhile.
	if err := linkFile(f.Name(), path); errors.Is(err, fs.ErrExist) {
		return w.another()
	} else if err != nil {
		// A filesystem without hard links (FUSE mounts of object stores, some SMB
		// shares) refuses every link: the file is renamed to its name once no file
		// has it. A file made in between would be replaced; the folder is the site's,
		// and the import runs only into an empty site.
		if _, serr := os.Lstat(path); serr == nil {
			return w.another()
		} else if !errors.Is(serr, fs.ErrNotExist) {
			return fmt.Errorf("media file %s: %w", w.name, serr)
		}
		if err := os.Rename(f.Name(), path); err != nil {
			return fmt.Errorf("media file %s: %w", w.name, err)
		}
	}
	w.written = append(w.written, path)
	return syncDir(w.dir)
}

// linkFile is os.Link; a test stands in a filesystem without hard links.
var linkFile = os.Link

// undo removes what a failed import wrote: the file under way and the files it made.
func (w *mediaWriter) undo() {
	if w.old != nil {
		w.old.Close()
		w.old = nil
	}
	if w.tmp != nil {
		w.tmp.Close()
		os.Remove(w.tmp.Name())
		w.tmp = nil
	}
	for _, p := range w.written {
		os.Remove(p)
	}
	w.written = nil
}

// syncDir makes the folder's new names durable before the store commits the records
// that refer to them.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("media folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("media folder: %w", err)
	}
	return nil
}
