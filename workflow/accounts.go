package workflow

import (
	"context"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// Accounts creates and shows customer accounts and issues, lists, revokes and authenticates API keys.
type Accounts struct {
	store      porting.Store
	clock      porting.Clock
	adminToken string
	events     *Events
}

// CreateAccountParams are the inputs of CreateAccount.
type CreateAccountParams struct {
	Name        string
	SupportPlan porting.SupportPlan
}

// CreateAccount creates a customer account. Admins only.
func (s *Accounts) CreateAccount(ctx context.Context, p porting.Principal, in CreateAccountParams) (*porting.Account, error) {
	if err := requireAdmin(p); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || len(name) > porting.MaxNameLength {
		return nil, porting.FieldErrorf("name", "name must hold 1 to 200 characters")
	}
	if !in.SupportPlan.Valid() {
		return nil, porting.FieldErrorf("support_plan", "support_plan must be basic or premium")
	}
	a := &porting.Account{ID: porting.NewID("acc"), Name: name, SupportPlan: in.SupportPlan, CreatedAt: s.clock.Now()}
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		answers(ctx, porting.RefAccount, a.ID, "")
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		return s.events.record(ctx, tx, p, porting.EventAccountCreated, porting.Event{AccountID: a.ID}, nil, a)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// ListAccounts pages through the customer accounts, oldest first. Staff
// only: a customer knows their one account (GetAccount).
func (s *Accounts) ListAccounts(ctx context.Context, p porting.Principal, f porting.AccountFilter) (*porting.AccountPage, error) {
	if !p.Role.Staff() {
		return nil, porting.Errorf(porting.EFORBIDDEN, "only the porting team may list accounts")
	}
	if err := checkPage(f.Limit, f.Cursor); err != nil {
		return nil, err
	}
	var page *porting.AccountPage
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		page, err = tx.FindAccounts(ctx, f)
		return err
	})
	return page, err
}

// GetAccount returns an account its owner or staff may see.
func (s *Accounts) GetAccount(ctx context.Context, p porting.Principal, id string) (*porting.Account, error) {
	if err := visible(p, id, "account", id); err != nil {
		return nil, err
	}
	var a *porting.Account
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		a, err = tx.FindAccount(ctx, id)
		return err
	})
	return a, err
}
