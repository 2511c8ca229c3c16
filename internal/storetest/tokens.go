package storetest

// The admin API's tokens (news.APITokenStore): kept by hash only, found by it, their
// last use recorded, revoked for good.

import (
	"context"
	"errors"
	"testing"
	"time"

	"broadsheet/internal/news"
)

func testAPITokens(t *testing.T, s Engine) {
	ctx := context.Background()
	admin := &news.User{Email: "root@example.org", Name: "Root", Role: news.RoleAdministrator, PasswordHash: "x"}
	if err := s.CreateUser(ctx, admin); err != nil {
		t.Fatal(err)
	}
	secret, hash, err := news.NewAPITokenSecret()
	if err != nil {
		t.Fatal(err)
	}
	if !news.LooksLikeAPIToken(secret) || len(secret) != len(news.APITokenPrefix)+43 {
		t.Fatalf("secret %q is not of the documented form", secret)
	}
	expires := base.Add(48 * time.Hour)
	tok := &news.APIToken{Name: "Newsletter", Role: news.RoleAuthor, CreatedBy: admin.ID, ExpiresAt: expires, Hash: hash}
	if err := s.CreateAPIToken(ctx, tok); err != nil || tok.ID == 0 {
		t.Fatalf("create: %v, id %d", err, tok.ID)
	}
	for name, bad := range map[string]*news.APIToken{
		"no name":  {Role: news.RoleAuthor, CreatedBy: admin.ID, Hash: news.APITokenHash("a")},
		"bad role": {Name: "x", Role: "owner", CreatedBy: admin.ID, Hash: news.APITokenHash("b")},
		"no hash":  {Name: "x", Role: news.RoleAuthor, CreatedBy: admin.ID},
	} {
		if err := s.CreateAPIToken(ctx, bad); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	// Found by the hash of its secret, never by the secret itself.
	if _, err := s.APITokenByHash(ctx, secret, base); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("found by the plain secret: %v", err)
	}
	used := base.Add(time.Hour)
	got, err := s.APITokenByHash(ctx, hash, used)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != tok.ID || got.Role != news.RoleAuthor || got.CreatedBy != admin.ID || !got.ExpiresAt.Equal(expires) || got.Name != "Newsletter" {
		t.Errorf("read back %+v", got)
	}
	list, err := s.APITokens(ctx)
	if err != nil || len(list) != 1 || !list[0].LastUsedAt.Equal(used) {
		t.Fatalf("list after a use: %+v, %v; want its last use %v", list, err, used)
	}
	if list[0].Hash == secret || list[0].Hash != hash {
		t.Errorf("stored hash %q", list[0].Hash)
	}
	if got.Usable(expires) || !got.Usable(expires.Add(-time.Second)) {
		t.Errorf("expiry not applied at %v", expires)
	}
	if err := s.RevokeAPIToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIToken(ctx, tok.ID+100); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("revoke a missing token: %v", err)
	}
	got, err = s.APITokenByHash(ctx, hash, used.Add(time.Hour))
	if err != nil || !got.Revoked || got.Usable(used) {
		t.Errorf("after revoking: %+v, %v", got, err)
	}
	if !got.LastUsedAt.Equal(used) {
		t.Errorf("a refused use was recorded: last use %v, want %v", got.LastUsedAt, used)
	}
}
