package corpus

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"runtime"
	"strconv"
	"sync"

	"golang.org/x/sync/semaphore"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// Options tune a read of the corpus.
type Options struct {
	// Workers is how many goroutines decode (and for Items render) lines ahead of the
	// consumer; 0 means GOMAXPROCS, at most 8.
	Workers int
	// Progress, if not nil, is called in file order after each article with the count
	// of bytes from the start of the file to the end of its line.
	Progress func(bytesRead int64)
	// Stored, if not nil, tells Items whether the store holds the article of a corpus
	// ID already, and the corpus IDs of its stored comments: an import skips those, so
	// Items renders neither its Markdown nor those comments (their HTML is left empty).
	// It is called from the worker goroutines.
	Stored func(ctx context.Context, id string) (stored bool, commentIDs []string, err error)
	// Embeds are the embed hosts the site allows (news.SettingEmbedHosts) besides the
	// built-in providers: an imported body is rendered with the same allow-list as a
	// body saved in the editor. The zero value allows the providers only.
	Embeds render.Embeds
}

// Stats counts what a corpus holds.
type Stats struct {
	Articles, Comments int
	Bytes              int64 // bytes up to the end of the last article's line
}

// Memory bounds of a read: however long the file, at most aheadLines lines, and at most
// aheadBytes bytes of them (or one line, when it alone is longer), are decoded or
// waiting for the consumer at any time.
const (
	aheadLines = 64
	aheadBytes = MaxLine
)

// Check reads the whole corpus from r as a stream and checks every line: JSON shape,
// required fields, RFC 3339 times, comment threading (a reply comes after its parent),
// and that no article ID is used twice. It returns the first bad line as a *LineError
// (the file order is kept, though lines are decoded in parallel), and an error for a
// file without any article. Memory stays bounded but for the set of article IDs.
func Check(ctx context.Context, r io.Reader, opt Options) (Stats, error) {
	return read(ctx, r, opt, false, func(*news.ImportItem) bool { return true })
}

// Items reads the corpus from r as a stream and yields its articles in file order,
// checked as Check checks them, with their Markdown and comments rendered to HTML by
// opt.Workers goroutines ahead of the consumer. It yields (item, nil) for each article
// and stops after yielding (nil, err) for the first bad line (a *LineError), a read
// error or the end of ctx. Breaking out of the loop stops the workers; each item is
// the consumer's, and the sequence keeps none of them.
func Items(ctx context.Context, r io.Reader, opt Options) iter.Seq2[*news.ImportItem, error] {
	return func(yield func(*news.ImportItem, error) bool) {
		stopped := false
		_, err := read(ctx, r, opt, true, func(it *news.ImportItem) bool {
			if !yield(it, nil) {
				stopped = true
				return false
			}
			return true
		})
		if err != nil && !stopped && !errors.Is(err, errEmpty) {
			yield(nil, err)
		}
	}
}

var errEmpty = errors.New("the file holds no articles")

// job is one line on its way through the workers, in file order.
type job struct {
	line   int
	end    int64 // offset of the end of the line
	raw    []byte
	weight int64
	done   chan result // buffered: a worker never waits to hand its result over
}

type result struct {
	id       int64
	comments int
	item     *news.ImportItem
	err      error
}

// read runs the pipeline: one goroutine splits lines, workers decode (and render), and
// the calling goroutine takes the results in file order, checks IDs across lines and
// hands each item to each, which returns false to stop.
func read(ctx context.Context, r io.Reader, opt Options, render bool, each func(*news.ImportItem) bool) (Stats, error) {
	workers := opt.Workers
	if workers <= 0 {
		workers = min(runtime.GOMAXPROCS(0), 8)
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()

	order := make(chan *job, aheadLines)
	jobs := make(chan *job, aheadLines)
	budget := semaphore.NewWeighted(aheadBytes)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(order)
		defer close(jobs)
		split(ctx, r, budget, order, jobs)
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.done <- work(ctx, j.raw, render, opt.Stored, opt.Embeds)
				j.raw = nil
			}
		}()
	}

	var st Stats
	seen := map[int64]int{} // article ID → its line
	for j := range order {
		var res result
		select {
		case res = <-j.done:
		case <-ctx.Done():
			return st, ctx.Err()
		}
		if res.err != nil {
			var le *LineError
			if errors.As(res.err, &le) || errors.Is(res.err, context.Canceled) || errors.Is(res.err, context.DeadlineExceeded) {
				return st, res.err
			}
			return st, &LineError{Line: j.line, Err: res.err}
		}
		if first, dup := seen[res.id]; dup {
			return st, &LineError{Line: j.line, Err: fmt.Errorf("id %d is already used on line %d", res.id, first)}
		}
		seen[res.id] = j.line
		st.Articles++
		st.Comments += res.comments
		st.Bytes = j.end
		if opt.Progress != nil {
			opt.Progress(j.end)
		}
		if !each(res.item) {
			return st, nil
		}
		budget.Release(j.weight)
	}
	if err := ctx.Err(); err != nil {
		return st, err
	}
	if st.Articles == 0 {
		return st, errEmpty
	}
	return st, nil
}

// split reads lines and sends each non-blank one to both channels: order keeps the
// file's order for the consumer, jobs feeds the workers. A read error ends the stream
// with a job that carries it.
func split(ctx context.Context, r io.Reader, budget *semaphore.Weighted, order, jobs chan<- *job) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	line := 0
	var off int64
	send := func(j *job) bool {
		select {
		case order <- j:
		case <-ctx.Done():
			return false
		}
		if j.raw == nil { // already done
			return true
		}
		select {
		case jobs <- j:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for sc.Scan() {
		line++
		raw := sc.Bytes()
		off += int64(len(raw)) + 1
		if line == 1 {
			raw = bytes.TrimPrefix(raw, []byte("\ufeff")) // a byte order mark some editors write
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		w := int64(len(raw))
		if err := budget.Acquire(ctx, w); err != nil {
			return
		}
		if !send(&job{line: line, end: off, raw: bytes.Clone(raw), weight: w, done: make(chan result, 1)}) {
			return
		}
	}
	err := sc.Err()
	if err == nil {
		return
	}
	if errors.Is(err, bufio.ErrTooLong) {
		err = &LineError{Line: line + 1, Err: fmt.Errorf("line longer than %d bytes", MaxLine)}
	} else {
		err = fmt.Errorf("read corpus after line %d: %w", line, err)
	}
	j := &job{line: line + 1, done: make(chan result, 1)}
	j.done <- result{err: err}
	send(j)
}

// work decodes and checks one line and, with render, turns it into an import item.
func work(ctx context.Context, raw []byte, render bool, stored func(context.Context, string) (bool, []string, error), embeds render.Embeds) result {
	if err := ctx.Err(); err != nil {
		return result{err: err}
	}
	rec, err := decode(raw)
	if err != nil {
		return result{err: err}
	}
	res := result{id: *rec.ID, comments: len(rec.Comments)}
	if !render {
		return res
	}
	var skip *skipped
	if stored != nil {
		in, comments, err := stored(ctx, strconv.FormatInt(*rec.ID, 10))
		if err != nil {
			return result{err: err}
		}
		if in {
			skip = &skipped{comments: make(map[string]bool, len(comments))}
			for _, c := range comments {
				skip.comments[c] = true
			}
		}
	}
	if res.item, err = rec.item(ctx, skip, embeds); err != nil {
		return result{err: err}
	}
	return res
}
