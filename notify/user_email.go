package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/portdesk/portdesk/messages"
	"github.com/portdesk/portdesk/porting"
)

// UserEmailData is what an invitation or password reset email shows.
type UserEmailData struct {
	// Link is the one-time link to the console page.
	Link string
	// ExpiresAt is when the link stops working.
	ExpiresAt *time.Time
	// Role is the role an invitation grants.
	Role porting.Role
}

// RenderUserEmail writes the email of an invitation or a password reset
// (m.Purpose) in the translation lang picks, times in UTC (the recipient's
// zone is not known yet). To is left for the caller.
func RenderUserEmail(m porting.UserEmail, lang string) (Email, error) {
	switch m.Purpose {
	case porting.PurposeInvitation, porting.PurposePasswordReset:
	default:
		return Email{}, fmt.Errorf("notify: unknown user email purpose %q", m.Purpose)
	}
	at := m.ExpiresAt
	data := UserEmailData{Link: m.Link, ExpiresAt: &at, Role: m.Role}
	e, err := renderData(messages.Locale{Language: BaseLanguage(lang)}, "user."+m.Purpose, data)
	if err != nil {
		return Email{}, err
	}
	return e, nil
}

// UserEmail renders the invitation or password reset email m in lang and
// sends it to to.
func (n *Notifier) UserEmail(ctx context.Context, to, lang string, m porting.UserEmail) error {
	if n.Mailer == nil {
		return errors.New("notify: no mailer is configured")
	}
	e, err := RenderUserEmail(m, lang)
	if err != nil {
		return err
	}
	e.To, e.Date = to, n.Clock.Now()
	return n.Mailer.Send(ctx, e)
}

// MailsUsers reports whether a mailer is configured.
func (n *Notifier) MailsUsers() bool { return n.Mailer != nil }
