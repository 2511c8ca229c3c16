package disqus

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"testing"
)

// numbered is an export as Disqus writes it (decimal dsq:ids) of threads threads with
// per posts each, every other one a reply to the one before it.
func numbered(threads, per int) []byte {
	var b bytes.Buffer
	b.WriteString(head)
	for th := range threads {
		fmt.Fprintf(&b, `<thread dsq:id="%d"><id>%d https://example.org/?p=%d</id><forum>f</forum><link>https://example.org/2020/01/02/story-%d/</link><title>Story %d</title><createdAt>2020-01-02T03:04:05Z</createdAt><isClosed>false</isClosed><isDeleted>false</isDeleted></thread>`+"\n", 1000000+th, th, th, th, th)
	}
	for th := range threads {
		for p := range per {
			id := 5000000000 + th*per + p
			parent := ""
			if p%2 == 1 {
				parent = fmt.Sprintf(`<parent dsq:id="%d"/>`, id-1)
			}
			fmt.Fprintf(&b, `<post dsq:id="%d"><id/><message><![CDATA[<p>A comment.</p>]]></message><createdAt>2020-01-02T03:04:05Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam><author><email>c@example.invalid</email><name>C</name><isAnonymous>false</isAnonymous><username>c</username></author><thread dsq:id="%d"/>%s</post>`+"\n", id, 1000000+th, parent)
		}
	}
	b.WriteString("</disqus>\n")
	return b.Bytes()
}

// The first pass keeps a record of every post up to Limits.Entries (ten million): at
// most 64 bytes a post (threads' records included) kept by the Index, so that the
// largest export allowed is indexed in some 600 MB, not the 1.4 GB of 142 bytes a post
// the record once took (its dsq:id, thread and parent as strings in a map of pointers).
func TestIndexBytesPerPost(t *testing.T) {
	const threads, per = 1000, 100
	doc := numbered(threads, per)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	idx, err := Check(context.Background(), bytes.NewReader(doc), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	kept := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	if perPost := kept / (threads * per); perPost > 64 {
		t.Errorf("the index keeps %d bytes a post (%d for %d posts), want at most 64", perPost, kept, threads*per)
	}
	if idx.PostsOf("1000999") != per || idx.Placeholder("5000000001") || idx.parent("5000000001") != "5000000000" {
		t.Errorf("the index lost the shape: %d posts in the last thread, parent %q", idx.PostsOf("1000999"), idx.parent("5000000001"))
	}
	runtime.KeepAlive(idx)
	runtime.KeepAlive(doc)
}
