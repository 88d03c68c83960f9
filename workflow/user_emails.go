package workflow

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/portdesk/portdesk/messages"
	"github.com/portdesk/portdesk/porting"
)

// UserEmailAttempt is one attempt at an invitation or password reset
// email, as the job runner makes it.
type UserEmailAttempt struct {
	Job porting.SendUserEmailJob
	// Attempt counts from 1; MaxAttempts is the runner's limit (0: none).
	Attempt     int
	MaxAttempts int
}

// last reports whether a failure now is the email's last attempt.
func (a UserEmailAttempt) last() bool { return a.MaxAttempts > 0 && a.Attempt >= a.MaxAttempts }

// mailsUsers reports whether invitation and reset emails can be sent.
func (s *Users) mailsUsers() bool { return s.notifier != nil && s.notifier.MailsUsers() }

// emailLanguage is the translation an inviter's or requester's language
// tag picks: en, es or de ("" and anything else: en).
func emailLanguage(tag string) string { return messages.BaseLanguage(tag) }

// link is the console page of a token: <public URL>/<page>/<token>.
func (s *Users) link(page, token string) string {
	return strings.TrimRight(s.publicURL, "/") + "/" + page + "/" + url.PathEscape(token)
}

// SendUserEmail makes one attempt at the email a SendUserEmailJob names,
// reading its token through the store. An invitation accepted or expired
// (or a reset used or expired), or an email already sent, sends nothing.
// A failed attempt is recorded on the row (MailStatus) and returned, so
// the runner retries; the last failure, or the link expiring before an
// attempt got through, also records the event user.email_failed, so a
// person sees it (the console's users page and the event log), and
// returns nil.
func (s *Users) SendUserEmail(ctx context.Context, a UserEmailAttempt) error {
	if !s.mailsUsers() {
		return porting.Errorf(porting.EUNAVAILABLE, "no mailer is configured")
	}
	var (
		to, lang, token, accountID string
		m                          porting.UserEmail
		// expired is the mail status of a link that expired while its
		// email was still failing: it fails for good now.
		expired *porting.MailStatus
	)
	now := s.clock.Now()
	err := s.store.View(ctx, func(tx porting.Tx) error {
		switch a.Job.Purpose {
		case porting.PurposeInvitation:
			in, err := tx.FindInvitation(ctx, a.Job.ID)
			if err != nil {
				return err
			}
			if in.AcceptedAt == nil && !now.Before(in.ExpiresAt) && in.Mail.SentAt == nil && !in.Mail.Failed {
				expired, accountID = &in.Mail, in.AccountID
			}
			if in.AcceptedAt != nil || !now.Before(in.ExpiresAt) {
				return nil
			}
			to, lang, token, accountID = in.Email, in.Language, in.Token, in.AccountID
			m = porting.UserEmail{Purpose: a.Job.Purpose, ExpiresAt: in.ExpiresAt, Role: in.Role, Link: s.link("invitations", in.Token)}
		case porting.PurposePasswordReset:
			r, err := tx.FindPasswordReset(ctx, a.Job.ID)
			if err != nil {
				return err
			}
			u, err := tx.FindUser(ctx, r.UserID)
			if err != nil {
				return err
			}
			if r.UsedAt == nil && !now.Before(r.ExpiresAt) && r.Mail.SentAt == nil && !r.Mail.Failed {
				expired, accountID = &r.Mail, u.AccountID
			}
			if r.UsedAt != nil || !now.Before(r.ExpiresAt) {
				return nil
			}
			to, lang, token, accountID = u.Email, r.Language, r.Token, u.AccountID
			m = porting.UserEmail{Purpose: a.Job.Purpose, ExpiresAt: r.ExpiresAt, Role: u.Role, Link: s.link("password-reset", r.Token)}
		default:
			return porting.Errorf(porting.EINVALID, "unknown email purpose %q", a.Job.Purpose)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var (
		status  porting.MailStatus
		sendErr error
	)
	switch {
	case expired != nil:
		// The link expired before any attempt got through.
		status = *expired
		if status.LastError == "" {
			status.LastError = "the link expired before its email was sent"
		}
		status.Failed = true
	case token == "":
		// Sent already, or used or accepted meanwhile.
		return nil
	default:
		sendErr = s.notifier.UserEmail(ctx, to, lang, m)
		if sendErr == nil {
			sent := s.clock.Now()
			status.SentAt = &sent
		} else {
			// The error may quote the recipient's address (the SMTP
			// server's answer): the row and the event must not.
			status.LastError = fmt.Sprintf("attempt %d: %s", a.Attempt, redact(sendErr.Error(), to, token))
			status.Failed = a.last()
		}
	}
	err = s.store.InTx(ctx, func(tx porting.Tx) error {
		var err error
		if a.Job.Purpose == porting.PurposeInvitation {
			err = tx.RecordInvitationMail(ctx, a.Job.ID, status)
		} else {
			err = tx.RecordPasswordResetMail(ctx, a.Job.ID, status)
		}
		if err != nil || !status.Failed {
			return err
		}
		return s.events.record(ctx, tx, porting.SystemPrincipal, porting.EventUserEmailFailed, porting.Event{AccountID: accountID}, nil,
			map[string]string{"purpose": a.Job.Purpose, "id": a.Job.ID, "error": status.LastError})
	})
	if err != nil {
		return err
	}
	if sendErr != nil && !status.Failed {
		return fmt.Errorf("workflow: send %s email %s (attempt %d): %s", a.Job.Purpose, a.Job.ID, a.Attempt, status.LastError)
	}
	return nil
}

// redact removes personal data and secrets from an error's text before it
// is stored or logged.
func redact(msg string, secrets ...string) string {
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "[redacted]")
		}
	}
	return msg
}

// PurgeExpiredTokens drops the sealed tokens of expired invitations and
// password resets, whose emails can no longer be useful. It runs hourly
// with the other purges.
func (s *Users) PurgeExpiredTokens(ctx context.Context) (int, error) {
	var n int
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		var err error
		n, err = tx.ClearExpiredTokens(ctx, s.clock.Now())
		return err
	})
	return n, err
}

// SendsEmails reports whether invitations and password resets are
// emailed (a mailer is configured). Without, an invitation's link reaches
// the invitee through the inviter only, and no password can be reset by
// email.
func (s *Users) SendsEmails() bool { return s.mailsUsers() }

// CheckInvitation returns the invitation of a token while it can still be
// accepted, for the accept page to show its email and role; an unknown,
// accepted or expired one is EUNAUTHORIZED. AcceptInvitation checks again.
func (s *Users) CheckInvitation(ctx context.Context, token string) (*porting.Invitation, error) {
	hash, err := tokenHash(token, "token")
	if err != nil {
		return nil, err
	}
	var inv *porting.Invitation
	err = s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		inv, err = tx.FindInvitationByHash(ctx, hash)
		switch {
		case porting.ErrorCode(err) == porting.ENOTFOUND:
			return porting.Errorf(porting.EUNAUTHORIZED, "the invitation is unknown")
		case err != nil:
			return err
		case inv.AcceptedAt != nil:
			return porting.Errorf(porting.EUNAUTHORIZED, "the invitation was used already")
		case !s.clock.Now().Before(inv.ExpiresAt):
			return porting.Errorf(porting.EUNAUTHORIZED, "the invitation expired; ask for a new one")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}
