package workflow

import (
	"context"
	"fmt"

	"github.com/portdesk/portdesk/porting"
)

// SandboxKey is a demo API key of the sandbox. Its secret is fixed so the
// README and a restart can name it; it exists only in sandbox databases.
type SandboxKey struct {
	Secret    string
	Role      porting.Role
	AccountID string
	Who       string
	// Email is the sandbox's console user of the same role and account;
	// it has no password and signs in through Users.SandboxSignIn.
	Email string
}

// SandboxData names what the sandbox seeds.
type SandboxData struct {
	Keys       []SandboxKey
	InstanceID string
}

// Fixed identifiers of the sandbox's demo data.
const (
	DemoPremiumAccountID = "acc_demo_acme"
	DemoBasicAccountID   = "acc_demo_bakery"
	DemoInstanceID       = "inst_demo_acme"
)

// SandboxKeys lists the sandbox's demo keys.
var SandboxKeys = []SandboxKey{
	{Secret: "pd_sandbox_admin", Role: porting.RoleAdmin, Who: "admin (porting team)", Email: "admin@sandbox.portdesk.test"},
	{Secret: "pd_sandbox_specialist", Role: porting.RoleSpecialist, Who: "porting specialist", Email: "specialist@sandbox.portdesk.test"},
	{Secret: "pd_sandbox_acme", Role: porting.RoleCustomer, AccountID: DemoPremiumAccountID, Who: "customer Acme Support Ltd (premium plan)", Email: "acme@sandbox.portdesk.test"},
	{Secret: "pd_sandbox_bakery", Role: porting.RoleCustomer, AccountID: DemoBasicAccountID, Who: "customer Blue Bakery (basic plan)", Email: "bakery@sandbox.portdesk.test"},
}

// SeedSandbox creates the sandbox's demo accounts, instance, contact flows,
// keys and console users, once: a database that already holds them is left
// as it is (users are added to a sandbox database seeded before they
// existed).
func (s *Sandbox) SeedSandbox(ctx context.Context) (*SandboxData, error) {
	data := &SandboxData{Keys: SandboxKeys, InstanceID: DemoInstanceID}
	sys := porting.SystemPrincipal
	now := s.clock.Now()
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		if _, err := tx.FindAccount(ctx, DemoPremiumAccountID); err == nil {
			return nil
		} else if porting.ErrorCode(err) != porting.ENOTFOUND {
			return err
		}
		accounts := []*porting.Account{
			{ID: DemoPremiumAccountID, Name: "Acme Support Ltd", SupportPlan: porting.PlanPremium, CreatedAt: now},
			{ID: DemoBasicAccountID, Name: "Blue Bakery", SupportPlan: porting.PlanBasic, CreatedAt: now},
		}
		for _, a := range accounts {
			if err := tx.CreateAccount(ctx, a); err != nil {
				return err
			}
			if err := s.events.record(ctx, tx, sys, porting.EventAccountCreated, porting.Event{AccountID: a.ID}, nil, a); err != nil {
				return err
			}
		}
		inst := &porting.Instance{
			ID: DemoInstanceID, AccountID: DemoPremiumAccountID, Name: "acme-contact-center", Region: "us-east-1",
			ARN:       fmt.Sprintf("arn:portdesk:connect:us-east-1:%s:instance/%s", DemoPremiumAccountID, DemoInstanceID),
			Quotas:    porting.Quotas{PhoneNumbers: porting.DefaultQuotaPhoneNumbers, ConcurrentCalls: porting.DefaultQuotaConcurrentCall, OutboundCountries: []string{}},
			CreatedAt: now,
		}
		if err := tx.CreateInstance(ctx, inst); err != nil {
			return err
		}
		for _, name := range []string{"Main menu", "Sales queue", "Support queue"} {
			f := &porting.ContactFlow{ID: porting.NewID("flow"), InstanceID: inst.ID, Name: name, CreatedAt: now}
			if err := tx.CreateContactFlow(ctx, f); err != nil {
				return err
			}
		}
		for i, k := range SandboxKeys {
			key := &porting.APIKey{
				ID: fmt.Sprintf("key_sandbox_%d", i), AccountID: k.AccountID, Role: k.Role,
				Prefix: k.Secret[:11], Hash: HashSecret(k.Secret), CreatedAt: now,
			}
			if err := tx.CreateAPIKey(ctx, key); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = s.seedUsers(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("workflow: seed sandbox: %w", err)
	}
	return data, nil
}

// seedUsers creates a console user, without a password, for each demo
// key that has none yet.
func (s *Sandbox) seedUsers(ctx context.Context) error {
	now := s.clock.Now()
	return s.store.InTx(ctx, func(tx porting.Tx) error {
		for i, k := range SandboxKeys {
			_, err := tx.FindUserByEmail(ctx, k.Email)
			if err == nil {
				continue
			}
			if porting.ErrorCode(err) != porting.ENOTFOUND {
				return err
			}
			u := &porting.User{ID: fmt.Sprintf("usr_sandbox_%d", i), Email: k.Email, Name: k.Who, Role: k.Role,
				AccountID: k.AccountID, CreatedAt: now}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := s.events.record(ctx, tx, porting.SystemPrincipal, porting.EventUserCreated, porting.Event{AccountID: u.AccountID}, nil, u); err != nil {
				return err
			}
		}
		return nil
	})
}
