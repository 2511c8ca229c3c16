package admin_test

import (
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/admin"
	"broadsheet/internal/auth"
	"broadsheet/internal/news"
)

// A reset link's secret is in its path (/admin/reset/TOKEN): a form sent to it that
// did not arrive is logged without it, or whoever reads the log could set the
// account's password for a week.
func TestLogsKeepNoResetLink(t *testing.T) {
	var logs syncBuffer
	e := newEnvWith(t, func(c *admin.Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	u := e.addUser(news.RoleEditor)
	token, hash := auth.NewToken()
	now := e.clock.Now()
	if err := e.db.CreatePasswordReset(t.Context(), news.PasswordReset{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	conn := rawPost(t, e.http.URL, "/admin/reset/"+token, "", "application/x-www-form-urlencoded", 5000, "password=half")
	conn.(*net.TCPConn).CloseWrite()
	if status, _ := readAnswer(t, conn); status != 408 {
		t.Fatalf("a reset form cut half way: %d, want 408", status)
	}
	if !strings.Contains(logs.String(), "form did not arrive") {
		t.Fatalf("nothing logged:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("the log holds the reset link's secret:\n%s", logs.String())
	}
}
