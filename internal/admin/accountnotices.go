package admin

// Account notices (news.AccountNoticeStore): what someone else did to a person's
// account — their email, name or role changed, a password reset link made or used,
// their two-step sign-in turned off — shown to them at the top of every admin page
// until they say they have seen it, and written to the server's log when it happens.
//
// An administrator may make these changes to anyone, another administrator too, as in
// WordPress: a newsroom needs them when someone forgets a password or loses a phone. The
// same changes are the way to take an account over (a new email, a reset link, two-step
// sign-in off), so the person is told, as WordPress mails a notice of an email or
// password change; with no mail yet, they are told at their next sign-in. The log names
// who changed what of whom, never a value (no email, no token, no password).

import (
	"context"
	"html/template"
	"net/http"
	"strconv"

	"broadsheet/internal/news"
)

// noticesShown is how many account notices the banner lists; more are on the account
// page.
const noticesShown = 5

func (s *Server) routeAccountNotices(mux *http.ServeMux) {
	mux.Handle("POST /admin/account/notices/seen", s.require(news.PermManageOwnAccount, s.seeAccountNotices))
}

// accountNotices is the banner of account notices a page shows.
type accountNotices struct {
	Items []accountNoticeLine
	More  bool  // unseen ones beyond Items: listed on the account page, which marks them
	UpTo  int64 // the newest shown: "I have seen these" marks up to it
	Next  string
}

type accountNoticeLine struct {
	Text string
	When template.HTML
}

// tellAccount records what actor did to someone else's account (target), in the log
// and as a notice for target; a change to one's own account is neither (the caller
// logs it). from and to are the values before and after (an email, a name, a role),
// which only the notice shows. A notice that cannot be stored is logged: the change is
// made already.
func (s *Server) tellAccount(ctx context.Context, actor, target *news.User, kind news.AccountNoticeKind, from, to string) {
	if actor.ID == target.ID {
		return
	}
	n := &news.AccountNotice{UserID: target.ID, Kind: kind, ActorID: actor.ID, ActorName: actor.Name, From: from, To: to, CreatedAt: s.cfg.Now()}
	s.log.Warn("account changed by someone else", "user", target.ID, "change", string(kind), "by", n.ActorID)
	if err := s.store.AddAccountNotice(context.WithoutCancel(ctx), n); err != nil {
		s.log.Error("account notice", "user", target.ID, "change", string(kind), "err", err)
	}
}

// accountNoticeText says a notice in a sentence.
func accountNoticeText(n *news.AccountNotice) string {
	who := n.ActorName
	if who == "" {
		who = "An administrator" // on the command line, or an account deleted since
	}
	switch n.Kind {
	case news.AccountEmailChanged:
		return who + " changed your email from " + n.From + " to " + n.To + ": you sign in with the new one."
	case news.AccountNameChanged:
		return who + " changed your name from “" + n.From + "” to “" + n.To + "”."
	case news.AccountRoleChanged:
		return who + " changed your role from " + n.From + " to " + n.To + "."
	case news.AccountEnabled:
		return who + " enabled your account again after it had been disabled."
	case news.AccountResetLinkMade:
		return who + " made a link to reset your password: whoever has it may choose a new password for your account until it expires, a day after it was made, or your password changes."
	case news.AccountPasswordReset:
		return "Your password was changed through a reset link " + who + " made, and you were signed out everywhere."
	case news.AccountPasswordSet:
		return who + " set a new password for your account, and you were signed out everywhere."
	case news.AccountTwoStepReset:
		return who + " turned your two-step sign-in off, removed your recovery codes and signed you out everywhere. Set it up again under “Your account”."
	}
	return who + " changed your account."
}

func (s *Server) noticeLines(ns []*news.AccountNotice) []accountNoticeLine {
	out := make([]accountNoticeLine, 0, len(ns))
	for _, n := range ns {
		out = append(out, accountNoticeLine{Text: accountNoticeText(n), When: s.when(n.CreatedAt)})
	}
	return out
}

// unseenAccountNotices is the banner for u on the page r asks for (nil when there is
// nothing to tell): a bounded read by the (user_id, id) index on every page. The
// account page lists every unseen one; another page the newest noticesShown.
func (s *Server) unseenAccountNotices(r *http.Request, u *news.User, all bool) *accountNotices {
	shown := noticesShown
	if all {
		shown = news.MaxAccountNotices
	}
	ns, err := s.store.AccountNotices(r.Context(), u.ID, true, shown+1)
	if err != nil {
		s.log.Error("account notices", "user", u.ID, "err", err)
		return nil
	}
	if len(ns) == 0 {
		return nil
	}
	v := &accountNotices{UpTo: ns[0].ID, Next: safeNext(r.URL.RequestURI())}
	if r.Method != http.MethodGet {
		v.Next = "/admin/"
	}
	if len(ns) > shown {
		// Marking up to the newest shown would mark the ones not listed too: the banner
		// says there are more, and the account page lists and marks them.
		ns, v.More = ns[:shown], true
	}
	v.Items = s.noticeLines(ns)
	return v
}

// seeAccountNotices marks the notices a page showed as seen (POST
// /admin/account/notices/seen, upto: the newest shown) and goes back.
func (s *Server) seeAccountNotices(w http.ResponseWriter, r *http.Request, u *news.User) {
	upTo, err := strconv.ParseInt(r.PostForm.Get("upto"), 10, 64)
	if err != nil || upTo <= 0 {
		s.fail(w, r, u, http.StatusBadRequest, "Nothing marked", "The form did not say which notices you saw. Please reload the page and try again.")
		return
	}
	if _, err := s.store.SeeAccountNotices(r.Context(), u.ID, upTo, s.cfg.Now()); err != nil {
		s.log.Error("see account notices", "user", u.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The notices could not be marked as seen just now. Please try again.")
		return
	}
	http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
}
