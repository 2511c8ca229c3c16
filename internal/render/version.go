package render

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// Version is the version of what this package makes of an article (ArticleMarkdown,
// ArticleHTML). Stored articles keep the HTML they were rendered to, so a change of
// the renderer reaches old stories only through the re-render pass (package rerender),
// which redoes every article stamped with another Fingerprint.
//
// The rule: bump Version in the same commit as any change that alters the HTML made of
// some input — the article policy (render.go), balance.go, embed.go and removed.go, the
// goldmark options or extensions in markdown.go, an upgrade of goldmark, bluemonday or
// golang.org/x/net/html. TestVersionMatchesOutput fails when the output of the
// golden examples changes while Version stays, and says what to record.
//
// History: 1 — embeds (embed.go), the balanced fragment, unknown tags shown as text;
// 2 — an embed's own figure read again is not wrapped in a second one; 3 — the embed's
// sandbox lets the player keep its own origin (allow-same-origin), at most MaxEmbeds
// embeds a body, lazy-loaded iframes (data-src) read; 4 — what a removal left empty
// goes (a link without content, an empty figure or caption, an embed's classes on a
// figure without its iframe), an embed's figure keeps its caption, YouTube's list and
// end parameters kept; 5 — <audio> and <video> kept with their controls and https (or
// the site's own) files, never autoplaying; a player without either is its fallback
// link; a <source> outside a picture or player goes.
const Version = 5

// Fingerprint names the render an article's stored HTML came from: the renderer's
// Version and the embed hosts in force (e; their order and repetitions do not count).
// Its form is "VVVVVV/HHHHHHHHHHHHHHHH": the version zero-padded to six digits, so that
// an older renderer's fingerprint sorts before a newer one's, then the first 16 hex
// digits of the SHA-256 of the sorted hosts, one a line. A store re-renders an article
// whose fingerprint sorts lower, or has this version and other hosts; one stamped by
// a newer renderer (a newer server, during a rolling upgrade) is left to it.
func Fingerprint(e Embeds) string {
	hosts := slices.Clone(e.Hosts)
	for i, h := range hosts {
		hosts[i] = strings.ToLower(h)
	}
	slices.Sort(hosts)
	hosts = slices.Compact(hosts)
	sum := sha256.Sum256([]byte(strings.Join(hosts, "\n")))
	return fmt.Sprintf("%06d/%s", Version, hex.EncodeToString(sum[:8]))
}
