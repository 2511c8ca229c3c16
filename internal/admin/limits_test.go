package admin_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/admin"
	"broadsheet/internal/news"
)

// postForm sends a sign-in-like form with extra headers (pairs), from its own client.
func (e *env) postForm(path string, form url.Values, headers ...string) resp {
	e.t.Helper()
	return e.browser().post(path, form, headers...)
}

// Sixty wrong passwords for one account at once: the limit is 5 failures, and it
// holds because an attempt is counted before the password is checked. Before, 36 of
// them were checked.
func TestConcurrentWrongPasswordsStopAtTheLimit(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.postForm("/admin/login", url.Values{"email": {"editor@newsroom.example"}, "password": {fmt.Sprintf("guess number %d", i)}})
			mu.Lock()
			statuses[r.status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if statuses[401] > 5 || statuses[401]+statuses[429] != 60 {
		t.Errorf("60 concurrent wrong passwords: %v; at most 5 may be checked (401), the rest refused (429)", statuses)
	}
	if r := e.postForm("/admin/login", url.Values{"email": {"editor@newsroom.example"}, "password": {password}}); r.status != 429 || r.header.Get("Set-Cookie") != "" {
		t.Errorf("the right password after the limit: %d", r.status)
	}
}

// Behind a proxy that adds its own X-Forwarded-For line (HAProxy's option
// forwardfor), the client's forged first line does not make a new address: after 20
// failures the address is refused, whatever the first line says.
func TestForgedForwardedForLineDoesNotEscapeTheLimit(t *testing.T) {
	e := newEnvWith(t, func(c *admin.Config) { c.TrustProxy = true })
	refused := 0
	for i := range 40 {
		req := bodyRequest(e, "POST", "/admin/login", strings.NewReader(url.Values{
			"email": {fmt.Sprintf("nobody%d@newsroom.example", i)}, "password": {"guess guess guess"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Add("X-Forwarded-For", fmt.Sprintf("%d.%d.%d.%d", rand.IntN(223)+1, rand.IntN(256), rand.IntN(256), rand.IntN(256)))
		req.Header.Add("X-Forwarded-For", "198.51.100.7") // the proxy's line: the real client
		r := e.browser().send(req)
		switch {
		case i < 20 && r.status != 401:
			t.Errorf("failure %d of the first 20: %d", i+1, r.status)
		case i >= 20 && r.status == 429:
			refused++
		}
	}
	if refused != 20 {
		t.Errorf("after 20 failures from one client, %d of 20 more attempts were refused", refused)
	}
}

// An IPv6 client has a /64 to itself: every address in it is one client to the limit.
func TestAddressesOfOneIPv6NetworkShareTheLimit(t *testing.T) {
	e := newEnvWith(t, func(c *admin.Config) { c.TrustProxy = true })
	e.addUser(news.RoleEditor)
	for i := range 20 {
		r := e.postForm("/admin/login", url.Values{"email": {fmt.Sprintf("nobody%d@newsroom.example", i)}, "password": {"guess guess guess"}},
			"X-Forwarded-For", fmt.Sprintf("2001:db8:1:2:%x:%x:%x:%x", rand.IntN(65536), rand.IntN(65536), rand.IntN(65536), i))
		if r.status != 401 {
			t.Fatalf("failure %d: %d", i+1, r.status)
		}
	}
	login := url.Values{"email": {"editor@newsroom.example"}, "password": {password}}
	if r := e.postForm("/admin/login", login, "X-Forwarded-For", "2001:db8:1:2:ffff:ffff:ffff:fffe"); r.status != 429 {
		t.Errorf("another address of the same /64 after 20 failures: %d, want 429", r.status)
	}
	if r := e.postForm("/admin/login", login, "X-Forwarded-For", "2001:db8:1:3::1"); r.status != 303 {
		t.Errorf("an address of the next /64: %d, want 303 (signed in)", r.status)
	}
}

// A signed-in session is not a way round the password's limit: changing the password
// and turning two-step sign-in off check it, and past 5 failures refuse even the
// right one, changing nothing.
func TestPasswordChecksOfSignedInUsersAreLimited(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(news.RoleAuthor)
	b := e.browser()
	b.login(u.Email)
	statuses := map[int]int{}
	for i := range 30 {
		r := b.post("/admin/account/password", url.Values{"csrf": {b.csrf()}, "current": {fmt.Sprintf("guess number %d", i)}, "new": {"a brand new password"}})
		statuses[r.status]++
	}
	if statuses[422] != 5 || statuses[429] != 25 {
		t.Errorf("30 wrong current passwords: %v, want 5 checked (422) and 25 refused (429)", statuses)
	}
	r := b.post("/admin/account/password", url.Values{"csrf": {b.csrf()}, "current": {password}, "new": {"a brand new password"}})
	if r.status != 429 || !strings.Contains(r.body, "Too many failed attempts") || !strings.Contains(r.body, "was not changed") {
		t.Errorf("the right password past the limit: %d", r.status)
	}
	if stored, _ := e.db.User(t.Context(), u.ID); stored.PasswordHash != u.PasswordHash {
		t.Error("the password changed past the limit")
	}
	// The same account's sign-in is limited too: the guesses were against its password.
	if r := e.postForm("/admin/login", url.Values{"email": {u.Email}, "password": {password}}); r.status != 429 {
		t.Errorf("sign-in after 5 failed password checks: %d", r.status)
	}

	e.clock.Add(16 * time.Minute)
	b.login(u.Email)
	enableTOTP(t, e, b)
	statuses = map[int]int{}
	for i := range 30 {
		r := b.post("/admin/account/totp/disable", url.Values{"csrf": {b.csrf()}, "password": {fmt.Sprintf("guess number %d", i)}, "code": {"000000"}})
		statuses[r.status]++
	}
	if statuses[422] != 5 || statuses[429] != 25 {
		t.Errorf("30 wrong passwords to turn two-step sign-in off: %v, want 5 checked (422) and 25 refused (429)", statuses)
	}
	if stored, _ := e.db.User(t.Context(), u.ID); stored.TOTPSecret == "" {
		t.Error("two-step sign-in turned off past the limit")
	}
}

// Forms anyone may send are small: 200 KB sent to sign in (well under the 1 MB of
// other forms) is refused in plain words, not read.
func TestAnonymousFormsAreSmall(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	big := url.Values{"email": {"editor@newsroom.example"}, "password": {password}, "padding": {strings.Repeat("x", 200<<10)}}
	for _, path := range []string{"/admin/login", "/admin/login/code", "/admin/setup"} {
		r := e.postForm(path, big)
		if r.status != 413 || !strings.Contains(r.body, "at most 64 KB") || !strings.Contains(r.body, "nothing was done") || r.header.Get("Set-Cookie") != "" {
			t.Errorf("%s with a 200 KB form: %d", path, r.status)
		}
	}
	// A refused oversized form counted nothing: five wrong passwords are still allowed.
	for i := range 5 {
		if r := e.postForm("/admin/login", url.Values{"email": {"editor@newsroom.example"}, "password": {fmt.Sprintf("guess %d!!!!", i)}}); r.status != 401 {
			t.Errorf("wrong password %d after oversized forms: %d", i+1, r.status)
		}
	}
}

// endless is a request body of n bytes that costs the sender no memory.
type endless struct{ n int64 }

func (r *endless) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.n)]
	for i := range p {
		p[i] = 'x'
	}
	r.n -= int64(len(p))
	return len(p), nil
}

// A save of 14 MB from someone without a session is not parsed: nothing is buffered
// for a request that cannot be authorised. Before, each such request buffered the
// whole multipart form (100 of them took the server from 346 MB to 1.75 GB).
func TestAnonymousUploadsAreNotRead(t *testing.T) {
	e := newEnv(t)
	const size, n = 14 << 20, 8
	head := "--B\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n"
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range n {
		body := io.MultiReader(strings.NewReader(head), &endless{size}, strings.NewReader("\r\n--B--\r\n"))
		req := bodyRequest(e, "POST", "/admin/articles", body)
		req.Header.Set("Content-Type", "multipart/form-data; boundary=B")
		req.ContentLength = int64(len(head)) + size + 9
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			continue // the server may close the connection on a body it will not read
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("a save without a session: %d, want 401", resp.StatusCode)
		}
	}
	runtime.ReadMemStats(&after)
	grew := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d anonymous saves of %d MB allocated %d KB in all", n, size>>20, grew>>10)
	if grew > n*size/4 {
		t.Errorf("%d anonymous saves of %d MB allocated %d MB", n, size>>20, grew>>20)
	}
}

// The 30-day limit holds however often the session is used: a stolen cookie used
// once a week does not live for ever.
func TestSessionsEndThirtyDaysAfterSignIn(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	token := b.csrf()
	for day := 6; day < 30; day += 6 {
		e.clock.Add(6 * 24 * time.Hour)
		if r := b.get("/admin/"); r.status != 200 {
			t.Fatalf("day %d, used every 6 days: %d", day, r.status)
		}
	}
	e.clock.Add(6*24*time.Hour + time.Minute) // day 30 and a minute
	if r := b.get("/admin/"); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/admin/login") {
		t.Errorf("30 days after sign-in: %d to %q, want the sign-in page", r.status, r.header.Get("Location"))
	}
	if r := b.post("/admin/comments", url.Values{"csrf": {token}, "bulk": {"spam"}, "ids": {fmt.Sprint(e.pending.ID)}}); r.status != 401 {
		t.Errorf("a write 30 days after sign-in: %d", r.status)
	}
	if e.commentStatus() != news.CommentPending {
		t.Error("a session past 30 days moderated a comment")
	}
}
