package workflow

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
)

// Intake checks numbers' portability (portability.go) and turns a port request into its orders.
type Intake struct {
	store    porting.Store
	clock    porting.Clock
	settings Settings
	checker  *numbers.Checker
	carriers *Carriers
	events   *Events
	loa      *LOA
	orders   *Orders
}

// CreatePortRequestParams are the inputs of an intake. AccountID is taken
// from the principal for customers and required from staff filing on a
// customer's behalf. Premium accounts fill Severity, Subject and InstanceID;
// basic accounts fill LimitRequests (InstanceID optional).
type CreatePortRequestParams struct {
	AccountID          string
	InstanceID         string
	Severity           porting.Severity
	Subject            string
	LimitRequests      []porting.LimitRequest
	Description        string
	CurrentCarrier     string
	AuthorizedContact  porting.Contact
	ContactPreferences porting.ContactPreferences
	PhoneNumbers       []string
	// Entries are numbers listed with their own carrier and account; they
	// follow PhoneNumbers.
	Entries       []numbers.Entry
	DefaultRegion string
}

var languagePattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// CreatePortRequest files a port request: it checks every number, splits the
// portable ones into one order per (country, losing carrier, number kind,
// account number) and reports the others with their reasons. An order
// whose numbers came with an account number has it on its LOA data.
func (s *Intake) CreatePortRequest(ctx context.Context, p porting.Principal, in CreatePortRequestParams) (*porting.PortRequest, []*porting.PortOrder, error) {
	accountID, err := intakeAccount(p, in.AccountID)
	if err != nil {
		return nil, nil, err
	}
	if err := s.checkNumbers(in.PhoneNumbers, in.Entries); err != nil {
		return nil, nil, err
	}
	if err := validateContact(&in); err != nil {
		return nil, nil, err
	}
	now := s.clock.Now()
	req := &porting.PortRequest{
		ID: porting.NewID("req"), AccountID: accountID, InstanceID: in.InstanceID,
		Description: strings.TrimSpace(in.Description), CurrentCarrier: strings.TrimSpace(in.CurrentCarrier),
		AuthorizedContact: in.AuthorizedContact, ContactPreferences: in.ContactPreferences,
		RejectedNumbers: []porting.RejectedNumber{}, CreatedBy: p, CreatedAt: now,
	}
	check := CheckParams{PhoneNumbers: in.PhoneNumbers, Entries: in.Entries, CarrierHint: req.CurrentCarrier, DefaultRegion: in.DefaultRegion}
	checked, err := s.checkCarriers(ctx, check, nil)
	if err != nil {
		return nil, nil, err
	}
	var orders []*porting.PortOrder
	err = s.store.InTx(ctx, func(tx porting.Tx) error {
		answers(ctx, porting.RefPortRequest, req.ID, "")
		acct, err := tx.FindAccount(ctx, accountID)
		if err != nil {
			return err
		}
		var inst *porting.Instance
		if in.InstanceID != "" {
			if inst, err = tx.FindInstance(ctx, in.InstanceID); err != nil || inst.AccountID != accountID {
				return porting.FieldErrorf("instance_id", "instance %s not found in this account", in.InstanceID)
			}
		}
		rep, err := s.classify(ctx, tx, p, checked)
		if err != nil {
			return err
		}
		if err := fillCase(req, acct, inst, in, distinctInputs(rep)); err != nil {
			return err
		}
		for _, r := range rep.Results {
			if !r.Portable {
				req.RejectedNumbers = append(req.RejectedNumbers, porting.RejectedNumber{PhoneNumber: r.PhoneNumber, Reasons: r.Reasons})
			}
		}
		if len(rep.Groups) == 0 {
			return noneToPort(req.RejectedNumbers)
		}
		checked := make(map[string]*numbers.Result, len(rep.Results))
		for i, r := range rep.Results {
			if r.Portable {
				checked[r.PhoneNumber] = &rep.Results[i]
			}
		}
		if err := tx.CreatePortRequest(ctx, req); err != nil {
			return err
		}
		if err := s.events.record(ctx, tx, p, porting.EventRequestCreated, porting.Event{AccountID: accountID, PortRequestID: req.ID}, nil, req); err != nil {
			return err
		}
		for _, g := range rep.Groups {
			o := &porting.PortOrder{
				ID: porting.NewID("po"), PortRequestID: req.ID, AccountID: accountID, InstanceID: req.InstanceID,
				Status: porting.StateReview, Country: g.Country, LosingCarrier: g.LosingCarrier,
				NumberKind: porting.NumberKind(g.NumberKind), CreatedAt: now, UpdatedAt: now,
			}
			if g.AccountNumber != "" {
				o.LOA = &porting.LOAData{AccountNumber: g.AccountNumber}
			}
			for _, n := range g.PhoneNumbers {
				o.PhoneNumbers = append(o.PhoneNumbers, porting.OrderNumber{PhoneNumber: n, NumberType: checked[n].NumberType,
					RangeHolder: checked[n].RangeHolder, Status: porting.NumberPending})
			}
			if err := s.orders.createOrder(ctx, tx, p, o); err != nil {
				return err
			}
			orders = append(orders, o)
		}
		// Shown once all are stored: the quota check counts every order
		// of the request heading to the instance.
		for _, o := range orders {
			if err := s.loa.present(ctx, tx, o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return req, orders, nil
}

// maxRejectedShown bounds the refused numbers one refusal lists.
const maxRejectedShown = 1000

// noneToPort refuses a request none of whose numbers can be ported: a
// request without orders would only wait for nothing. The refusal lists
// why each number was refused (the first maxRejectedShown).
func noneToPort(rejected []porting.RejectedNumber) error {
	msg := "the number cannot be ported; nothing was filed. rejected_numbers says why"
	if len(rejected) != 1 {
		msg = fmt.Sprintf("none of the %d numbers can be ported; nothing was filed. rejected_numbers says why for each", len(rejected))
	}
	if len(rejected) > maxRejectedShown {
		msg += fmt.Sprintf(" (the first %d)", maxRejectedShown)
		rejected = rejected[:maxRejectedShown]
	}
	return &porting.Error{Code: porting.EINVALID, Field: "phone_numbers", Message: msg, Rejected: rejected}
}

func orderEvent(o *porting.PortOrder) porting.Event {
	return porting.Event{AccountID: o.AccountID, PortRequestID: o.PortRequestID, PortOrderID: o.ID}
}

func intakeAccount(p porting.Principal, accountID string) (string, error) {
	switch {
	case p.Role == porting.RoleCustomer:
		if accountID != "" && accountID != p.AccountID {
			return "", porting.Errorf(porting.ENOTFOUND, "account %s not found", accountID)
		}
		return p.AccountID, nil
	case p.Role.Staff():
		if accountID == "" {
			return "", porting.FieldErrorf("account_id", "staff filing for a customer must name the account")
		}
		return accountID, nil
	}
	return "", porting.Errorf(porting.EFORBIDDEN, "role %s may not file port requests", p.Role)
}

// validateContact checks and normalises the contact fields in place.
func validateContact(in *CreatePortRequestParams) error {
	c := &in.AuthorizedContact
	c.Name, c.Email, c.Phone = strings.TrimSpace(c.Name), strings.TrimSpace(c.Email), strings.TrimSpace(c.Phone)
	if c.Name == "" || len(c.Name) > porting.MaxNameLength {
		return porting.FieldErrorf("authorized_contact.name", "the authorized contact's name must hold 1 to 200 characters")
	}
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
			return porting.FieldErrorf("authorized_contact.email", "%q is not an email address", c.Email)
		}
	}
	if len(in.Description) > porting.MaxTextLength {
		return porting.FieldErrorf("description", "description holds at most 10,000 characters")
	}
	cp := &in.ContactPreferences
	if cp.Language == "" {
		cp.Language = "en"
	}
	if !languagePattern.MatchString(cp.Language) {
		return porting.FieldErrorf("contact_preferences.language", "%q is not a language tag such as en or pt-BR", cp.Language)
	}
	if err := validateTimeZone(cp.TimeZone); err != nil {
		return err
	}
	if len(cp.Methods) == 0 {
		cp.Methods = []string{"email"}
	}
	for i, m := range cp.Methods {
		if !slices.Contains(porting.ContactMethods, m) {
			return porting.FieldErrorf(fmt.Sprintf("contact_preferences.methods[%d]", i), "contact method must be one of %s", strings.Join(porting.ContactMethods, ", "))
		}
	}
	return nil
}

// distinctInputs counts the numbers a request lists, duplicates once.
func distinctInputs(rep *PortabilityReport) int {
	n := 0
	for _, r := range rep.Results {
		if !slices.Contains(r.Reasons, porting.ReasonDuplicateInRequest) {
			n++
		}
	}
	return n
}

// fillCase applies the support plan's case rules: premium files a technical
// case, basic a limit increase whose values add up to the numbers listed.
func fillCase(req *porting.PortRequest, acct *porting.Account, inst *porting.Instance, in CreatePortRequestParams, count int) error {
	if acct.SupportPlan == porting.PlanPremium {
		req.CaseType = porting.CaseTechnical
		if !slices.Contains(porting.Severities, in.Severity) {
			return porting.FieldErrorf("severity", "severity must be one of low, normal, high, urgent, critical")
		}
		subject := strings.TrimSpace(in.Subject)
		if subject == "" || len(subject) > porting.MaxNameLength {
			return porting.FieldErrorf("subject", "subject must hold 1 to 200 characters")
		}
		if inst == nil {
			return porting.FieldErrorf("instance_id", "a premium technical case names the instance to port into")
		}
		req.Severity, req.Subject = in.Severity, subject
		return nil
	}
	req.CaseType = porting.CaseLimitIncrease
	if in.Severity != "" {
		return porting.FieldErrorf("severity", "severity belongs to premium technical cases; a basic plan case has none")
	}
	if in.Subject != "" {
		return porting.FieldErrorf("subject", "subject belongs to premium technical cases; a basic plan case has none")
	}
	if len(in.LimitRequests) == 0 {
		return porting.FieldErrorf("limit_requests", "a basic plan case lists one limit request per region")
	}
	seen, total := map[string]bool{}, 0
	for i, lr := range in.LimitRequests {
		field := fmt.Sprintf("limit_requests[%d]", i)
		if !regionPattern.MatchString(lr.Region) {
			return porting.FieldErrorf(field+".region", "region %q is not a region name such as us-east-1", lr.Region)
		}
		if seen[lr.Region] {
			return porting.FieldErrorf(field+".region", "region %s is listed twice", lr.Region)
		}
		if inst != nil && lr.Region != inst.Region {
			return porting.FieldErrorf(field+".region", "the instance is in %s; its numbers count there", inst.Region)
		}
		if lr.NewLimitValue < 1 {
			return porting.FieldErrorf(field+".new_limit_value", "new_limit_value must be at least 1")
		}
		seen[lr.Region] = true
		total += lr.NewLimitValue
	}
	if total != count {
		return porting.FieldErrorf("limit_requests", "the new limit values add up to %d but the request lists %d distinct numbers", total, count)
	}
	req.LimitRequests = in.LimitRequests
	return nil
}
