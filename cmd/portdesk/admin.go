package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/workflow"
)

// openService opens and migrates the database for a one-shot command.
func openService(ctx context.Context, cfg Config) (*workflow.Service, *store.DB, error) {
	clock := wallClock
	scfg, err := cfg.storeConfig(clock)
	if err != nil {
		return nil, nil, err
	}
	db, err := store.Open(ctx, scfg)
	if err != nil {
		return nil, nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	return workflow.New(workflow.Config{Store: db, Clock: clock}), db, nil
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	if err := parse(newFlagSet("migrate", stderr, &cfg, false), args); err != nil {
		return err
	}
	_, db, err := openService(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(stdout, "database migrated (%s)\n", db.Engine())
	return nil
}

// runAdmin runs admin subcommands as the local operator, who holds admin
// rights by having the database.
func runAdmin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("admin needs a subcommand: create-account, create-key or revoke-key")
	}
	var cfg Config
	fs := newFlagSet("admin "+args[0], stderr, &cfg, false)
	var name, plan, role, account, expires, keyID string
	switch args[0] {
	case "create-account":
		fs.StringVar(&name, "name", "", "company name")
		fs.StringVar(&plan, "plan", "basic", "support plan: basic or premium")
	case "create-key":
		fs.StringVar(&role, "role", "", "admin, specialist or customer")
		fs.StringVar(&account, "account", "", "account ID (customer keys)")
		fs.StringVar(&expires, "expires-at", "", "RFC 3339 time the key stops working (at most two years ahead); empty: never")
	case "revoke-key":
		fs.StringVar(&keyID, "id", "", "ID of the key to revoke (key_…)")
	default:
		return fmt.Errorf("unknown admin subcommand %q", args[0])
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	svc, db, err := openService(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	operator := porting.Principal{Role: porting.RoleAdmin, KeyID: "cli"}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	switch args[0] {
	case "create-account":
		a, err := svc.Accounts.CreateAccount(ctx, operator, workflow.CreateAccountParams{Name: name, SupportPlan: porting.SupportPlan(plan)})
		if err != nil {
			return err
		}
		return enc.Encode(a)
	case "revoke-key":
		if keyID == "" {
			return fmt.Errorf("admin revoke-key needs --id")
		}
		k, err := svc.Accounts.RevokeAPIKey(ctx, operator, keyID)
		if err != nil {
			return err
		}
		return enc.Encode(k)
	}
	in := workflow.CreateAPIKeyParams{AccountID: account, Role: porting.Role(role)}
	if expires != "" {
		t, err := time.Parse(time.RFC3339, expires)
		if err != nil {
			return fmt.Errorf("--expires-at %q: want an RFC 3339 time such as 2027-01-31T00:00:00Z", expires)
		}
		in.ExpiresAt = &t
	}
	k, secret, err := svc.Accounts.CreateAPIKey(ctx, operator, in)
	if err != nil {
		return err
	}
	return enc.Encode(map[string]any{"id": k.ID, "role": k.Role, "account_id": k.AccountID, "expires_at": k.ExpiresAt, "key": secret})
}
