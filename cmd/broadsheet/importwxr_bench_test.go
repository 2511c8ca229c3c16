package main

import (
	"os"
	"path/filepath"
	"testing"

	"broadsheet/internal/wxr"
)

// BenchmarkImportWXR times `broadsheet import wxr` (both passes and the commit) of
// WordPress's theme unit test export and of a generated export of 1,000 posts with
// 5,000 comments, each into a fresh database.
//
//	go test -run '^$' -bench ImportWXR -benchtime 5x ./cmd/broadsheet/
func BenchmarkImportWXR(b *testing.B) {
	gen := filepath.Join(b.TempDir(), "gen-1000.xml")
	f, err := os.Create(gen)
	if err != nil {
		b.Fatal(err)
	}
	if err := wxr.WriteSample(f, 1000, 5000); err != nil {
		b.Fatal(err)
	}
	f.Close()
	for _, c := range []struct{ name, file string }{
		{"theme-unit-test", wxrFile(b, "themeunittestdata.wordpress.xml")},
		{"generated-1000-posts", gen},
	} {
		b.Run(c.name, func(b *testing.B) {
			dir := b.TempDir()
			n := 0
			for b.Loop() {
				n++
				db := filepath.Join(dir, "site"+string(rune('a'+n%26))+".db")
				b.StopTimer()
				for _, suffix := range []string{"", "-wal", "-shm"} {
					os.Remove(db + suffix)
				}
				b.StartTimer()
				if _, _, err := runCmd(b, "import", "wxr", c.file, "--db", db); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
