package httpx

import "strings"

// secretPaths are the path prefixes whose next segment is a secret: a password reset
// link (/admin/reset/TOKEN) and a private preview link (/preview/TOKEN/).
var secretPaths = []string{"/admin/reset/", "/preview/"}

// LogPath is a request's path as a log may keep it: the secret of a reset or preview
// link replaced by "…". Whoever reads the log could otherwise set an account's password
// or read an unpublished story.
func LogPath(path string) string {
	for _, p := range secretPaths {
		if rest, ok := strings.CutPrefix(path, p); ok && rest != "" {
			tail := ""
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				tail = rest[i:]
			}
			return p + "…" + tail
		}
	}
	return path
}
