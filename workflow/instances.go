package workflow

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// Instances creates and shows contact-center instances, their contact flows and numbers, and their quotas and quota requests (quotas.go, quota_requests.go).
type Instances struct {
	store    porting.Store
	clock    porting.Clock
	settings Settings
	events   *Events
	orders   *Orders
}

// regionPattern matches cloud region names such as us-east-1 or eu-west-2.
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)

// CreateInstanceParams are the inputs of CreateInstance. AccountID is taken
// from the principal for customers and required from staff.
type CreateInstanceParams struct {
	AccountID string
	Name      string
	Region    string
}

// CreateInstance registers a contact-center instance of an account with the
// default quotas.
func (s *Instances) CreateInstance(ctx context.Context, p porting.Principal, in CreateInstanceParams) (*porting.Instance, error) {
	accountID := in.AccountID
	switch {
	case p.Role == porting.RoleCustomer:
		if accountID != "" && accountID != p.AccountID {
			return nil, porting.Errorf(porting.ENOTFOUND, "account %s not found", accountID)
		}
		accountID = p.AccountID
	case p.Role.Staff():
		if accountID == "" {
			return nil, porting.FieldErrorf("account_id", "staff must name the account")
		}
	default:
		return nil, porting.Errorf(porting.EFORBIDDEN, "role %s may not create instances", p.Role)
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || len(name) > porting.MaxNameLength {
		return nil, porting.FieldErrorf("name", "name must hold 1 to 200 characters")
	}
	if !regionPattern.MatchString(in.Region) {
		return nil, porting.FieldErrorf("region", "region %q is not a region name such as us-east-1", in.Region)
	}
	id := porting.NewID("inst")
	inst := &porting.Instance{
		ID: id, AccountID: accountID, Name: name, Region: in.Region,
		ARN: fmt.Sprintf("arn:portdesk:connect:%s:%s:instance/%s", in.Region, accountID, id),
		Quotas: porting.Quotas{
			PhoneNumbers:      porting.DefaultQuotaPhoneNumbers,
			ConcurrentCalls:   porting.DefaultQuotaConcurrentCall,
			OutboundCountries: []string{},
		},
		CreatedAt: s.clock.Now(),
	}
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		answers(ctx, porting.RefInstance, inst.ID, "")
		if _, err := tx.FindAccount(ctx, accountID); err != nil {
			return err
		}
		if err := tx.CreateInstance(ctx, inst); err != nil {
			return err
		}
		return s.events.record(ctx, tx, p, porting.EventInstanceCreated, porting.Event{AccountID: accountID}, nil, inst)
	})
	if err != nil {
		return nil, err
	}
	return inst, nil
}

// findInstance loads an instance the principal may see.
func findInstance(ctx context.Context, tx porting.InstanceStore, p porting.Principal, id string) (*porting.Instance, error) {
	inst, err := tx.FindInstance(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := visible(p, inst.AccountID, "instance", id); err != nil {
		return nil, err
	}
	return inst, nil
}

// GetInstance returns an instance its owner or staff may see.
func (s *Instances) GetInstance(ctx context.Context, p porting.Principal, id string) (*porting.Instance, error) {
	var inst *porting.Instance
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		inst, err = findInstance(ctx, tx, p, id)
		return err
	})
	return inst, err
}

// ListInstances pages through instances, oldest first. Customers see only
// their account's: an account_id naming another account still lists their
// own. Staff see all, or one account's.
func (s *Instances) ListInstances(ctx context.Context, p porting.Principal, f porting.InstanceFilter) (*porting.InstancePage, error) {
	var err error
	if f.AccountID, err = listAccount(p, f.AccountID); err != nil {
		return nil, err
	}
	if err := checkPage(f.Limit, f.Cursor); err != nil {
		return nil, err
	}
	var page *porting.InstancePage
	err = s.store.View(ctx, func(tx porting.Tx) error {
		page, err = tx.FindInstances(ctx, f)
		return err
	})
	return page, err
}

// CreateContactFlow adds a contact flow to an instance.
func (s *Instances) CreateContactFlow(ctx context.Context, p porting.Principal, instanceID, name string) (*porting.ContactFlow, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > porting.MaxNameLength {
		return nil, porting.FieldErrorf("name", "name must hold 1 to 200 characters")
	}
	if p.Role != porting.RoleCustomer && !p.Role.Staff() {
		return nil, porting.Errorf(porting.EFORBIDDEN, "role %s may not create contact flows", p.Role)
	}
	f := &porting.ContactFlow{ID: porting.NewID("flow"), InstanceID: instanceID, Name: name, CreatedAt: s.clock.Now()}
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		answers(ctx, porting.RefContactFlow, f.ID, instanceID)
		inst, err := findInstance(ctx, tx, p, instanceID)
		if err != nil {
			return err
		}
		if err := tx.CreateContactFlow(ctx, f); err != nil {
			return err
		}
		return s.events.record(ctx, tx, p, porting.EventContactFlowCreated, porting.Event{AccountID: inst.AccountID}, nil, f)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// ContactFlows lists the contact flows of an instance.
func (s *Instances) ContactFlows(ctx context.Context, p porting.Principal, instanceID string) ([]*porting.ContactFlow, error) {
	var out []*porting.ContactFlow
	err := s.store.View(ctx, func(tx porting.Tx) error {
		if _, err := findInstance(ctx, tx, p, instanceID); err != nil {
			return err
		}
		var err error
		out, err = tx.FindContactFlows(ctx, instanceID)
		return err
	})
	return out, err
}

// InstancePhoneNumbers lists the phone-number inventory of an instance.
func (s *Instances) InstancePhoneNumbers(ctx context.Context, p porting.Principal, instanceID string) ([]*porting.InstancePhoneNumber, error) {
	var out []*porting.InstancePhoneNumber
	err := s.store.View(ctx, func(tx porting.Tx) error {
		if _, err := findInstance(ctx, tx, p, instanceID); err != nil {
			return err
		}
		var err error
		out, err = tx.FindInstancePhoneNumbers(ctx, instanceID)
		return err
	})
	return out, err
}
