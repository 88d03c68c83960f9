package workflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
)

// MaxStreamedNumbers bounds a list checked as a stream (a CSV body of
// POST /v1/portability-checks): ten times what one JSON call takes.
const MaxStreamedNumbers = 1_000_000

// ErrTooManyNumbers is the cause of the EINVALID a PortabilityStream
// returns when its list holds more than MaxStreamedNumbers.
var ErrTooManyNumbers = errors.New("too many numbers")

// PortabilityStream checks one list too large for a single call in
// batches, by the rules of CheckPortability: every entry is bounded
// alike, carriers come from the registry and its lookups, numbers held by
// an active order are marked for the caller as CheckPortability marks
// them, and a number repeated anywhere in the list is
// duplicate_in_request. Create it with Intake.StreamPortability and Close
// it when done; it is not safe for concurrent use.
type PortabilityStream struct {
	intake   *Intake
	p        porting.Principal
	hint     string
	region   string
	admitted int
	checked  int
	seen     numbers.SeenNumbers
	tally    numbers.GroupTally
}

// StreamPortability starts a check of a list read as a stream. Any
// authenticated caller may check; carrierHint and defaultRegion are
// CheckParams' CarrierHint and DefaultRegion.
func (s *Intake) StreamPortability(p porting.Principal, carrierHint, defaultRegion string) (*PortabilityStream, error) {
	if len(carrierHint) > maxCarrierName {
		return nil, porting.FieldErrorf("current_carrier", "a carrier name is at most %d characters", maxCarrierName)
	}
	return &PortabilityStream{intake: s, p: p, hint: carrierHint, region: defaultRegion}, nil
}

// Admit counts one more entry of the list and bounds it as
// CheckPortability bounds each entry, before any is checked: a caller
// admits the whole list first, so that a list with a bad entry or too many
// numbers is refused before any answer goes out. The errors are EINVALID;
// the one for too many numbers wraps ErrTooManyNumbers.
func (ps *PortabilityStream) Admit(e numbers.Entry) error {
	if ps.admitted++; ps.admitted > MaxStreamedNumbers {
		return &porting.Error{Code: porting.EINVALID, Field: "phone_numbers", Err: ErrTooManyNumbers,
			Message: fmt.Sprintf("at most %d phone numbers per streamed check; split the list", MaxStreamedNumbers)}
	}
	return checkEntry("", e)
}

// Check checks the next batch of the list (at most the settings' numbers
// per call) and returns one result per entry, in order. A number of an
// earlier batch is duplicate_in_request here.
func (ps *PortabilityStream) Check(ctx context.Context, batch []numbers.Entry) ([]numbers.Result, error) {
	if ps.checked += len(batch); ps.checked > MaxStreamedNumbers {
		return nil, &porting.Error{Code: porting.EINVALID, Field: "phone_numbers", Err: ErrTooManyNumbers,
			Message: fmt.Sprintf("at most %d phone numbers per streamed check; split the list", MaxStreamedNumbers)}
	}
	s := ps.intake
	if err := s.checkNumbers(nil, batch); err != nil {
		return nil, err
	}
	in := CheckParams{Entries: batch, CarrierHint: ps.hint, DefaultRegion: ps.region}
	checked, err := s.checkCarriers(ctx, in, &ps.seen)
	if err != nil {
		return nil, err
	}
	var results []numbers.Result
	err = s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		results, err = s.classifyResults(ctx, tx, ps.p, checked)
		return err
	})
	if err != nil {
		return nil, err
	}
	ps.tally.Add(results)
	return results, nil
}

// Close releases what the check holds beyond memory (the spilled runs of
// the numbers seen, of a list larger than numbers.DefaultSeenInMemory).
func (ps *PortabilityStream) Close() error { return ps.seen.Close() }

// Groups returns how many of the numbers checked so far go into each
// order an intake would create, in the order of the report's groups.
func (ps *PortabilityStream) Groups() []numbers.GroupCount { return ps.tally.Groups() }
