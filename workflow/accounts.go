package workflow

import (
	"context"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// CreateAccountParams are the inputs of CreateAccount.
type CreateAccountParams struct {
	Name        string
	SupportPlan porting.SupportPlan
}

// CreateAccount creates a customer account. Admins only.
func (s *Service) CreateAccount(ctx context.Context, p porting.Principal, in CreateAccountParams) (*porting.Account, error) {
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
	a := &porting.Account{ID: porting.NewID("acc"), Name: name, SupportPlan: in.SupportPlan, CreatedAt: s.Clock.Now()}
	err := s.Store.InTx(ctx, func(tx porting.Tx) error {
		answers(ctx, porting.RefAccount, a.ID, "")
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		return s.record(ctx, tx, p, porting.EventAccountCreated, porting.Event{AccountID: a.ID}, nil, a)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// GetAccount returns an account its owner or staff may see.
func (s *Service) GetAccount(ctx context.Context, p porting.Principal, id string) (*porting.Account, error) {
	if err := visible(p, id, "account", id); err != nil {
		return nil, err
	}
	var a *porting.Account
	err := s.Store.View(ctx, func(tx porting.Tx) error {
		var err error
		a, err = tx.FindAccount(ctx, id)
		return err
	})
	return a, err
}
