package workflow

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
)

// lookupTimeout bounds the current-carrier lookups of one check: a slow
// carrier delays a check by at most this, then the check goes on without it.
const lookupTimeout = 5 * time.Second

// carrierKnowledge is what the registry adds to a portability check: the
// names carriers are known by, and the current carrier of numbers a
// gateway knows (which wins over the customer's answer and the range
// holder).
type carrierKnowledge struct {
	registry []*porting.Carrier
	current  map[string]string
}

// knowledge reads the registry and, when an entry's gateway can look
// numbers up, asks it for the current carrier of the valid numbers of in.
// It runs outside any transaction: lookups are network calls. A lookup
// that fails is logged and skipped.
func (s *Carriers) knowledge(ctx context.Context, checked []numbers.Result) (*carrierKnowledge, error) {
	k := &carrierKnowledge{current: map[string]string{}}
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		k.registry, err = tx.FindCarriers(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	lookers := slices.DeleteFunc(slices.Clone(k.registry), func(c *porting.Carrier) bool {
		return !c.Enabled || c.Gateway != porting.GatewayHTTP
	})
	if len(lookers) == 0 {
		return k, nil
	}
	byCountry := map[string][]string{}
	for _, r := range checked {
		if r.Valid {
			byCountry[r.Country] = append(byCountry[r.Country], r.PhoneNumber)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	for _, c := range lookers {
		var nums []string
		for _, cc := range c.Countries {
			nums = append(nums, byCountry[strings.ToUpper(cc)]...)
		}
		if len(nums) == 0 {
			continue
		}
		gw, err := s.gateway(c)
		if err != nil {
			continue
		}
		found, err := gw.LookupCarriers(ctx, nums)
		if errors.Is(err, porting.ErrGatewayUnsupported) {
			continue
		}
		if err != nil {
			slog.Warn("current-carrier lookup failed; the check goes on without it", "carrier_id", c.ID, "numbers", len(nums), "err", porting.ErrorMessage(err))
			continue
		}
		for n, name := range found {
			if name = strings.TrimSpace(name); name != "" && len(name) <= maxCarrierName {
				k.current[n] = name
			}
		}
	}
	return k, nil
}

// apply puts what the registry knows into check results: a gateway's
// current carrier first, then every carrier name in its registry spelling
// (so "verizon wireless" and "Verizon" make one order).
func (k *carrierKnowledge) apply(results []numbers.Result) {
	if k == nil {
		return
	}
	canonical := map[string]string{} // a list names few carriers: spell each once
	for i := range results {
		r := &results[i]
		if !r.Valid {
			continue
		}
		if c := k.current[r.PhoneNumber]; c != "" {
			r.LosingCarrier = c
		}
		name, ok := canonical[r.LosingCarrier]
		if !ok {
			name = porting.CanonicalCarrier(k.registry, r.LosingCarrier)
			canonical[r.LosingCarrier] = name
		}
		r.LosingCarrier = name
	}
}
