package api

// Idempotency-Key on the admin API's creates (IETF draft "The Idempotency-Key HTTP
// Header Field", draft-ietf-httpapi-idempotency-key-header): a POST that carries a key
// is answered once; the same key with the same request within news.IdempotencyTTL gets
// that answer again (nothing new is made), the same key with another request is 422,
// and a copy sent while the first is still being answered is 409. The keys live in the
// store per token (news.IdempotencyStore), so this holds across nodes and under
// concurrent copies. Only a success is kept: a refused or failed request changed
// nothing, and the key is free again for the corrected request.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

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

// idempotent wraps a create: with an Idempotency-Key, the request's body is read
// (bounded by maxJSONBody, before anything else), fingerprinted with its method, path
// and content type, and the key claimed in the store before op runs.
func (s *Server) idempotent(op func(r *http.Request, st *staff) (int, any, error)) func(r *http.Request, st *staff) (int, any, error) {
	return func(r *http.Request, st *staff) (int, any, error) {
		key, err := idempotencyKey(r)
		if err != nil || key == "" {
			if err != nil {
				return 0, nil, err
			}
			return op(r, st)
		}
		body, err := io.ReadAll(http.MaxBytesReader(responseWriterOf(r), r.Body, maxJSONBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return 0, nil, &problem{Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf("The body is larger than %d bytes: nothing was changed.", maxJSONBody)}
			}
			return 0, nil, &problem{Status: http.StatusBadRequest, Detail: "The body could not be read. Nothing was changed."}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		h := sha256.New()
		fmt.Fprintf(h, "%s %s\n%s\n", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		h.Write(body)
		fingerprint := hex.EncodeToString(h.Sum(nil))
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
			return reply.Status, replayed(reply.Body), nil
		}
		// Kept or released whatever becomes of the client's connection.
		after := context.WithoutCancel(ctx)
		status, out, err := op(r, st)
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
			// The article is made: answer it. A retry meanwhile gets 409 until the
			// claim's lease ends.
			s.cfg.Logger.Error("keep an idempotent answer", "token", st.token.ID, "err", err)
		}
		return status, replayed(b), nil
	}
}
