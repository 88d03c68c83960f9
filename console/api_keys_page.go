package console

import (
	"net/http"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// apiKeysData is the API key settings page: the keys that are not revoked,
// the form to create one and, on the answer to a creation, the new key's
// secret.
type apiKeysData struct {
	Keys      []*porting.APIKey
	AccountID string // admins name the account of a new customer key
	ExpiresOn string
	Created   *porting.APIKey
	Secret    string
}

// handleAPIKeys lists keys through Accounts.APIKeys: a customer's own
// account's, every key for an admin.
func (c *console) handleAPIKeys(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	return c.showAPIKeys(w, r, p, http.StatusOK, &apiKeysData{}, nil)
}

func (c *console) showAPIKeys(w http.ResponseWriter, r *http.Request, p porting.Principal, status int, d *apiKeysData, cause error) error {
	keys, err := c.svc.Accounts.APIKeys(r.Context(), p, "")
	if err != nil {
		return err
	}
	d.Keys = keys
	pg := c.newPage(r, p, "apikeys.title")
	if cause != nil {
		pg.setError(formOf(cause, "apikey"), cause)
	}
	c.render(w, r, status, "api_keys", pg, d)
	return nil
}

// handleAPIKeyCreate creates a customer key (Accounts.CreateAPIKey) for
// the customer's account (an admin names the account) and answers with
// the key, the only time it is shown.
func (c *console) handleAPIKeyCreate(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	if err := readForm(w, r); err != nil {
		return porting.Errorf(porting.EINVALID, "the form could not be read")
	}
	d := &apiKeysData{AccountID: bound(r.PostForm.Get("account_id"), 100), ExpiresOn: bound(r.PostForm.Get("expires_at"), 20)}
	in := workflow.CreateAPIKeyParams{AccountID: d.AccountID, Role: porting.RoleCustomer}
	if p.Role == porting.RoleCustomer {
		in.AccountID = p.AccountID
	}
	var err error
	if d.ExpiresOn != "" {
		var day time.Time
		if day, err = time.Parse(time.DateOnly, d.ExpiresOn); err != nil {
			err = porting.FieldErrorf("expires_at", "give the expiry date as YYYY-MM-DD")
		} else {
			in.ExpiresAt = &day
		}
	}
	var k *porting.APIKey
	var secret string
	if err == nil {
		k, secret, err = c.svc.Accounts.CreateAPIKey(r.Context(), p, in)
	}
	if err != nil {
		if s := formStatus(err); s == http.StatusInternalServerError || s == http.StatusForbidden {
			return err
		}
		return c.showAPIKeys(w, r, p, formStatus(err), d, err)
	}
	return c.showAPIKeys(w, r, p, http.StatusCreated, &apiKeysData{Created: k, Secret: secret}, nil)
}

// handleAPIKeyRevoke revokes a key (Accounts.RevokeAPIKey); another
// account's key is not found.
func (c *console) handleAPIKeyRevoke(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	id := r.PathValue("id")
	if len(id) > 100 {
		return porting.Errorf(porting.ENOTFOUND, "api key not found")
	}
	if _, err := c.svc.Accounts.RevokeAPIKey(r.Context(), p, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/settings/api-keys", http.StatusSeeOther)
	return nil
}
