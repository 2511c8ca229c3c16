package wxr_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"broadsheet/internal/sqlite"
	"broadsheet/internal/storetest"
	"broadsheet/internal/wxr"
)

// BenchmarkExport writes a site of n stories (6n comments) as WXR. Reported: the
// file's size and the heap's growth at its peak (flat as n grows: the export streams).
//
//	go test -run '^$' -bench Export -benchtime 1x ./internal/wxr/
func BenchmarkExport(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			db, err := sqlite.Open(ctx, filepath.Join(dir, "site.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if _, err := db.ImportStream(ctx, storetest.BenchCorpus(n)); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				f, err := os.Create(filepath.Join(dir, "site.xml"))
				if err != nil {
					b.Fatal(err)
				}
				var c wxr.Counts
				peak := storetest.PeakHeapMiB(func() {
					c, err = wxr.Export(ctx, db, f, wxr.ExportOptions{BaseURL: "https://news.example.org"})
				})
				if err != nil {
					b.Fatal(err)
				}
				size, _ := f.Seek(0, io.SeekCurrent)
				f.Close()
				if c.Items[wxr.TypeStatus{Type: "post", Status: "publish"}] != n {
					b.Fatalf("%+v", c)
				}
				b.ReportMetric(float64(size)/(1<<20), "MiB-file")
				b.ReportMetric(peak, "MiB-heap-peak")
			}
		})
	}
}
