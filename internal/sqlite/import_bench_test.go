package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"broadsheet/internal/sqlite"
	"broadsheet/internal/storetest"
)

// BenchmarkImportStream imports n articles with 6 comments each into an empty store in
// one ImportStream; ns/article stays flat as n grows when the import is linear.
func BenchmarkImportStream(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("bench-%d.db", i)))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := db.ImportStream(ctx, storetest.BenchCorpus(n)); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/article")
		})
	}
}
