package storetest

import (
	"fmt"
	"iter"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"broadsheet/internal/news"
)

// BenchCorpus is n published stories of about 4 KB of Markdown (and its HTML), in one
// section, with two tags and six comments each (five replies to the first), sourced
// "bench" so that a second import of it adds nothing: the import and backup benchmarks'
// common input.
func BenchCorpus(n int) iter.Seq2[*news.ImportItem, error] {
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	body := strings.Repeat("Some words of the article, at length. ", 100)
	return func(yield func(*news.ImportItem, error) bool) {
		for i := 1; i <= n; i++ {
			a := &news.Article{Slug: fmt.Sprintf("story-%d", i), Title: "A story", Standfirst: "What happened.",
				BodyMarkdown: body, BodyHTML: "<p>" + body + "</p>", Status: news.StatusPublished, PublishedAt: t0.Add(time.Duration(i) * time.Hour),
				Author: &news.Author{Name: "Anna"}, Section: &news.Section{Name: "World"}, Tags: []*news.Tag{{Name: "A"}, {Name: "B"}},
				Source: "bench", SourceID: fmt.Sprint(i)}
			it := &news.ImportItem{Article: a}
			for j := 1; j <= 6; j++ {
				c := &news.Comment{Status: news.CommentApproved, AuthorName: "R", AuthorEmail: fmt.Sprintf("r%d@example.net", (i*7+j)%500),
					Body: "x", BodyHTML: "<p>x</p>", Source: "bench", SourceID: fmt.Sprint(j), CreatedAt: t0.Add(time.Duration(i) * time.Hour)}
				if j > 1 {
					c.ParentSourceID = "1"
				}
				it.Comments = append(it.Comments, c)
			}
			if !yield(it, nil) {
				return
			}
		}
	}
}

// PeakHeapMiB runs fn while sampling the heap in use every 20 ms and returns the
// highest value seen above the heap before it, in MiB: what a streaming export or
// import holds at its worst, for benchmarks' reported figures.
func PeakHeapMiB(fn func()) float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.HeapInuse
	var peak atomic.Uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	<-stopped
	if peak.Load() < before {
		return 0
	}
	return float64(peak.Load()-before) / (1 << 20)
}
