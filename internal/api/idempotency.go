package api

// Idempotency-Key on the admin API's creates (IETF draft "The Idempotency-Key HTTP
// Header Field", draft-ietf-httpapi-idempotency-key-header): a POST that carries a key
// is answered once; the same key with the same request within news.IdempotencyTTL gets
// that answer again (nothing new is made), the same key with another request is 422,
// and a copy sent while the first is still being answered is 409. The keys live in the
// store per token (news.IdempotencyStore), so this holds across nodes and under
// concurrent copies. Only a success is kept: a refused or failed request changed
// nothing, and the key is free again for the corrected request. The creates that take
// a key: POST /articles (the JSON body fingerprinted) and POST /media (the form's
// fields and files, whatever the multipart boundary). A replay (Idempotent-Replayed:
// true) has the first answer's status and what was made as it is now: an article
// trashed since is answered with "status": "trash", never as the draft it was; one
// deleted since is 410.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"broadsheet/internal/news"
)

// IdempotencyHeader is the request header of the draft.
const IdempotencyHeader = "Idempotency-Key"

// idempotencyKey reads the header: a Structured Field string (RFC 8941 §3.3.3, the
// draft's form: "8e03978e-…", quoted) or, as many clients send it, the bare value; 1 to
// news.MaxIdempotencyKey printable ASCII characters. "" and no error when absent.
func idempotencyKey(r *http.Request) (string, error) {
	vs := r.Header.Values(IdempotencyHeader)
	if len(vs) == 0 {
		return "", nil
	}
	bad := &problem{Status: http.StatusBadRequest, Detail: fmt.Sprintf("The Idempotency-Key header is one string of 1 to %d printable ASCII characters, e.g. Idempotency-Key: \"8e03978e-40d5-43e8-bc93-6894a57f9324\". Nothing was changed.", news.MaxIdempotencyKey)}
	if len(vs) > 1 {
		return "", bad
	}
	v := vs[0]
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		unq, err := strconv.Unquote(v)
		if err != nil {
			return "", bad
		}
		v = unq
	}
	if v == "" || len(v) > news.MaxIdempotencyKey {
		return "", bad
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return "", bad
		}
	}
	return v, nil
}

// replayed is an answer kept by the store, sent again as it was.
type replayed []byte

func (b replayed) MarshalJSON() ([]byte, error) { return b, nil }

// ReplayedHeader marks an answer sent again for a repeated Idempotency-Key (Stripe's
// name for it): "true" on a replay, absent on the answer of the request that made it.
const ReplayedHeader = "Idempotent-Replayed"

// keyedCreate is a create that honours Idempotency-Key: how its request is read and
// fingerprinted, the create itself, and how a replay tells what became of what it made.
type keyedCreate struct {
	// allowed, when set, refuses a token that may not make this at all before the
	// request's body is read (an upload's may be 15 MB).
	allowed func(st *staff) error
	// fingerprint reads the whole request (bounded, before anything is made) and names
	// it: the same request sent again has the same fingerprint.
	fingerprint func(r *http.Request) (string, error)
	op          func(r *http.Request, st *staff) (int, any, error)
	// current answers a replay from the kept answer: the first answer's status with
	// what it made as it is now (an article since moved to the trash says "trash"), or
	// 410 when that is gone. A replay never claims a state that is no longer true.
	current func(r *http.Request, st *staff, kept news.IdempotentReply) (int, any, error)
}

// idempotent wraps a create: with an Idempotency-Key, the request is read whole and
// fingerprinted (c.fingerprint), and the key claimed in the store before c.op runs. A
// multipart form parsed on the way has its files removed after the answer.
func (s *Server) idempotent(c keyedCreate) func(r *http.Request, st *staff) (int, any, error) {
	return func(r *http.Request, st *staff) (int, any, error) {
		key, err := idempotencyKey(r)
		if err != nil || key == "" {
			if err != nil {
				return 0, nil, err
			}
			return c.op(r, st)
		}
		if c.allowed != nil {
			if err := c.allowed(st); err != nil {
				return 0, nil, err
			}
		}
		defer func() {
			if r.MultipartForm != nil {
				r.MultipartForm.RemoveAll()
			}
		}()
		fingerprint, err := c.fingerprint(r)
		if err != nil {
			return 0, nil, err
		}
		ctx := r.Context()
		reply, err := s.store.BeginIdempotent(ctx, st.token.ID, key, fingerprint, s.cfg.Now())
		switch {
		case errors.Is(err, news.ErrKeyReused):
			return 0, nil, unprocessable("This Idempotency-Key was used with another request in the last 24 hours: send a new key for a new request. Nothing was changed.")
		case errors.Is(err, news.ErrKeyInFlight):
			return 0, nil, &problem{Status: http.StatusConflict, Detail: "A request with this Idempotency-Key is still being answered: wait for it, then send this again to get its answer. Nothing was changed."}
		case err != nil:
			return 0, nil, fmt.Errorf("claim an idempotency key: %w", err)
		case reply != nil:
			if w := responseWriterOf(r); w != nil {
				w.Header().Set(ReplayedHeader, "true")
			}
			return c.current(r, st, *reply)
		}
		// Kept or released whatever becomes of the client's connection.
		after := context.WithoutCancel(ctx)
		// The create records its key in its own transaction (createKeyOf), so that a
		// retry taking over the claim of a server killed after that commit and before
		// FinishIdempotent finds what was made instead of making it again.
		r = r.WithContext(context.WithValue(ctx, createKeyCtx{}, createKey(st.token.ID, key, fingerprint)))
		status, out, err := c.op(r, st)
		if err != nil {
			if rerr := s.store.ReleaseIdempotent(after, st.token.ID, key); rerr != nil {
				s.cfg.Logger.Error("release an idempotency key", "token", st.token.ID, "err", rerr)
			}
			return 0, nil, err
		}
		b, err := encodeJSON(out)
		if err != nil {
			return 0, nil, fmt.Errorf("encode %s: %w", r.URL.Path, err)
		}
		if err := s.store.FinishIdempotent(after, st.token.ID, key, news.IdempotentReply{Status: status, Body: b}); err != nil {
			// The thing is made: answer it. A retry meanwhile gets 409 until the
			// claim's lease ends.
			s.cfg.Logger.Error("keep an idempotent answer", "token", st.token.ID, "err", err)
		}
		return status, replayed(b), nil
	}
}

type createKeyCtx struct{}

// createKey is the news.Article.CreateKey of a keyed create: the token, the key and
// the request's fingerprint, hashed (a fixed length, whatever the key), and prefixed so
// that it never meets an admin form's key. The fingerprint is in it so that the key
// reused for another request after IdempotencyTTL makes a new article.
func createKey(tokenID int64, key, fingerprint string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d\n%s\n%s", tokenID, key, fingerprint)
	return "api:" + hex.EncodeToString(h.Sum(nil))
}

// createKeyOf is the create key idempotent put in the request's context; "" without
// an Idempotency-Key.
func createKeyOf(r *http.Request) string {
	k, _ := r.Context().Value(createKeyCtx{}).(string)
	return k
}

// jsonFingerprint reads a JSON body whole (at most maxJSONBody bytes), leaves it for the
// create to decode, and fingerprints it with the method, path and content type.
func jsonFingerprint(r *http.Request) (string, error) {
	body, err := io.ReadAll(http.MaxBytesReader(responseWriterOf(r), r.Body, maxJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", &problem{Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf("The body is larger than %d bytes: nothing was changed.", maxJSONBody)}
		}
		return "", &problem{Status: http.StatusBadRequest, Detail: "The body could not be read. Nothing was changed."}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n%s\n", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// uploadFingerprint parses a multipart upload (parseUpload: at most maxUploadBody bytes,
// files past 1 MiB on disk) and fingerprints what it says, not how it was framed: a
// client sending the same form again picks another boundary (curl -F does), which is
// the same request. Fields in name order with their values, then each file's field,
// name and SHA-256 of its bytes.
func uploadFingerprint(r *http.Request) (string, error) {
	if err := parseUpload(r); err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\nmultipart/form-data\n", r.Method, r.URL.Path)
	// Each string length-prefixed and written as it is: a quoted copy (%q) of a field
	// of 10 MB (the form keeps up to that many bytes of fields) cost some 240 MB.
	buf := make([]byte, 32<<10)
	str := func(s string) {
		binary.BigEndian.PutUint64(buf, uint64(len(s)))
		h.Write(buf[:8])
		for len(s) > 0 { // through buf: io.WriteString would copy s whole
			n := copy(buf, s)
			h.Write(buf[:n])
			s = s[n:]
		}
	}
	f := r.MultipartForm
	for _, k := range slices.Sorted(maps.Keys(f.Value)) {
		for _, v := range f.Value[k] {
			io.WriteString(h, "v")
			str(k)
			str(v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(f.File)) {
		for _, fh := range f.File[k] {
			file, err := fh.Open()
			if err != nil {
				return "", fmt.Errorf("read an upload's file: %w", err)
			}
			fd := sha256.New()
			_, err = io.Copy(fd, file)
			file.Close()
			if err != nil {
				return "", fmt.Errorf("read an upload's file: %w", err)
			}
			io.WriteString(h, "f")
			str(k)
			str(fh.Filename)
			h.Write(fd.Sum(nil))
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// keptID is the "id" of a kept answer's JSON.
func keptID(kept news.IdempotentReply) (int64, error) {
	var v struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(kept.Body, &v); err != nil || v.ID <= 0 {
		return 0, fmt.Errorf("a kept idempotent answer without its id: %w", news.ErrInvalid)
	}
	return v.ID, nil
}

// currentArticle answers a replayed create of an article: the first answer's status
// (201) with the article as it is now, so that one moved to the trash since says so
// ("status": "trash") and its version is today's; 410 if it no longer exists.
func (s *Server) currentArticle(r *http.Request, st *staff, kept news.IdempotentReply) (int, any, error) {
	id, err := keptID(kept)
	if err != nil {
		return 0, nil, err
	}
	a, err := s.store.Article(r.Context(), id)
	switch {
	case errors.Is(err, news.ErrNotFound):
		return 0, nil, &problem{Status: http.StatusGone, Detail: fmt.Sprintf("This Idempotency-Key's request made article %d, which has since been deleted. Nothing was changed; send a new key to make another.", id)}
	case err != nil:
		return 0, nil, err
	case !st.sees(a, s.cfg.Now()) && a.OwnerID != st.user.ID:
		// A story of the token's account is its own to read whatever its status (a
		// contributor's submitted story, as the admin shows it read-only); another's
		// (the account changed since) only as GET /articles/{id} would show it.
		return 0, nil, notFound(fmt.Sprintf("This Idempotency-Key's request made article %d, which this token may no longer see. Nothing was changed.", id))
	}
	return kept.Status, s.staffArticleOf(a), nil
}

// currentMedia answers a replayed upload: the first answer's status (201) with the
// library item as it is now (its words may have been edited), or 410 if it was deleted
// (also when its ID has since been given to another upload: the file names differ).
func (s *Server) currentMedia(r *http.Request, st *staff, kept news.IdempotentReply) (int, any, error) {
	id, err := keptID(kept)
	if err != nil {
		return 0, nil, err
	}
	var made struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal(kept.Body, &made); err != nil {
		return 0, nil, fmt.Errorf("a kept idempotent answer without its url: %w", news.ErrInvalid)
	}
	m, err := s.store.MediaItem(r.Context(), id)
	if err == nil && !strings.HasSuffix(made.URL, mediaURL+m.Name) {
		// SQLite gives the highest deleted row's ID to the next row (media has no
		// AUTOINCREMENT): this ID is another upload's now. A file's name is never
		// given twice (news.MediaFileNames, media_deleted), so it tells them apart.
		err = news.ErrNotFound
	}
	if errors.Is(err, news.ErrNotFound) {
		return 0, nil, &problem{Status: http.StatusGone, Detail: fmt.Sprintf("This Idempotency-Key's request uploaded media %d, which has since been deleted from the library. Nothing was changed; send a new key to upload it again.", id)}
	} else if err != nil {
		return 0, nil, err
	}
	return kept.Status, s.mediaItemOf(m), nil
}
