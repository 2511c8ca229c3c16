package disqus

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

// sample is an export of threads threads with posts posts each, every other one a
// reply to the one before it.
func sample(threads, posts int) []byte {
	var b bytes.Buffer
	b.WriteString(head)
	for t := range threads {
		fmt.Fprintf(&b, `<thread dsq:id="t%d"><id/><forum>f</forum><link>https://example.org/2020/01/02/story-%d/</link><title>Story %d</title><createdAt>2020-01-02T03:04:05Z</createdAt><isClosed>false</isClosed><isDeleted>false</isDeleted></thread>`+"\n", t, t, t)
	}
	msg := "<p>" + strings.Repeat("A comment of some length, with <b>bold</b> and a <a href=\"https://example.com/\">link</a>. ", 4) + "</p>"
	for t := range threads {
		for p := range posts {
			parent := ""
			if p%2 == 1 {
				parent = fmt.Sprintf(`<parent dsq:id="%d-%d"/>`, t, p-1)
			}
			fmt.Fprintf(&b, `<post dsq:id="%d-%d"><id/><message><![CDATA[%s]]></message><createdAt>2020-01-02T03:04:05Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam><author><email>c%d@example.invalid</email><name>Commenter %d</name><isAnonymous>false</isAnonymous><username>c%d</username></author><ipAddress>192.0.2.1</ipAddress><thread dsq:id="t%d"/>%s</post>`+"\n",
				t, p, msg, p, p, p, t, parent)
		}
	}
	b.WriteString("</disqus>\n")
	return b.Bytes()
}

// BenchmarkCheck is the first pass over an export of 20,000 posts (bytes a second).
func BenchmarkCheck(b *testing.B) {
	doc := sample(1000, 20)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Check(context.Background(), bytes.NewReader(doc), Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMessageText is one message turned into comment text.
func BenchmarkMessageText(b *testing.B) {
	msg := "<p>" + strings.Repeat("A comment of some length, with <b>bold</b> and a <a href=\"https://disq.us/url?url=https%3A%2F%2Fexample.com%2F%3AabcdefghijklmnopqrstuvwxyZ\">link</a>. ", 4) + "</p><p>Second<br>line</p>"
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		MessageText(msg)
	}
}
