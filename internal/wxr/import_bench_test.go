package wxr

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"broadsheet/internal/sqlite"
)

// BenchmarkImport times Import (both passes and the commit) of WordPress's theme unit
// test export and of a generated export of 1,000 posts with 5,000 comments, each into
// a fresh database. bench/wxr times the command on larger files.
//
//	go test -run '^$' -bench Import -benchtime 5x ./internal/wxr/
func BenchmarkImport(b *testing.B) {
	gen := filepath.Join(b.TempDir(), "gen-1000.xml")
	f, err := os.Create(gen)
	if err != nil {
		b.Fatal(err)
	}
	if err := WriteSample(f, 1000, 5000); err != nil {
		b.Fatal(err)
	}
	f.Close()
	for _, c := range []struct{ name, file string }{
		{"theme-unit-test", filepath.Join(testdataDir(b), "themeunittestdata.wordpress.xml")},
		{"generated-1000-posts", gen},
	} {
		b.Run(c.name, func(b *testing.B) {
			dir := b.TempDir()
			n := 0
			for b.Loop() {
				n++
				b.StopTimer()
				db, err := sqlite.Open(context.Background(), filepath.Join(dir, "site"+string(rune('a'+n%26))+".db"))
				if err != nil {
					b.Fatal(err)
				}
				f, err := os.Open(c.file)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := Import(context.Background(), db, f, Options{}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				f.Close()
				db.Close()
				b.StartTimer()
			}
		})
	}
}
