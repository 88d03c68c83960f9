package console

import (
	"net/http"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// The team page: the users of the viewer's account (every user for an
// admin), the invitations still open with how their email went, a form
// to invite someone and a button to disable a user. Each calls the
// workflow's Users, which decides who may see and do what.

func init() {
	pageNames = append(pageNames, "users")
}

// usersData is the users page.
type usersData struct {
	Users       []*porting.User
	Invitations []*porting.Invitation
	// Email, Role, AccountID and Language are the invite form's inputs.
	Email, Role, AccountID, Language string
	// Invited is the invitation just made; Link its link, shown only when
	// no email carries it.
	Invited *porting.Invitation
	Link    string
	// Roles an admin may invite and the Languages of the email.
	Roles, Languages []string
}

func (c *console) handleUsers(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	return c.showUsers(w, r, p, http.StatusOK, &usersData{Language: language(r)}, nil)
}

func (c *console) showUsers(w http.ResponseWriter, r *http.Request, p porting.Principal, status int, d *usersData, cause error) error {
	users, invs, err := c.svc.Users.ListUsers(r.Context(), p, "")
	if err != nil {
		return err
	}
	d.Users, d.Invitations = users, invs
	d.Roles = []string{string(porting.RoleCustomer), string(porting.RoleSpecialist), string(porting.RoleAdmin)}
	d.Languages = languages
	if d.Role == "" {
		d.Role = string(porting.RoleCustomer)
	}
	pg := c.newPage(r, p, "users.title")
	if cause != nil {
		pg.setError("invite", cause)
	}
	c.render(w, r, status, "users", pg, d)
	return nil
}

// handleUserInvite invites someone (Users.Invite): customers into their
// own account, admins anyone. The email goes out by job; without a mailer
// the page shows the link once, for the inviter to pass on.
func (c *console) handleUserInvite(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	if err := readForm(w, r); err != nil {
		return porting.Errorf(porting.EINVALID, "the form could not be read")
	}
	d := &usersData{Email: bound(r.PostForm.Get("email"), maxEmail+10), Role: bound(r.PostForm.Get("role"), 20),
		AccountID: bound(r.PostForm.Get("account_id"), 100), Language: bound(r.PostForm.Get("language"), 10)}
	in := workflow.InviteParams{Email: d.Email, Role: porting.Role(d.Role), AccountID: d.AccountID, Language: d.Language}
	if p.Role == porting.RoleCustomer {
		in.Role, in.AccountID = porting.RoleCustomer, p.AccountID
	}
	inv, token, err := c.svc.Users.Invite(r.Context(), p, in)
	if err != nil {
		if s := formStatus(err); s == http.StatusInternalServerError || s == http.StatusForbidden {
			return err
		}
		return c.showUsers(w, r, p, formStatus(err), d, err)
	}
	noReferrer(w)
	done := &usersData{Invited: inv, Language: d.Language}
	if !c.svc.Users.SendsEmails() {
		done.Link = "/invitations/" + token
	}
	return c.showUsers(w, r, p, http.StatusCreated, done, nil)
}

// handleUserDisable disables a user (Users.DisableUser), which ends its
// sessions; another account's user is not found.
func (c *console) handleUserDisable(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	id := r.PathValue("id")
	if len(id) > 100 {
		return porting.Errorf(porting.ENOTFOUND, "user not found")
	}
	if _, err := c.svc.Users.DisableUser(r.Context(), p, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/settings/users", http.StatusSeeOther)
	return nil
}
