package store

import (
	"context"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// sealToken seals a token an email still has to carry, bound to the row
// rowID; "" stores NULL.
func (db *DB) sealToken(token, rowID string) any {
	if token == "" {
		return nil
	}
	return db.sealer.seal([]byte(token), rowID)
}

// openToken opens a sealed token column; NULL is "".
func (db *DB) openToken(sealed []byte, rowID string) (string, error) {
	if sealed == nil {
		return "", nil
	}
	b, err := db.sealer.open(sealed, rowID, "email token")
	return string(b), err
}

// FindInvitation returns the invitation with the given ID, its token
// unsealed while one is stored; ENOTFOUND if none, EINTERNAL when the
// token does not decrypt.
func (t *tx) FindInvitation(ctx context.Context, id string) (*porting.Invitation, error) {
	var sealed []byte
	in, err := scanInvitation(t.queryRow(ctx, `SELECT `+invitationColumns+`, token_sealed FROM invitations WHERE id = $1`, id), &sealed)
	if err != nil {
		return nil, findErr(err, "invitation", id)
	}
	if in.Token, err = t.db.openToken(sealed, in.ID); err != nil {
		return nil, err
	}
	return in, nil
}

// ListInvitations returns the invitations not yet accepted of an account
// ("" for all), newest first, without their tokens.
func (t *tx) ListInvitations(ctx context.Context, accountID string) ([]*porting.Invitation, error) {
	w := where{}
	w.add("accepted_at IS NULL")
	if accountID != "" {
		w.add("account_id = %s", accountID)
	}
	out := []*porting.Invitation{}
	err := queryAll(ctx, t, func(r scanner) error {
		in, err := scanInvitation(r)
		if err == nil {
			out = append(out, in)
		}
		return err
	}, `SELECT `+invitationColumns+` FROM invitations`+w.String()+` ORDER BY created_at DESC, id`, w.args...)
	if err != nil {
		return nil, errorf(err, "list invitations")
	}
	return out, nil
}

// RecordInvitationMail saves how the invitation's email went; once sent,
// the sealed token is dropped.
func (t *tx) RecordInvitationMail(ctx context.Context, id string, m porting.MailStatus) error {
	res, err := t.exec(ctx, `UPDATE invitations SET mail_sent_at = $1, mail_error = $2, mail_failed = $3,
		token_sealed = CASE WHEN $4 THEN NULL ELSE token_sealed END WHERE id = $5`,
		normTimePtr(m.SentAt), m.LastError, m.Failed, m.SentAt != nil, id)
	return updated(res, err, "invitation", id)
}

// ListUsers returns the users of an account ("" for all), by email.
func (t *tx) ListUsers(ctx context.Context, accountID string) ([]*porting.User, error) {
	w := where{}
	if accountID != "" {
		w.add("account_id = %s", accountID)
	}
	out := []*porting.User{}
	err := queryAll(ctx, t, func(r scanner) error {
		u, err := scanUser(r)
		if err == nil {
			out = append(out, u)
		}
		return err
	}, `SELECT `+userColumns+` FROM users`+w.String()+` ORDER BY email`, w.args...)
	if err != nil {
		return nil, errorf(err, "list users")
	}
	return out, nil
}

const passwordResetColumns = `id, user_id, hash, language, created_at, expires_at, used_at, mail_sent_at, mail_error, mail_failed`

func scanPasswordReset(r scanner, extra ...any) (*porting.PasswordReset, error) {
	var p porting.PasswordReset
	err := r.Scan(append([]any{&p.ID, &p.UserID, &p.Hash, &p.Language, timeCol{&p.CreatedAt}, timeCol{&p.ExpiresAt},
		nullTimeCol{&p.UsedAt}, nullTimeCol{&p.Mail.SentAt}, &p.Mail.LastError, &p.Mail.Failed}, extra...)...)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// CreatePasswordReset stores p, giving it an ID and creation time when
// missing, its Token sealed when set. ECONFLICT on a duplicate ID or hash,
// EINVALID for an unknown user.
func (t *tx) CreatePasswordReset(ctx context.Context, p *porting.PasswordReset) error {
	setID(&p.ID, "pwr")
	t.db.stamp(&p.CreatedAt)
	p.ExpiresAt, p.UsedAt, p.Mail.SentAt = normTime(p.ExpiresAt), normTimePtr(p.UsedAt), normTimePtr(p.Mail.SentAt)
	if p.Language == "" {
		p.Language = "en"
	}
	_, err := t.exec(ctx, `INSERT INTO password_resets (`+passwordResetColumns+`, token_sealed)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		p.ID, p.UserID, p.Hash, p.Language, p.CreatedAt, p.ExpiresAt, p.UsedAt, p.Mail.SentAt, p.Mail.LastError, p.Mail.Failed,
		t.db.sealToken(p.Token, p.ID))
	if err != nil {
		return errorf(err, "create password reset %s", p.ID)
	}
	return nil
}

// FindPasswordReset returns the reset with the given ID, its token
// unsealed while one is stored; ENOTFOUND if none.
func (t *tx) FindPasswordReset(ctx context.Context, id string) (*porting.PasswordReset, error) {
	var sealed []byte
	p, err := scanPasswordReset(t.queryRow(ctx, `SELECT `+passwordResetColumns+`, token_sealed FROM password_resets WHERE id = $1`, id), &sealed)
	if err != nil {
		return nil, findErr(err, "password reset", id)
	}
	if p.Token, err = t.db.openToken(sealed, p.ID); err != nil {
		return nil, err
	}
	return p, nil
}

// FindPasswordResetByHash returns the reset whose token hashes to hash;
// ENOTFOUND if none.
func (t *tx) FindPasswordResetByHash(ctx context.Context, hash string) (*porting.PasswordReset, error) {
	p, err := scanPasswordReset(t.queryRow(ctx, `SELECT `+passwordResetColumns+` FROM password_resets WHERE hash = $1`, hash))
	if err != nil {
		// The hash stands in for a secret: keep it out of messages.
		return nil, findErr(err, "password reset", "")
	}
	return p, nil
}

// UsePasswordReset marks the reset used at at, dropping its token, unless
// it was used already; it reports whether it wrote.
func (t *tx) UsePasswordReset(ctx context.Context, id string, at time.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE password_resets SET used_at = $1, token_sealed = NULL WHERE id = $2 AND used_at IS NULL`, at, id)
	if err != nil {
		return false, errorf(err, "use password reset %s", id)
	}
	return affected(res, "use password reset "+id)
}

// RecordPasswordResetMail saves how the reset's email went; once sent,
// the sealed token is dropped.
func (t *tx) RecordPasswordResetMail(ctx context.Context, id string, m porting.MailStatus) error {
	res, err := t.exec(ctx, `UPDATE password_resets SET mail_sent_at = $1, mail_error = $2, mail_failed = $3,
		token_sealed = CASE WHEN $4 THEN NULL ELSE token_sealed END WHERE id = $5`,
		normTimePtr(m.SentAt), m.LastError, m.Failed, m.SentAt != nil, id)
	return updated(res, err, "password reset", id)
}

// ClearExpiredTokens drops the sealed tokens of expired invitations and
// password resets and returns how many it dropped.
func (t *tx) ClearExpiredTokens(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for _, table := range []string{"invitations", "password_resets"} {
		res, err := t.exec(ctx, `UPDATE `+table+` SET token_sealed = NULL WHERE token_sealed IS NOT NULL AND expires_at <= $1`, now)
		if err != nil {
			return 0, errorf(err, "clear expired tokens of %s", table)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, errorf(err, "clear expired tokens of %s", table)
		}
		total += int(n)
	}
	return total, nil
}

// RecordResetRequest stores a password reset request and forgets every
// one before cutoff.
func (t *tx) RecordResetRequest(ctx context.Context, f porting.LoginFailure, cutoff time.Time) error {
	if _, err := t.exec(ctx, `DELETE FROM reset_requests WHERE at < $1`, cutoff); err != nil {
		return errorf(err, "forget old password reset requests")
	}
	if _, err := t.exec(ctx, `INSERT INTO reset_requests (email, remote_ip, at) VALUES ($1, $2, $3)`, f.Email, f.RemoteIP, f.At); err != nil {
		return errorf(err, "record a password reset request")
	}
	return nil
}

// CountResetRequests counts the reset requests since since, for email
// and from remoteIP.
func (t *tx) CountResetRequests(ctx context.Context, email, remoteIP string, since time.Time) (byEmail, byIP int, err error) {
	err = t.queryRow(ctx, `SELECT
		(SELECT count(*) FROM reset_requests WHERE email = $1 AND at >= $2),
		(SELECT count(*) FROM reset_requests WHERE remote_ip = $3 AND at >= $2)`, email, since, remoteIP).Scan(&byEmail, &byIP)
	if err != nil {
		return 0, 0, errorf(err, "count password reset requests")
	}
	return byEmail, byIP, nil
}
