package workflow

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

// mailNotifier is a porting.Notifier that keeps the user emails it was
// asked to send, and fails them while down.
type mailNotifier struct {
	fakeNotifier
	mu    sync.Mutex
	down  bool
	mails []sentUserEmail
}

type sentUserEmail struct {
	to, lang string
	m        porting.UserEmail
}

func (f *mailNotifier) MailsUsers() bool { return true }
func (f *mailNotifier) UserEmail(_ context.Context, to, lang string, m porting.UserEmail) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errors.New("connection refused by " + to)
	}
	f.mails = append(f.mails, sentUserEmail{to, lang, m})
	return nil
}

func (f *mailNotifier) sent() []sentUserEmail {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sentUserEmail(nil), f.mails...)
}

const testPublicURL = "https://desk.example.com"

// forEachEngineMailing is forEachEngine with a mailNotifier and a public URL.
func forEachEngineMailing(t *testing.T, fn func(t *testing.T, b *testBundle, mail *mailNotifier)) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			clock := porting.NewFixedClock(time.Date(2026, 11, 16, 14, 0, 0, 0, time.UTC))
			mail := &mailNotifier{}
			svc := New(Config{Store: e.OpenClock(t, clock), Clock: clock, Notifier: mail, PublicURL: testPublicURL + "/",
				Checker: &numbers.Checker{}})
			fn(t, setup(t, svc, clock), mail)
		})
	}
}

// userEmailJobs returns the send_user_email jobs queued so far, with
// their arguments' raw text.
func userEmailJobs(t *testing.T, b *testBundle) ([]porting.SendUserEmailJob, string) {
	t.Helper()
	db := b.svc.Store.(interface {
		SQL() *sql.DB
		Engine() string
	})
	query := `SELECT args FROM river_job WHERE kind = $1 ORDER BY id`
	if db.Engine() == "sqlite" {
		query = `SELECT json(args) FROM river_job WHERE kind = $1 ORDER BY id`
	}
	rows, err := db.SQL().Query(query, porting.SendUserEmailJob{}.Kind())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var (
		out []porting.SendUserEmailJob
		raw strings.Builder
	)
	for rows.Next() {
		var args []byte
		if err := rows.Scan(&args); err != nil {
			t.Fatal(err)
		}
		raw.Write(args)
		var j porting.SendUserEmailJob
		if err := json.Unmarshal(args, &j); err != nil {
			t.Fatal(err)
		}
		out = append(out, j)
	}
	return out, raw.String()
}

func TestInvitationEmail(t *testing.T) {
	forEachEngineMailing(t, func(t *testing.T, b *testBundle, mail *mailNotifier) {
		ctx := context.Background()
		inv, token, err := b.svc.Users.Invite(ctx, b.premium, InviteParams{Email: "ana@premium.example", Role: porting.RoleCustomer, Language: "es-MX"})
		if err != nil {
			t.Fatal(err)
		}
		jobs, raw := userEmailJobs(t, b)
		if len(jobs) != 1 || jobs[0] != (porting.SendUserEmailJob{Purpose: porting.PurposeInvitation, ID: inv.ID}) {
			t.Fatalf("jobs %+v, want one for invitation %s", jobs, inv.ID)
		}
		if strings.Contains(raw, token) {
			t.Error("the job's arguments carry the token")
		}
		if err := b.svc.Users.SendUserEmail(ctx, UserEmailAttempt{Job: jobs[0], Attempt: 1, MaxAttempts: 3}); err != nil {
			t.Fatal(err)
		}
		sent := mail.sent()
		if len(sent) != 1 {
			t.Fatalf("%d emails, want 1", len(sent))
		}
		if got := sent[0]; got.to != "ana@premium.example" || got.lang != "es" || got.m.Link != testPublicURL+"/invitations/"+token ||
			got.m.Purpose != porting.PurposeInvitation || !got.m.ExpiresAt.Equal(inv.ExpiresAt) || got.m.Role != porting.RoleCustomer {
			t.Errorf("email %+v", got)
		}
		// Sent: the sealed token is gone, and a second run sends nothing.
		var stored *porting.Invitation
		_ = b.svc.Store.View(ctx, func(tx porting.Tx) error { stored, err = tx.FindInvitation(ctx, inv.ID); return err })
		if err != nil || stored.Token != "" || stored.Mail.SentAt == nil {
			t.Errorf("after sending: %+v, %v; want no token, sent", stored, err)
		}
		if err := b.svc.Users.SendUserEmail(ctx, UserEmailAttempt{Job: jobs[0], Attempt: 2, MaxAttempts: 3}); err != nil || len(mail.sent()) != 1 {
			t.Errorf("second run: %v, %d emails, want nil and still 1", err, len(mail.sent()))
		}
		// The link works.
		if _, err := b.svc.Users.AcceptInvitation(ctx, token, "Ana", testPassword); err != nil {
			t.Errorf("accept with the emailed token: %v", err)
		}
	})
}

func TestInvitationEmailFailureIsShown(t *testing.T) {
	forEachEngineMailing(t, func(t *testing.T, b *testBundle, mail *mailNotifier) {
		ctx := context.Background()
		mail.down = true
		inv, token, err := b.svc.Users.Invite(ctx, admin, InviteParams{Email: "sam@desk.example", Role: porting.RoleSpecialist})
		if err != nil {
			t.Fatal(err)
		}
		job := porting.SendUserEmailJob{Purpose: porting.PurposeInvitation, ID: inv.ID}
		if err := b.svc.Users.SendUserEmail(ctx, UserEmailAttempt{Job: job, Attempt: 1, MaxAttempts: 2}); err == nil ||
			!strings.Contains(err.Error(), "connection refused") {
			t.Fatalf("a failed attempt before the last returned %v, want the send's error (River retries)", err)
		}
		_, invs, err := b.svc.Users.ListUsers(ctx, admin, "")
		if err != nil || len(invs) != 1 || invs[0].Mail.LastError == "" || invs[0].Mail.Failed {
			t.Fatalf("after attempt 1: %+v, %v; want a last error, not failed for good", invs, err)
		}
		if strings.Contains(invs[0].Mail.LastError, "sam@desk.example") {
			t.Errorf("the stored error names the recipient: %q", invs[0].Mail.LastError)
		}
		if err := b.svc.Users.SendUserEmail(ctx, UserEmailAttempt{Job: job, Attempt: 2, MaxAttempts: 2}); err != nil {
			t.Fatalf("the last attempt returned %v, want nil (recorded instead)", err)
		}
		_, invs, _ = b.svc.Users.ListUsers(ctx, admin, "")
		if !invs[0].Mail.Failed {
			t.Errorf("after the last attempt: %+v, want failed", invs[0].Mail)
		}
		all, err := b.svc.Events.Events(ctx, admin, 0, 1000)
		var events []*porting.Event
		for _, e := range all {
			if e.Type == porting.EventUserEmailFailed {
				events = append(events, e)
			}
		}
		if err != nil || len(events) != 1 {
			t.Fatalf("user.email_failed events: %d, %v; want 1", len(events), err)
		}
		if strings.Contains(string(events[0].After), token) || strings.Contains(string(events[0].After), "sam@desk.example") {
			t.Errorf("the event carries the token or the email: %s", events[0].After)
		}
	})
}

func TestPasswordReset(t *testing.T) {
	forEachEngineMailing(t, func(t *testing.T, b *testBundle, mail *mailNotifier) {
		ctx := context.Background()
		u := mustUser(t, b, "pat@premium.example", porting.RoleCustomer, b.premium.AccountID)
		_, old, err := b.svc.Users.SignIn(ctx, u.Email, testPassword, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		// An unknown email gets the same answer and no email.
		if err := b.svc.Users.RequestPasswordReset(ctx, "nobody@premium.example", "de", "192.0.2.1"); err != nil {
			t.Fatalf("unknown email: %v, want nil", err)
		}
		if jobs, _ := userEmailJobs(t, b); len(jobs) != 1 { // mustUser's invitation, no reset
			t.Fatalf("%d email jobs after an unknown email, want the invitation's only", len(jobs))
		}
		if err := b.svc.Users.RequestPasswordReset(ctx, "PAT@premium.example", "de", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		jobs, raw := userEmailJobs(t, b)
		last := jobs[len(jobs)-1]
		if last.Purpose != porting.PurposePasswordReset {
			t.Fatalf("last job %+v, want a password reset", last)
		}
		if err := b.svc.Users.SendUserEmail(ctx, UserEmailAttempt{Job: last, Attempt: 1, MaxAttempts: 3}); err != nil {
			t.Fatal(err)
		}
		sent := mail.sent()
		m := sent[len(sent)-1]
		token, ok := strings.CutPrefix(m.m.Link, testPublicURL+"/password-reset/")
		if !ok || m.to != u.Email || m.lang != "de" || !m.m.ExpiresAt.Equal(b.clock.Now().Add(time.Hour)) {
			t.Fatalf("reset email %+v", m)
		}
		if strings.Contains(raw, token) {
			t.Error("the job's arguments carry the token")
		}
		if err := b.svc.Users.CheckPasswordReset(ctx, token); err != nil {
			t.Errorf("CheckPasswordReset = %v", err)
		}
		if err := b.svc.Users.ResetPassword(ctx, token, "short"); porting.ErrorCode(err) != porting.EINVALID {
			t.Errorf("weak password: %v, want EINVALID", err)
		}
		const newPassword = "a new Password 42"
		if err := b.svc.Users.ResetPassword(ctx, token, newPassword); err != nil {
			t.Fatal(err)
		}
		if _, _, err := b.svc.Users.Session(ctx, old); porting.ErrorCode(err) != porting.EUNAUTHORIZED {
			t.Errorf("old session after reset: %v, want EUNAUTHORIZED", err)
		}
		if _, _, err := b.svc.Users.SignIn(ctx, u.Email, testPassword, "192.0.2.1"); porting.ErrorCode(err) != porting.EUNAUTHORIZED {
			t.Errorf("old password: %v, want EUNAUTHORIZED", err)
		}
		if _, _, err := b.svc.Users.SignIn(ctx, u.Email, newPassword, "192.0.2.1"); err != nil {
			t.Errorf("new password: %v", err)
		}
		if err := b.svc.Users.ResetPassword(ctx, token, "yet another Password 1"); porting.ErrorCode(err) != porting.EUNAUTHORIZED {
			t.Errorf("second use: %v, want EUNAUTHORIZED", err)
		}
		// An expired link is refused by the clock.
		if err := b.svc.Users.RequestPasswordReset(ctx, u.Email, "", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		jobs, _ = userEmailJobs(t, b)
		if err := b.svc.Users.SendUserEmail(ctx, UserEmailAttempt{Job: jobs[len(jobs)-1], Attempt: 1}); err != nil {
			t.Fatal(err)
		}
		sent = mail.sent()
		expiring := strings.TrimPrefix(sent[len(sent)-1].m.Link, testPublicURL+"/password-reset/")
		b.clock.Advance(time.Hour)
		if err := b.svc.Users.ResetPassword(ctx, expiring, "late Password 1234"); porting.ErrorCode(err) != porting.EUNAUTHORIZED {
			t.Errorf("expired link: %v, want EUNAUTHORIZED", err)
		}
	})
}

func TestPasswordResetLimit(t *testing.T) {
	forEachEngineMailing(t, func(t *testing.T, b *testBundle, mail *mailNotifier) {
		ctx := context.Background()
		for _, email := range []string{"pat@premium.example", "nobody@premium.example"} {
			if email == "pat@premium.example" {
				mustUser(t, b, email, porting.RoleCustomer, b.premium.AccountID)
			}
			for i := range porting.MaxResetRequestsPerEmail {
				if err := b.svc.Users.RequestPasswordReset(ctx, email, "", "192.0.2.7"); err != nil {
					t.Fatalf("%s: request %d: %v", email, i+1, err)
				}
			}
			if err := b.svc.Users.RequestPasswordReset(ctx, email, "", "192.0.2.7"); porting.ErrorCode(err) != porting.ETOOMANY {
				t.Errorf("%s: request over the limit: %v, want ETOOMANY", email, err)
			}
		}
		b.clock.Advance(porting.LoginFailureWindow + time.Second)
		if err := b.svc.Users.RequestPasswordReset(ctx, "nobody@premium.example", "", "192.0.2.7"); err != nil {
			t.Errorf("after the window: %v", err)
		}
	})
}

// TestResetEmailExpiringWhileFailing: a reset link that expires while its
// email still fails is a failure for good, recorded, not dropped silently.
func TestResetEmailExpiringWhileFailing(t *testing.T) {
	forEachEngineMailing(t, func(t *testing.T, b *testBundle, mail *mailNotifier) {
		ctx := context.Background()
		u := mustUser(t, b, "pat@premium.example", porting.RoleCustomer, b.premium.AccountID)
		mail.down = true
		if err := b.svc.Users.RequestPasswordReset(ctx, u.Email, "", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		jobs, _ := userEmailJobs(t, b)
		job := jobs[len(jobs)-1]
		if err := b.svc.Users.SendUserEmail(ctx, UserEmailAttempt{Job: job, Attempt: 1, MaxAttempts: 25}); err == nil {
			t.Fatal("the failed first attempt returned nil")
		}
		b.clock.Advance(porting.PasswordResetLifetime)
		mail.down = false
		if err := b.svc.Users.SendUserEmail(ctx, UserEmailAttempt{Job: job, Attempt: 2, MaxAttempts: 25}); err != nil {
			t.Fatalf("attempt after expiry: %v, want nil (recorded)", err)
		}
		if n := len(mail.sent()); n != 0 {
			t.Errorf("%d emails sent after the link expired, want none", n)
		}
		var r *porting.PasswordReset
		err := b.svc.Store.View(ctx, func(tx porting.Tx) error {
			var err error
			r, err = tx.FindPasswordReset(ctx, job.ID)
			return err
		})
		if err != nil || !r.Mail.Failed || r.Mail.SentAt != nil || !strings.Contains(r.Mail.LastError, "attempt 1") {
			t.Fatalf("reset after expiry: %+v, %v; want failed with the last error kept", r, err)
		}
		for _, e := range mustEvents(t, b) {
			if e.Type == porting.EventUserEmailFailed {
				return
			}
		}
		t.Error("no user.email_failed event")
	})
}

// mustEvents lists every event, as an admin.
func mustEvents(t *testing.T, b *testBundle) []*porting.Event {
	t.Helper()
	all, err := b.svc.Events.Events(context.Background(), admin, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return all
}
