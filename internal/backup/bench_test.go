package backup_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"broadsheet/internal/backup"
	"broadsheet/internal/sqlite"
	"broadsheet/internal/storetest"
)

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
			if _, err := src.ImportStream(ctx, storetest.BenchCorpus(n)); err != nil {
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
				exportMB = max(exportMB, storetest.PeakHeapMiB(func() {
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
				importMB = max(importMB, storetest.PeakHeapMiB(func() {
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
