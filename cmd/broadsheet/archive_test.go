package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An import given a gzipped or zipped file (WordPress.com's export is a ZIP; Disqus
// mails its export gzipped) says to unpack it, for every import: not that line 1
// holds an illegal character.
func TestImportOfACompressedFileSaysToUnpackIt(t *testing.T) {
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>`))
	zw.Close()
	gzFile := filepath.Join(dir, "export.xml.gz")
	zipFile := filepath.Join(dir, "export.zip")
	os.WriteFile(gzFile, gz.Bytes(), 0o644)
	os.WriteFile(zipFile, []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00 the rest of a zip"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "wxr", gzFile}, "gunzip it"},
		{[]string{"import", "wxr", zipFile}, "unzip it"},
		{[]string{"import", "disqus", gzFile}, "gunzip it"},
		{[]string{"import", "corpus", zipFile}, "unzip it"},
	} {
		_, _, err := runCmd(t, append(c.args, "--db", filepath.Join(dir, "site.db"))...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want it to say %q", c.args, err, c.want)
		}
	}
}
