package workflow

import (
	"context"
	"fmt"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
)

// CheckParams are the inputs of a portability check.
type CheckParams struct {
	PhoneNumbers  []string
	CarrierHint   string
	DefaultRegion string
}

// PortabilityReport is the answer to a portability check: one result per
// input number, in input order, and the orders an intake would split the
// portable numbers into.
type PortabilityReport struct {
	Results []numbers.Result
	Groups  []numbers.Group
}

// CheckPortability classifies numbers without creating anything. Any
// authenticated caller may check.
func (s *Service) CheckPortability(ctx context.Context, p porting.Principal, in CheckParams) (*PortabilityReport, error) {
	if err := s.checkNumbers(in.PhoneNumbers); err != nil {
		return nil, err
	}
	var rep *PortabilityReport
	err := s.Store.View(ctx, func(tx porting.Tx) error {
		var err error
		rep, err = s.classify(ctx, tx, in)
		return err
	})
	return rep, err
}

func (s *Service) checkNumbers(nums []string) error {
	if err := s.checkNumberCount(len(nums)); err != nil {
		return err
	}
	for i, n := range nums {
		if len(n) > maxNumberInput {
			return porting.FieldErrorf(fmt.Sprintf("phone_numbers[%d]", i), "a phone number is at most %d characters", maxNumberInput)
		}
	}
	return nil
}

// maxNumberInput bounds one written phone number (E.164 has at most 16
// characters; written forms with spaces, brackets and an extension fit).
const maxNumberInput = 64

func (s *Service) checkNumberCount(n int) error {
	if n == 0 {
		return porting.FieldErrorf("phone_numbers", "list at least one phone number")
	}
	if max := s.Settings.MaxNumbers(); n > max {
		return porting.FieldErrorf("phone_numbers", "at most %d phone numbers per call; split the list", max)
	}
	return nil
}

// classify runs the number checker and marks numbers already held by an
// active order, reading the holds in tx so an intake sees what it commits.
func (s *Service) classify(ctx context.Context, tx porting.Tx, in CheckParams) (*PortabilityReport, error) {
	region := in.DefaultRegion
	if region == "" {
		region = s.Settings.defaultRegion()
	}
	results := s.checker().Check(in.PhoneNumbers, numbers.CheckOptions{
		DefaultRegion: region,
		CarrierHint:   in.CarrierHint,
	})
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
		inUse := make(map[string]bool, len(held))
		for n := range held {
			inUse[n] = true
		}
		numbers.MarkInUse(results, inUse)
	}
	return &PortabilityReport{Results: results, Groups: numbers.GroupPortable(results)}, nil
}
