package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/portdesk/portdesk/porting"
)

const userColumns = `id, email, name, role, account_id, password_hash, created_at, disabled_at`

func scanUser(r scanner) (*porting.User, error) {
	var u porting.User
	err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Role, strCol{&u.AccountID}, &u.PasswordHash,
		timeCol{&u.CreatedAt}, nullTimeCol{&u.DisabledAt})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// CreateUser stores u, giving it an ID and creation time when missing.
// ECONFLICT when its ID or email exists already, EINVALID for a role users
// cannot have or a customer without an account.
func (t *tx) CreateUser(ctx context.Context, u *porting.User) error {
	setID(&u.ID, "usr")
	t.db.stamp(&u.CreatedAt)
	u.DisabledAt = normTimePtr(u.DisabledAt)
	_, err := t.exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		u.ID, u.Email, u.Name, u.Role, nullStr(u.AccountID), u.PasswordHash, u.CreatedAt, u.DisabledAt)
	if err != nil {
		// The email is personal: the message names the user's ID only.
		return errorf(err, "create user %s", u.ID)
	}
	return nil
}

// FindUser returns the user with the given ID; ENOTFOUND if none.
func (t *tx) FindUser(ctx context.Context, id string) (*porting.User, error) {
	u, err := scanUser(t.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return nil, findErr(err, "user", id)
	}
	return u, nil
}

// FindUserByEmail returns the user with the given email, compared
// lower-cased; ENOTFOUND if none.
func (t *tx) FindUserByEmail(ctx context.Context, email string) (*porting.User, error) {
	u, err := scanUser(t.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1)`, email))
	if err != nil {
		return nil, findErr(err, "user", "")
	}
	return u, nil
}

// UpdateUser saves u's name, password hash and disabled time.
func (t *tx) UpdateUser(ctx context.Context, u *porting.User) error {
	u.DisabledAt = normTimePtr(u.DisabledAt)
	res, err := t.exec(ctx, `UPDATE users SET name = $1, password_hash = $2, disabled_at = $3 WHERE id = $4`,
		u.Name, u.PasswordHash, u.DisabledAt, u.ID)
	return updated(res, err, "user", u.ID)
}

const invitationColumns = `id, email, role, account_id, hash, invited_by, created_at, expires_at, accepted_at,
	language, mail_sent_at, mail_error, mail_failed`

func scanInvitation(r scanner, extra ...any) (*porting.Invitation, error) {
	var in porting.Invitation
	err := r.Scan(append([]any{&in.ID, &in.Email, &in.Role, strCol{&in.AccountID}, &in.Hash, &in.InvitedBy,
		timeCol{&in.CreatedAt}, timeCol{&in.ExpiresAt}, nullTimeCol{&in.AcceptedAt},
		&in.Language, nullTimeCol{&in.Mail.SentAt}, &in.Mail.LastError, &in.Mail.Failed}, extra...)...)
	if err != nil {
		return nil, err
	}
	return &in, nil
}

// CreateInvitation stores in, giving it an ID and creation time when
// missing, its Token sealed (see sealer) when set. ECONFLICT on a
// duplicate ID or hash.
func (t *tx) CreateInvitation(ctx context.Context, in *porting.Invitation) error {
	setID(&in.ID, "inv")
	t.db.stamp(&in.CreatedAt)
	in.ExpiresAt, in.AcceptedAt, in.Mail.SentAt = normTime(in.ExpiresAt), normTimePtr(in.AcceptedAt), normTimePtr(in.Mail.SentAt)
	if in.Language == "" {
		in.Language = "en"
	}
	_, err := t.exec(ctx, `INSERT INTO invitations (`+invitationColumns+`, token_sealed)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		in.ID, in.Email, in.Role, nullStr(in.AccountID), in.Hash, in.InvitedBy, in.CreatedAt, in.ExpiresAt, in.AcceptedAt,
		in.Language, in.Mail.SentAt, in.Mail.LastError, in.Mail.Failed, t.db.sealToken(in.Token, in.ID))
	if err != nil {
		return errorf(err, "create invitation %s", in.ID)
	}
	return nil
}

// FindInvitationByHash returns the invitation whose token hashes to hash;
// ENOTFOUND if none.
func (t *tx) FindInvitationByHash(ctx context.Context, hash string) (*porting.Invitation, error) {
	in, err := scanInvitation(t.queryRow(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE hash = $1`, hash))
	if err != nil {
		// The hash stands in for a secret: keep it out of messages.
		return nil, findErr(err, "invitation", "")
	}
	return in, nil
}

// AcceptInvitation marks the invitation accepted at at unless it was
// already; it reports whether it wrote.
func (t *tx) AcceptInvitation(ctx context.Context, id string, at time.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE invitations SET accepted_at = $1, token_sealed = NULL WHERE id = $2 AND accepted_at IS NULL`, at, id)
	if err != nil {
		return false, errorf(err, "accept invitation %s", id)
	}
	return affected(res, "accept invitation "+id)
}

const sessionColumns = `id, user_id, hash, created_at, last_seen_at, expires_at`

func scanSession(r scanner) (*porting.Session, error) {
	var s porting.Session
	err := r.Scan(&s.ID, &s.UserID, &s.Hash, timeCol{&s.CreatedAt}, timeCol{&s.LastSeenAt}, timeCol{&s.ExpiresAt})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// CreateSession stores s, giving it an ID and creation time when missing.
// ECONFLICT on a duplicate ID or hash, EINVALID for an unknown user.
func (t *tx) CreateSession(ctx context.Context, s *porting.Session) error {
	setID(&s.ID, "ses")
	t.db.stamp(&s.CreatedAt)
	s.LastSeenAt, s.ExpiresAt = normTime(s.LastSeenAt), normTime(s.ExpiresAt)
	_, err := t.exec(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		s.ID, s.UserID, s.Hash, s.CreatedAt, s.LastSeenAt, s.ExpiresAt)
	if err != nil {
		return errorf(err, "create session %s", s.ID)
	}
	return nil
}

// FindSessionByHash returns the session whose secret hashes to hash;
// ENOTFOUND if none.
func (t *tx) FindSessionByHash(ctx context.Context, hash string) (*porting.Session, error) {
	s, err := scanSession(t.queryRow(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE hash = $1`, hash))
	if err != nil {
		return nil, findErr(err, "session", "")
	}
	return s, nil
}

// TouchSession records a use of the session at at unless one after
// staleBefore is recorded already; it reports whether it wrote.
func (t *tx) TouchSession(ctx context.Context, id string, at, staleBefore time.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at <= $3`, at, id, staleBefore)
	if err != nil {
		return false, errorf(err, "record use of session %s", id)
	}
	return affected(res, "record use of session "+id)
}

// DeleteSession ends one session; a session that does not exist is fine.
func (t *tx) DeleteSession(ctx context.Context, id string) error {
	if _, err := t.exec(ctx, `DELETE FROM sessions WHERE id = $1`, id); err != nil {
		return errorf(err, "delete session %s", id)
	}
	return nil
}

// DeleteUserSessions ends every session of a user and returns how many.
func (t *tx) DeleteUserSessions(ctx context.Context, userID string) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	if err != nil {
		return 0, errorf(err, "delete sessions of user %s", userID)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, errorf(err, "delete sessions of user %s", userID)
	}
	return int(n), nil
}

// DeleteEndedSessions removes the sessions past their absolute expiry or
// idle since idleBefore.
func (t *tx) DeleteEndedSessions(ctx context.Context, now, idleBefore time.Time) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, now, idleBefore)
	if err != nil {
		return 0, errorf(err, "delete ended sessions")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, errorf(err, "delete ended sessions")
	}
	return int(n), nil
}

// RecordLoginFailure stores a refused sign-in.
func (t *tx) RecordLoginFailure(ctx context.Context, f porting.LoginFailure) error {
	_, err := t.exec(ctx, `INSERT INTO login_failures (email, remote_ip, at) VALUES ($1, $2, $3)`, f.Email, f.RemoteIP, f.At)
	if err != nil {
		return errorf(err, "record a refused sign-in")
	}
	return nil
}

// CountLoginFailures counts the refused sign-ins since since, for email
// and from remoteIP.
func (t *tx) CountLoginFailures(ctx context.Context, email, remoteIP string, since time.Time) (byEmail, byIP int, err error) {
	err = t.queryRow(ctx, `SELECT
		(SELECT count(*) FROM login_failures WHERE email = $1 AND at >= $2),
		(SELECT count(*) FROM login_failures WHERE remote_ip = $3 AND at >= $2)`, email, since, remoteIP).Scan(&byEmail, &byIP)
	if err != nil {
		return 0, 0, errorf(err, "count refused sign-ins")
	}
	return byEmail, byIP, nil
}

// ClearLoginFailures forgets email's refused sign-ins and every one before
// cutoff.
func (t *tx) ClearLoginFailures(ctx context.Context, email string, cutoff time.Time) error {
	if _, err := t.exec(ctx, `DELETE FROM login_failures WHERE email = $1 OR at < $2`, email, cutoff); err != nil {
		return errorf(err, "clear refused sign-ins")
	}
	return nil
}

// affected reports whether res changed a row.
func affected(res sql.Result, what string) (bool, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return false, errorf(err, "%s", what)
	}
	return n > 0, nil
}
