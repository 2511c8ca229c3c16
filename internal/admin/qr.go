package admin

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// The QR code of two-step sign-in's setup: the otpauth:// address as a QR code
// (ISO/IEC 18004), drawn by github.com/skip2/go-qrcode — the most used Go encoder,
// without dependencies, which picks the mask by the standard's penalty rules (rsc.io/qr
// always uses mask 0, a TODO in its code) and draws the four-module quiet zone
// scanners need — and written here as an SVG: one path of the dark modules, crisp at
// any zoom, a few kilobytes, in an <img> with a data: address (the admin's CSP allows
// img-src data:), so that the page's styles cannot recolour it and it has alt text.

// qrLevel is the error correction: M (15% of the symbol may be lost), what
// authenticator setups use; a screen shows the code without dirt or folds.
const qrLevel = qrcode.Medium

// qrSVG returns the QR code of text as an SVG document: a white square of the symbol's
// modules with its quiet zone (viewBox units are modules), the dark modules one path.
func qrSVG(text string) (string, error) {
	q, err := qrcode.New(text, qrLevel)
	if err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	bits := q.Bitmap() // rows of modules, the quiet zone included; true is dark
	n := len(bits)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bits {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			run := 1
			for x+run < len(row) && row[x+run] {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x, y, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}

// qrDataURI is qrSVG as a data: address for an <img>.
func qrDataURI(text string) (template.URL, error) {
	svg, err := qrSVG(text)
	if err != nil {
		return "", err
	}
	return template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(svg))), nil
}

// groupsOfFour writes a key for typing: "JBSW Y3DP EHPK 3PXP". Authenticator apps
// ignore the spaces (and so does auth.CheckTOTP).
func groupsOfFour(key string) string {
	var b strings.Builder
	for i, r := range key {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
