package porting

import (
	"net/mail"
	"strings"
	"time"
)

// User is a person who signs in to the web console. Its role is an API
// key's role (KeyRole); customers belong to an account, staff to none. A
// user is never deleted: disabling it ends its sessions and refuses its
// sign-ins. Only the argon2id hash of the password is kept, in PHC string
// form; a user seeded without a password ("" hash) cannot sign in with one.
type User struct {
	ID           string     `json:"id"`
	Email        string     `json:"email"`
	Name         string     `json:"name"`
	Role         Role       `json:"role"`
	AccountID    string     `json:"account_id,omitempty"` // empty for staff
	PasswordHash string     `json:"-"`
	CreatedAt    time.Time  `json:"created_at"`
	DisabledAt   *time.Time `json:"disabled_at,omitempty"`
}

// Principal is who the user is to every use case: the same as an API key
// of its role and account, with the user's ID where a key's ID would be.
func (u *User) Principal() Principal {
	return Principal{Role: u.Role, AccountID: u.AccountID, KeyID: u.ID}
}

// Session is a signed-in console session. The browser holds a random
// secret; the database holds only its SHA-256 hash, so a copy of the
// database signs nobody in. A session ends when signed out (the row is
// deleted), after SessionIdleTimeout without use, or at ExpiresAt
// (SessionLifetime after sign-in) however busy it is.
type Session struct {
	ID         string    `json:"id"`
	UserID     string    `json:"user_id"`
	Hash       string    `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// Session limits.
const (
	// SessionIdleTimeout ends a session nobody used for this long.
	SessionIdleTimeout = 12 * time.Hour
	// SessionLifetime ends every session this long after its sign-in.
	SessionLifetime = 7 * 24 * time.Hour
	// SessionSeenResolution is how stale LastSeenAt may be: it is written
	// at most once per this interval, not on every request.
	SessionSeenResolution = time.Minute
)

// Usable returns nil when the session may authenticate a request at now,
// and EUNAUTHORIZED when it has idled out or reached its absolute expiry.
func (s *Session) Usable(now time.Time) error {
	switch {
	case !now.Before(s.ExpiresAt):
		return Errorf(EUNAUTHORIZED, "the session expired; sign in again")
	case !now.Before(s.LastSeenAt.Add(SessionIdleTimeout)):
		return Errorf(EUNAUTHORIZED, "the session ended after %s without use; sign in again", SessionIdleTimeout)
	}
	return nil
}

// SeenIsStale reports whether LastSeenAt is worth writing again at now.
func (s *Session) SeenIsStale(now time.Time) bool {
	return now.Sub(s.LastSeenAt) >= SessionSeenResolution
}

// Invitation asks a person, by email, to become a console user of a role
// (and, for customers, an account). The link carries a random token shown
// once; the database looks it up by its SHA-256 hash, and holds the token
// itself only sealed (Token) until the invitation email went out. It can be
// accepted once,
// before ExpiresAt (InvitationLifetime after it was made).
type Invitation struct {
	ID         string     `json:"id"`
	Email      string     `json:"email"`
	Role       Role       `json:"role"`
	AccountID  string     `json:"account_id,omitempty"` // empty for staff
	Hash       string     `json:"-"`
	InvitedBy  string     `json:"invited_by" doc:"The API key or user that sent the invitation."`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
	// Language is the language (en, es, de) the invitation email is
	// written in.
	Language string `json:"-"`
	// Token is the invitation's secret while its email is still to be
	// sent: stored sealed (encrypted at rest), filled only by
	// UserStore.FindInvitation, and cleared once the email went out or
	// the invitation was accepted or expired.
	Token string `json:"-"`
	// Mail is how sending the invitation email went.
	Mail MailStatus `json:"-"`
}

// MailStatus is how sending an email about a user (an invitation, a
// password reset) went: when it was sent, or the last failure, which a
// person must see (nothing fails silently).
type MailStatus struct {
	SentAt *time.Time
	// LastError is the last failed attempt's error, "" when none failed
	// or the email went out since. It never holds the recipient or the
	// link.
	LastError string
	// Failed is set once the last attempt failed: no more will follow.
	Failed bool
}

// PasswordReset is a request to set a new password, sent to the user's
// email as a one-time link. The database holds its token's SHA-256 hash,
// and the token itself only sealed until the email went out. It can be
// used once, before ExpiresAt (PasswordResetLifetime after it was made).
type PasswordReset struct {
	ID        string
	UserID    string
	Hash      string
	Language  string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
	// Token is filled only by UserStore.FindPasswordReset, while the
	// email is still to be sent (see Invitation.Token).
	Token string
	Mail  MailStatus
}

// PasswordResetLifetime is how long a password reset link works.
const PasswordResetLifetime = time.Hour

// Password reset request limits: at most MaxResetRequestsPerEmail
// requests for one email and MaxResetRequestsPerIP from one address
// within LoginFailureWindow, whether or not the email is a user's.
const (
	MaxResetRequestsPerEmail = 3
	MaxResetRequestsPerIP    = 20
)

// Purposes of the emails about users (UserEmail.Purpose).
const (
	PurposeInvitation    = "invitation"
	PurposePasswordReset = "password_reset"
)

// UserEmail is an email to a person about their console access: an
// invitation or a password reset, carrying the one-time Link.
type UserEmail struct {
	Purpose   string
	Link      string
	ExpiresAt time.Time
	// Role is the role an invitation grants.
	Role Role
}

// SendUserEmailJob sends the email of an invitation or a password reset
// (Purpose) whose ID it names. It carries no token: the worker reads the
// sealed token through the store.
type SendUserEmailJob struct {
	Purpose string `json:"purpose"`
	ID      string `json:"id"`
}

// Kind implements Job.
func (SendUserEmailJob) Kind() string { return "send_user_email" }

// InvitationLifetime is how long an invitation may be accepted.
const InvitationLifetime = 7 * 24 * time.Hour

// LoginFailure is one refused sign-in, counted to limit guessing. Email is
// what was typed (normalized), whether or not a user has it.
type LoginFailure struct {
	Email    string
	RemoteIP string
	At       time.Time
}

// Login limits: at most MaxLoginFailuresPerEmail refused sign-ins for one
// email, and MaxLoginFailuresPerIP from one address, within
// LoginFailureWindow; then sign-ins are refused until older failures
// leave the window.
const (
	LoginFailureWindow       = 15 * time.Minute
	MaxLoginFailuresPerEmail = 5
	MaxLoginFailuresPerIP    = 50
)

// Input limits of users.
const (
	// MaxEmailLength bounds an email address (RFC 5321's path limit).
	MaxEmailLength = 254
	// MinPasswordLength and MaxPasswordLength bound a password, in bytes.
	MinPasswordLength = 12
	MaxPasswordLength = 256
	// MaxTokenLength bounds a session secret or invitation token as typed
	// or sent back; real ones are far shorter.
	MaxTokenLength = 128
)

// NormalizeEmail trims and lower-cases an email address and checks that it
// is a plausible single address (user@domain.tld, no display name); field
// names the input in the EINVALID it returns otherwise.
func NormalizeEmail(field, s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return "", FieldErrorf(field, "%s is required", field)
	case len(s) > MaxEmailLength:
		return "", FieldErrorf(field, "%s may be at most %d bytes", field, MaxEmailLength)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", FieldErrorf(field, "%s is not an email address", field)
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if at < 1 || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", FieldErrorf(field, "%s is not an email address", field)
	}
	return s, nil
}
