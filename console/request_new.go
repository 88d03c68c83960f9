package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// maxNumbersForm bounds the intake form's body, as the API bounds its JSON.
const maxNumbersForm = 8 << 20

// requestForm is the intake form as posted.
type requestForm struct {
	AccountID, InstanceID, Severity, Subject    string
	LimitRegion, LimitValue                     string
	Description, CurrentCarrier, DefaultCountry string
	ContactName, ContactEmail, ContactPhone     string
	Language, TimeZone                          string
	Numbers                                     string
}

// requestData is the intake page: the form, the plan it is filed under,
// the instances to choose from and, after "Preview", the check's answer.
type requestData struct {
	Form       requestForm
	Plan       porting.SupportPlan
	Instances  []string
	Severities []string
	Preview    *workflow.PortabilityReport
	Rejected   []porting.RejectedNumber
}

func (c *console) handleRequestForm(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	pg := c.newPage(r, p, "request.title")
	d, err := c.requestData(r, p)
	if err != nil {
		return err
	}
	d.Form = requestForm{Severity: string(porting.SeverityNormal), Language: pg.Lang, DefaultCountry: "US"}
	if len(d.Instances) == 1 && d.Plan == porting.PlanPremium {
		d.Form.InstanceID = d.Instances[0]
	}
	c.render(w, r, http.StatusOK, "request_new", pg, d)
	return nil
}

// requestData loads what the form offers: the account's plan and
// instances for customers; staff name the account and see both plans.
func (c *console) requestData(r *http.Request, p porting.Principal) (*requestData, error) {
	d := &requestData{}
	for _, s := range porting.Severities {
		d.Severities = append(d.Severities, string(s))
	}
	if p.Role != porting.RoleCustomer {
		return d, nil
	}
	acct, err := c.svc.Accounts.GetAccount(r.Context(), p, p.AccountID)
	if err != nil {
		return nil, err
	}
	d.Plan = acct.SupportPlan
	insts, err := c.svc.Instances.ListInstances(r.Context(), p, porting.InstanceFilter{AccountID: p.AccountID, Limit: 100})
	if err != nil {
		return nil, err
	}
	for _, in := range insts.Instances {
		d.Instances = append(d.Instances, in.ID)
	}
	return d, nil
}

// handleRequestPost previews (Intake.CheckPortability) or files
// (Intake.CreatePortRequest) the request the form describes.
func (c *console) handleRequestPost(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	pg := c.newPage(r, p, "request.title")
	d, err := c.requestData(r, p)
	if err != nil {
		return err
	}
	listed, err := readIntakeForm(w, r)
	if err != nil && formStatus(err) == http.StatusInternalServerError {
		return err
	}
	d.Form = readRequestForm(r)
	if listed != nil {
		// The file's numbers go into the textarea, so a preview posts
		// them back without choosing the file again.
		d.Form.Numbers = entriesText(listed)
	}
	var params workflow.CreatePortRequestParams
	if err == nil {
		params, err = d.Form.params()
	}
	if err == nil {
		if r.PostForm.Get("op") == "preview" {
			d.Preview, err = c.svc.Intake.CheckPortability(r.Context(), p, workflow.CheckParams{
				PhoneNumbers: params.PhoneNumbers, Entries: params.Entries, CarrierHint: params.CurrentCarrier, DefaultRegion: params.DefaultRegion})
			if err == nil {
				c.render(w, r, http.StatusOK, "request_new", pg, d)
				return nil
			}
		} else {
			var req *porting.PortRequest
			if req, _, err = c.svc.Intake.CreatePortRequest(r.Context(), p, params); err == nil {
				http.Redirect(w, r, "/port-requests/"+req.ID, http.StatusSeeOther)
				return nil
			}
		}
	}
	if formStatus(err) == http.StatusInternalServerError {
		return err
	}
	if pe, ok := err.(*porting.Error); ok {
		d.Rejected = pe.Rejected
	}
	pg.setError("request", err)
	c.render(w, r, formStatus(err), "request_new", pg, d)
	return nil
}

// readRequestForm reads the posted intake form, each value bounded a
// little above what the workflow accepts (it says what is too long).
func readRequestForm(r *http.Request) requestForm {
	f := r.PostForm
	return requestForm{
		AccountID: bound(f.Get("account_id"), 100), InstanceID: bound(f.Get("instance_id"), 100),
		Severity: bound(f.Get("severity"), 20), Subject: bound(f.Get("subject"), 400),
		LimitRegion: bound(f.Get("limit_requests.region"), 80), LimitValue: bound(f.Get("limit_requests.new_limit_value"), 12),
		Description: bound(f.Get("description"), 2*porting.MaxTextLength), CurrentCarrier: bound(f.Get("current_carrier"), 400),
		DefaultCountry: bound(f.Get("default_country"), 2),
		ContactName:    bound(f.Get("authorized_contact.name"), 400), ContactEmail: bound(f.Get("authorized_contact.email"), 400),
		ContactPhone: bound(f.Get("authorized_contact.phone"), 100),
		Language:     bound(f.Get("contact_preferences.language"), 35), TimeZone: bound(f.Get("contact_preferences.time_zone"), 60),
		Numbers: f.Get("phone_numbers"), // bounded by the body's limit; the workflow counts and measures each number
	}
}

// params maps the form onto the intake's parameters, as the API's POST
// /v1/port-requests does with its JSON body.
func (f requestForm) params() (workflow.CreatePortRequestParams, error) {
	in := workflow.CreatePortRequestParams{
		AccountID: f.AccountID, InstanceID: f.InstanceID, Severity: porting.Severity(f.Severity), Subject: f.Subject,
		Description: f.Description, CurrentCarrier: f.CurrentCarrier, DefaultRegion: strings.ToUpper(f.DefaultCountry),
		AuthorizedContact:  porting.Contact{Name: f.ContactName, Email: f.ContactEmail, Phone: f.ContactPhone},
		ContactPreferences: porting.ContactPreferences{Language: f.Language, TimeZone: f.TimeZone},
	}
	entries, listed, err := textEntries(f.Numbers)
	switch {
	case err != nil:
		return in, err
	case listed:
		in.Entries = entries
	default:
		in.PhoneNumbers = splitNumbers(f.Numbers)
	}
	if f.LimitRegion != "" || f.LimitValue != "" {
		n, err := strconv.Atoi(f.LimitValue)
		if err != nil {
			return in, porting.FieldErrorf("limit_requests.new_limit_value", "the new limit must be a whole number")
		}
		in.LimitRequests = []porting.LimitRequest{{Region: f.LimitRegion, NewLimitValue: n}}
	}
	if len(in.PhoneNumbers) == 0 && len(in.Entries) == 0 {
		return in, porting.FieldErrorf("phone_numbers", "list at least one phone number, one per line, or choose a list file")
	}
	return in, nil
}

// splitNumbers reads pasted numbers: one per line (commas and semicolons
// separate too), blank lines skipped.
func splitNumbers(s string) []string {
	var out []string
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ';' }) {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// Rejects lists the preview's numbers that no order would carry.
func (d *requestData) Rejects() []numbers.Result {
	if d.Preview == nil {
		return nil
	}
	var out []numbers.Result
	for _, res := range d.Preview.Results {
		if !res.Portable {
			out = append(out, res)
		}
	}
	return out
}
