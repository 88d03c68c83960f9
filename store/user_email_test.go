package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

// testUserEmailTokens: the tokens an invitation or reset email still has
// to carry are stored sealed, come back through FindInvitation and
// FindPasswordReset, and are dropped once sent, used or expired.
func testUserEmailTokens(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	acct := storetest.MustCreateAccount(t, db, nil)
	const invToken, resetToken = "pdi_INVITATION-TOKEN-IN-THE-CLEAR", "pdr_RESET-TOKEN-IN-THE-CLEAR"
	in := &porting.Invitation{Email: "new@acme.example", Role: porting.RoleCustomer, AccountID: acct.ID, Hash: "h-inv",
		ExpiresAt: storetest.Epoch.Add(time.Hour), Language: "de", Token: invToken}
	other := &porting.Invitation{Email: "old@acme.example", Role: porting.RoleCustomer, AccountID: acct.ID, Hash: "h-old",
		ExpiresAt: storetest.Epoch.Add(time.Minute), Token: "pdi_other"}
	u := &porting.User{Email: "jane@acme.example", Name: "Jane", Role: porting.RoleCustomer, AccountID: acct.ID}
	r := &porting.PasswordReset{Hash: "h-reset", ExpiresAt: storetest.Epoch.Add(time.Hour), Language: "es", Token: resetToken}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, x := range []*porting.Invitation{in, other} {
			if err := tx.CreateInvitation(ctx, x); err != nil {
				return err
			}
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		r.UserID = u.ID
		return tx.CreatePasswordReset(ctx, r)
	})
	for _, row := range []struct{ table, id, token string }{{"invitations", in.ID, invToken}, {"password_resets", r.ID, resetToken}} {
		if raw := rawRow(t, db, row.table, row.id); bytes.Contains(raw, []byte(row.token)) || bytes.Contains(raw, []byte("IN-THE-CLEAR")) {
			t.Errorf("%s %s holds its token in plaintext", row.table, row.id)
		}
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindInvitation(ctx, in.ID)
		if err != nil {
			return err
		}
		if got.Token != invToken || got.Language != "de" {
			t.Errorf("FindInvitation: token %q, language %q", got.Token, got.Language)
		}
		if byHash, err := tx.FindInvitationByHash(ctx, "h-inv"); err != nil || byHash.Token != "" {
			t.Errorf("FindInvitationByHash: %v, token %q; want no token", err, byHash.Token)
		}
		gotR, err := tx.FindPasswordReset(ctx, r.ID)
		if err != nil {
			return err
		}
		if gotR.Token != resetToken || gotR.UserID != u.ID || gotR.Language != "es" || !gotR.ExpiresAt.Equal(r.ExpiresAt) {
			t.Errorf("FindPasswordReset = %+v", gotR)
		}
		invs, err := tx.ListInvitations(ctx, acct.ID)
		if err != nil || len(invs) != 2 {
			t.Errorf("ListInvitations = %d, %v; want 2", len(invs), err)
		}
		users, err := tx.ListUsers(ctx, acct.ID)
		if err != nil || len(users) != 1 || users[0].ID != u.ID {
			t.Errorf("ListUsers = %v, %v", users, err)
		}
		if users, err := tx.ListUsers(ctx, "acc_other"); err != nil || len(users) != 0 {
			t.Errorf("ListUsers(other account) = %v, %v; want none", users, err)
		}
		return nil
	})
	// A failure keeps the token for the retry; a send drops it.
	sent := storetest.Epoch.Add(time.Second)
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		if err := tx.RecordInvitationMail(ctx, in.ID, porting.MailStatus{LastError: "attempt 1: refused"}); err != nil {
			return err
		}
		got, err := tx.FindInvitation(ctx, in.ID)
		if err != nil || got.Token != invToken || got.Mail.LastError != "attempt 1: refused" {
			t.Errorf("after a failure: %+v, %v; want the token kept", got, err)
		}
		if err := tx.RecordInvitationMail(ctx, in.ID, porting.MailStatus{SentAt: &sent}); err != nil {
			return err
		}
		got, err = tx.FindInvitation(ctx, in.ID)
		if err != nil || got.Token != "" || got.Mail.SentAt == nil || !got.Mail.SentAt.Equal(sent) {
			t.Errorf("after sending: %+v, %v; want no token", got, err)
		}
		if err := tx.RecordInvitationMail(ctx, "inv_nope", porting.MailStatus{}); porting.ErrorCode(err) != porting.ENOTFOUND {
			t.Errorf("RecordInvitationMail(unknown) = %v, want ENOTFOUND", err)
		}
		// Expired: other's token goes, the reset's (an hour) stays.
		n, err := tx.ClearExpiredTokens(ctx, storetest.Epoch.Add(time.Minute))
		if err != nil || n != 1 {
			t.Errorf("ClearExpiredTokens = %d, %v; want 1", n, err)
		}
		if got, _ := tx.FindInvitation(ctx, other.ID); got.Token != "" {
			t.Error("an expired invitation kept its token")
		}
		// Used: the reset's token goes, and a second use does not write.
		for i, want := range []bool{true, false} {
			ok, err := tx.UsePasswordReset(ctx, r.ID, sent)
			if err != nil || ok != want {
				t.Errorf("UsePasswordReset #%d = %v, %v; want %v", i+1, ok, err, want)
			}
		}
		gotR, err := tx.FindPasswordResetByHash(ctx, "h-reset")
		if err != nil || gotR.UsedAt == nil || gotR.Token != "" {
			t.Errorf("after use: %+v, %v", gotR, err)
		}
		if gotR, _ := tx.FindPasswordReset(ctx, r.ID); gotR.Token != "" {
			t.Error("a used reset kept its token")
		}
		return nil
	})
}

func testResetRequests(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	at := storetest.Epoch
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, f := range []porting.LoginFailure{
			{Email: "a@x.example", RemoteIP: "192.0.2.1", At: at},
			{Email: "a@x.example", RemoteIP: "192.0.2.2", At: at.Add(time.Minute)},
			{Email: "b@x.example", RemoteIP: "192.0.2.1", At: at.Add(2 * time.Minute)},
		} {
			if err := tx.RecordResetRequest(ctx, f, at.Add(-time.Hour)); err != nil {
				return err
			}
		}
		byEmail, byIP, err := tx.CountResetRequests(ctx, "a@x.example", "192.0.2.1", at)
		if err != nil || byEmail != 2 || byIP != 2 {
			t.Errorf("CountResetRequests = %d, %d, %v; want 2, 2", byEmail, byIP, err)
		}
		// A request with a later cutoff forgets the ones before it.
		if err := tx.RecordResetRequest(ctx, porting.LoginFailure{Email: "c@x.example", RemoteIP: "192.0.2.3", At: at.Add(time.Hour)},
			at.Add(90*time.Second)); err != nil {
			return err
		}
		byEmail, byIP, err = tx.CountResetRequests(ctx, "a@x.example", "192.0.2.1", at.Add(-time.Hour))
		if err != nil || byEmail != 0 || byIP != 1 {
			t.Errorf("after forgetting: %d, %d, %v; want 0, 1", byEmail, byIP, err)
		}
		return nil
	})
}
