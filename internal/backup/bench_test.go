package backup_test

import (
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"broadsheet/internal/backup"
	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// corpus is n stories of about 4 KB of Markdown (and its HTML), in a section, with two
// tags and six comments each (five replies), as sqlite's import benchmark makes them.
func corpus(n int) iter.Seq2[*news.ImportItem, error] {
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

// peakHeap samples the heap in use every 20 ms while fn runs and returns the highest
// value seen above the heap before it, in MiB.
func peakHeap(fn func()) float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.HeapInuse
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
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

// BenchmarkBackup exports a site of n stories (6n comments) to a file and imports it
// into an empty database. Reported: the file's size, each step's time, and the heap's
// growth at its peak during each step (flat as n grows: nothing is held whole).
//
//	go test -run '^$' -bench Backup -benchtime 1x ./internal/backup/
func BenchmarkBackup(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			src, err := sqlite.Open(ctx, filepath.Join(dir, "src.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer src.Close()
			if _, err := src.ImportStream(ctx, corpus(n)); err != nil {
				b.Fatal(err)
			}
			file := filepath.Join(dir, "site.json")
			var exportS, importS, exportMB, importMB float64
			var size int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				f, err := os.Create(file)
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				exportMB = max(exportMB, peakHeap(func() {
					st, err := backup.Export(ctx, src, f, backup.Options{})
					if err != nil {
						b.Fatal(err)
					}
					size = st.Bytes
				}))
				exportS += time.Since(start).Seconds()
				f.Close()
				dst, err := sqlite.Open(ctx, filepath.Join(dir, fmt.Sprintf("dst-%d.db", i)))
				if err != nil {
					b.Fatal(err)
				}
				start = time.Now()
				importMB = max(importMB, peakHeap(func() {
					counts, err := backup.Import(ctx, dst, func() (io.ReadCloser, error) { return os.Open(file) }, "")
					if err != nil || counts["article"] != n {
						b.Fatal(counts, err)
					}
				}))
				importS += time.Since(start).Seconds()
				dst.Close()
			}
			b.ReportMetric(float64(size)/(1<<20), "MiB-file")
			b.ReportMetric(exportS/float64(b.N), "s-export")
			b.ReportMetric(importS/float64(b.N), "s-import")
			b.ReportMetric(exportMB, "MiB-heap-export")
			b.ReportMetric(importMB, "MiB-heap-import")
		})
	}
}
