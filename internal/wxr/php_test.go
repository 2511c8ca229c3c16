package wxr

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// serialize is PHP's serialize() for the values Unserialize returns, written from PHP's
// documented format, to check round trips.
func serialize(v any) string {
	switch v := v.(type) {
	case nil:
		return "N;"
	case bool:
		if v {
			return "b:1;"
		}
		return "b:0;"
	case int64:
		return "i:" + strconv.FormatInt(v, 10) + ";"
	case float64:
		switch {
		case math.IsInf(v, 1):
			return "d:INF;"
		case math.IsInf(v, -1):
			return "d:-INF;"
		case math.IsNaN(v):
			return "d:NAN;"
		}
		return "d:" + strconv.FormatFloat(v, 'g', -1, 64) + ";"
	case string:
		return fmt.Sprintf("s:%d:\"%s\";", len(v), v)
	case PHPArray:
		var b strings.Builder
		fmt.Fprintf(&b, "a:%d:{", len(v))
		for _, e := range v {
			b.WriteString(serialize(e.Key) + serialize(e.Value))
		}
		b.WriteString("}")
		return b.String()
	}
	panic(fmt.Sprintf("serialize %T", v))
}

func TestUnserialize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want any
	}{
		{"N;", nil},
		{"b:1;", true},
		{"i:-42;", int64(-42)},
		{"d:0.5;", 0.5},
		{`s:5:"a"b;c";`, `a"b;c`},      // the length, not the quotes, ends a string
		{`s:5:"café";`, "caf\xc3\xa9"}, // bytes, not characters
		{`a:2:{i:0;s:1:"x";s:1:"k";a:0:{}}`, PHPArray{{int64(0), "x"}, {"k", PHPArray{}}}},
		{"  i:1; \n", int64(1)},
	} {
		got, err := Unserialize(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Unserialize(%q) = %#v, %v; want %#v", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, says string }{
		{"", "expected"},
		{`s:10:"short";`, "10 bytes"},
		{`a:1:{i:0;}`, ""},
		{`a:1000000000:{i:0;i:0;}`, "1000000000 entries"},
		{`O:8:"stdClass":0:{}`, "objects"},
		{`a:1:{i:0;r:1;}`, "references"},
		{`a:1:{d:0.5;i:1;}`, "key"},
		{`i:1;i:2;`, "after the value"},
		{`b:2;`, "boolean"},
		{strings.Repeat("a:1:{i:0;", 40) + "N;" + strings.Repeat("}", 40), "nested more than 32"},
	} {
		_, err := Unserialize(c.in)
		var pe *PHPError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("Unserialize(%q): %v, want a *PHPError saying %q", c.in, err, c.says)
		}
	}
	// Values past the bound are refused, however small each is.
	many := "a:60000:{" + strings.Repeat("i:0;N;", 60000) + "}"
	if _, err := Unserialize(many); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("120,001 values: %v", err)
	}
}

func TestParseAttachmentMetadata(t *testing.T) {
	// A PDF's metadata (WordPress 6: the size only) and a value WordPress stored with
	// numbers as strings.
	md, err := ParseAttachmentMetadata(`a:1:{s:8:"filesize";i:52311;}`)
	if err != nil || md.FileSize != 52311 || md.Width != 0 {
		t.Errorf("PDF: %+v %v", md, err)
	}
	md, err = ParseAttachmentMetadata(`a:3:{s:5:"width";s:4:"1200";s:6:"height";d:800;s:4:"file";s:10:"a/b/c.jpg ";}`)
	if err != nil || md.Width != 1200 || md.Height != 800 || md.File != "a/b/c.jpg " {
		t.Errorf("strings: %+v %v", md, err)
	}
	if md, err := ParseAttachmentMetadata(""); md != nil || err != nil {
		t.Errorf("empty: %+v %v", md, err)
	}
	for _, bad := range []string{`s:3:"abc";`, `a:1:{s:5:"width";s:3:"big";}`, `a:1:{s:5:"sizes";i:1;}`, `a:1:{s:5:"width";i:-1;}`} {
		if _, err := ParseAttachmentMetadata(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func FuzzUnserialize(f *testing.F) {
	for _, s := range []string{"N;", "b:1;", "i:-42;", "d:0.5;", "d:INF;", `s:5:"hello";`, `a:2:{i:0;s:1:"x";s:1:"k";a:0:{}}`,
		sampleMeta(&testing.T{}, "_wp_attachment_metadata"), `O:8:"stdClass":0:{}`, `a:9:{`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Unserialize(s)
		if err != nil {
			var pe *PHPError
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(s) {
				t.Fatalf("error %v (%T)", err, err)
			}
			return
		}
		// What was read serializes to a value that reads the same.
		again, err := Unserialize(serialize(v))
		if err != nil {
			t.Fatalf("%q → %#v → %q: %v", s, v, serialize(v), err)
		}
		if serialize(again) != serialize(v) {
			t.Fatalf("%q: %#v then %#v", s, v, again)
		}
		_, _ = ParseAttachmentMetadata(s)
	})
}
