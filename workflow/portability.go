package workflow

import (
	"context"
	"fmt"
	"slices"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
)

// CheckParams are the inputs of a portability check: PhoneNumbers, then
// Entries, which may name each number's carrier and account.
type CheckParams struct {
	PhoneNumbers  []string
	Entries       []numbers.Entry
	CarrierHint   string
	DefaultRegion string
}

// entries lists every number checked, the plain ones first, in the order
// of the results.
func (in CheckParams) entries() []numbers.Entry {
	out := make([]numbers.Entry, 0, len(in.PhoneNumbers)+len(in.Entries))
	for _, n := range in.PhoneNumbers {
		out = append(out, numbers.Entry{PhoneNumber: n})
	}
	return append(out, in.Entries...)
}

// PortabilityReport is the answer to a portability check: one result per
// input number, in input order (PhoneNumbers, then Entries), and the orders an intake would split the
// portable numbers into.
type PortabilityReport struct {
	Results []numbers.Result
	Groups  []numbers.Group
}

// CheckPortability classifies numbers without creating anything. Any
// authenticated caller may check.
func (s *Intake) CheckPortability(ctx context.Context, p porting.Principal, in CheckParams) (*PortabilityReport, error) {
	if err := s.checkNumbers(in.PhoneNumbers, in.Entries); err != nil {
		return nil, err
	}
	checked, err := s.checkCarriers(ctx, in, nil)
	if err != nil {
		return nil, err
	}
	var rep *PortabilityReport
	err = s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		rep, err = s.classify(ctx, tx, p, checked)
		return err
	})
	return rep, err
}

// region is the region numbers without a country code are read in.
func (s *Intake) region(in CheckParams) string {
	if in.DefaultRegion != "" {
		return in.DefaultRegion
	}
	return s.settings.defaultRegion()
}

func (s *Intake) checkNumbers(nums []string, entries []numbers.Entry) error {
	if err := s.checkNumberCount(len(nums) + len(entries)); err != nil {
		return err
	}
	for i, n := range nums {
		if len(n) > porting.MaxNumberInput {
			return porting.FieldErrorf(fmt.Sprintf("phone_numbers[%d]", i), "a phone number is at most %d characters", porting.MaxNumberInput)
		}
	}
	for i, e := range entries {
		if err := checkEntry(fmt.Sprintf("phone_number_entries[%d].", i), e); err != nil {
			return err
		}
	}
	return nil
}

// checkEntry bounds what a customer wrote about one number; field
// prefixes the name of the field at fault.
func checkEntry(field string, e numbers.Entry) error {
	switch {
	case len(e.PhoneNumber) > porting.MaxNumberInput:
		return porting.FieldErrorf(field+"phone_number", "a phone number is at most %d characters", porting.MaxNumberInput)
	case len(e.CurrentCarrier) > maxCarrierName:
		return porting.FieldErrorf(field+"current_carrier", "a carrier name is at most %d characters", maxCarrierName)
	case len(e.AccountNumber) > maxAccountNumber:
		return porting.FieldErrorf(field+"account_number", "an account number is at most %d characters", maxAccountNumber)
	}
	return nil
}

// maxCarrierName and maxAccountNumber bound what a customer writes about
// one number (the request's current_carrier, the LOA's account number).
const (
	maxCarrierName   = 200
	maxAccountNumber = 64
)

func (s *Intake) checkNumberCount(n int) error {
	if n == 0 {
		return porting.FieldErrorf("phone_numbers", "list at least one phone number (in phone_numbers or phone_number_entries)")
	}
	if max := s.settings.MaxNumbers(); n > max {
		return porting.FieldErrorf("phone_numbers", "at most %d phone numbers per call; split the list", max)
	}
	return nil
}

// checkCarriers runs the number checker over in's numbers once, marks
// the numbers seen in earlier batches of the same list (seen, when not
// nil) and puts in what the carrier registry and gateways know. It runs
// outside any transaction (lookups are network calls); classify then
// reads the holds inside one.
func (s *Intake) checkCarriers(ctx context.Context, in CheckParams, seen *numbers.SeenNumbers) ([]numbers.Result, error) {
	checked := s.checker.CheckEntries(in.entries(), numbers.CheckOptions{
		DefaultRegion: s.region(in),
		CarrierHint:   in.CarrierHint,
	})
	if seen != nil {
		if err := seen.MarkRepeats(checked); err != nil {
			return nil, err
		}
	}
	k, err := s.carriers.knowledge(ctx, checked)
	if err != nil {
		return nil, err
	}
	k.apply(checked)
	return checked, nil
}

// classify marks numbers already held by an active order, reading the
// holds in tx so an intake sees what it commits, and groups the portable
// ones.
func (s *Intake) classify(ctx context.Context, tx porting.OrderStore, p porting.Principal, checked []numbers.Result) (*PortabilityReport, error) {
	results, err := s.classifyResults(ctx, tx, p, checked)
	if err != nil {
		return nil, err
	}
	return &PortabilityReport{Results: results, Groups: numbers.GroupPortable(results)}, nil
}

// classifyResults is classify without the groups. It leaves checked as it
// is (a transaction that runs again starts from it) and returns a copy
// when a number is held.
func (s *Intake) classifyResults(ctx context.Context, tx porting.OrderStore, p porting.Principal, checked []numbers.Result) ([]numbers.Result, error) {
	results := checked
	var valid []string
	for _, r := range results {
		if r.Valid {
			valid = append(valid, r.PhoneNumber)
		}
	}
	held, err := tx.FindHeldNumbers(ctx, valid)
	if err != nil {
		return nil, err
	}
	if len(held) > 0 {
		// A customer learns of their own orders only: another account's
		// order is not theirs to know of, so its numbers are just not
		// portable now.
		inUse := make(map[string]string, len(held))
		for n, h := range held {
			inUse[n] = porting.ReasonNotPortableNow
			if p.CanSee(h.AccountID) {
				inUse[n] = porting.ReasonAlreadyOnActiveOrder
			}
		}
		results = slices.Clone(checked)
		for i := range results {
			results[i].Reasons = slices.Clip(results[i].Reasons) // MarkInUse appends: never into checked's arrays
		}
		numbers.MarkInUse(results, inUse)
	}
	return results, nil
}
