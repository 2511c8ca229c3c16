package wxr

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestGeneratedExport checks the generator the benchmark reads: its counts are the
// reader's.
func TestGeneratedExport(t *testing.T) {
	var b strings.Builder
	if err := WriteSample(&b, 30, 100); err != nil {
		t.Fatal(err)
	}
	c, err := Check(t.Context(), strings.NewReader(b.String()), Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pending := SamplePending(30, 100)
	if c.Items[TypeStatus{"post", "publish"}] != 30 || c.Items[TypeStatus{"page", "publish"}] != SamplePages ||
		c.Comments[CommentApproved] != 100-pending || c.Comments[CommentPending] != pending || pending == 0 ||
		c.Categories != SampleTopSections+SampleSubsections || c.Tags != SampleTags || c.Authors != SampleAuthors {
		t.Fatalf("%+v", c)
	}
	if c.Items[TypeStatus{"attachment", "inherit"}] != 30/SampleImageEvery+30/SamplePDFEvery {
		t.Errorf("%d attachments", c.Items[TypeStatus{"attachment", "inherit"}])
	}
}

// BenchmarkReader reads generated exports of two sizes, ten times apart, and reports the
// reading speed (MB/s), the allocations (B/op, all short-lived) and the largest live
// heap seen while reading (max-heap-MB) beside the file's size (file-MB): the heap
// stays the same however large the file.
//
//	go test -run '^$' -bench BenchmarkReader -benchtime 2x ./internal/wxr/
func BenchmarkReader(b *testing.B) {
	for _, size := range []struct{ posts, comments int }{{2_000, 10_000}, {20_000, 100_000}} {
		b.Run(fmt.Sprintf("posts=%d,comments=%d", size.posts, size.comments), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "export.xml")
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			if err := WriteSample(f, size.posts, size.comments); err != nil {
				b.Fatal(err)
			}
			st, _ := f.Stat()
			f.Close()
			b.SetBytes(st.Size())
			b.ReportAllocs()

			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			var peak atomic.Uint64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() {
				t := time.NewTicker(50 * time.Millisecond) // ReadMemStats stops the world: not too often
				defer t.Stop()
				var m runtime.MemStats
				for {
					select {
					case <-stop:
						return
					case <-t.C:
						runtime.ReadMemStats(&m)
						if m.HeapInuse > peak.Load() {
							peak.Store(m.HeapInuse)
						}
					}
				}
			})
			b.ResetTimer()
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				posts, comments := 0, 0
				r := NewReader(f, Limits{})
				for e, err := range r.All() {
					if err != nil {
						b.Fatal(err)
					}
					if it, ok := e.(*Item); ok && it.Type == "post" {
						posts++
						comments += len(it.Comments)
					}
				}
				f.Close()
				if posts != size.posts || comments != size.comments {
					b.Fatalf("read %d posts and %d comments, wrote %d and %d", posts, comments, size.posts, size.comments)
				}
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
			b.ReportMetric(float64(st.Size())/1e6, "file-MB")
			b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapInuse))/1e6, "max-heap-MB")
		})
	}
}

// BenchmarkCheck is the import's first pass (Check) over a generated export of 2,000
// posts and 10,000 comments held in memory, so that it measures the reading (the XML
// tokenizer and the Reader), not the disk: bytes a second, and allocations.
//
//	go test -run '^$' -bench BenchmarkCheck -count 6 ./internal/wxr/
func BenchmarkCheck(b *testing.B) {
	var doc bytes.Buffer
	if err := WriteSample(&doc, 2_000, 10_000); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(doc.Len()))
	b.ReportAllocs()
	for b.Loop() {
		c, err := Check(b.Context(), bytes.NewReader(doc.Bytes()), Limits{}, nil)
		if err != nil {
			b.Fatal(err)
		}
		if c.Items[TypeStatus{"post", "publish"}] != 2_000 {
			b.Fatalf("%+v", c)
		}
	}
}
