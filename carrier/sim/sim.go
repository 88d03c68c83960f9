// Package sim is a carrier simulator: the carrier side of portdesk's
// carrier protocol (docs/carrier-protocol.md) over a set of CSR records. It
// checks submissions as a losing carrier does, answers with signed
// callbacks after a delay, and can misbehave on purpose (slow answers,
// 503s, dropped, duplicated or reordered callbacks) so a desk's recovery
// paths can be exercised.
package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/portdesk/portdesk/carrier/protocol"
	"github.com/portdesk/portdesk/signature"
)

// Defaults of Config.
const (
	DefaultCarrier          = "Simtel"
	DefaultAnswerDelay      = 2 * time.Second
	DefaultLeadBusinessDays = 5
	DefaultCallbackAttempts = 5
	DefaultCallbackBackoff  = time.Second
)

// Faults make the simulator misbehave on purpose. The zero value behaves.
type Faults struct {
	// SlowAnswers delays every HTTP answer by this long.
	SlowAnswers time.Duration
	// FailRate is the probability (0–1) that a call is answered 503.
	FailRate float64
	// Fail5xxFirst answers 503 to the first N calls of each kind (submit,
	// supplement, cancel, activate, status, lookup, csr).
	Fail5xxFirst int
	// DropCallbacks is the probability (0–1) that a callback is never sent;
	// it is still listed by a status poll.
	DropCallbacks float64
	// DuplicateCallbacks sends every callback twice.
	DuplicateCallbacks bool
	// ReorderCallbacks holds each callback and sends it after the next one
	// about the same reference (or, when none comes, two answer delays later).
	ReorderCallbacks bool
}

// Config configures a Sim.
type Config struct {
	// Secret is the Standard Webhooks secret (whsec_…) that requests must
	// be signed with and that signs the callbacks. Required.
	Secret string
	// CSRs are the accounts the carriers hold. Default: DemoRecords().
	CSRs []Record
	// Carrier names the accounts whose record names no carrier. Default
	// "Simtel".
	Carrier string
	// AnswerDelay is the wall-clock wait before each batch of callbacks.
	// Default 2s.
	AnswerDelay time.Duration
	// LeadBusinessDays is the notice the carrier needs between the
	// submission and the FOC. Default 5.
	LeadBusinessDays int
	// Faults make the simulator misbehave.
	Faults Faults
	// Client posts the callbacks. Default: a client with a 10s timeout.
	Client *http.Client
	// Now is the simulator's clock (signing and checking signatures, the
	// time of answers). Default time.Now. FOC dates are computed from the
	// submission's submitted_at, not from Now.
	Now func() time.Time
	// CallbackAttempts is how many times a callback is tried. Default 5.
	CallbackAttempts int
	// CallbackBackoff is the wait before the second attempt, doubled for
	// each next one. Default 1s.
	CallbackBackoff time.Duration
	// Log receives what the simulator does. Default: discarded.
	Log *slog.Logger
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.CSRs == nil {
		c.CSRs = DemoRecords()
	}
	if c.Carrier == "" {
		c.Carrier = DefaultCarrier
	}
	if c.AnswerDelay <= 0 {
		c.AnswerDelay = DefaultAnswerDelay
	}
	if c.LeadBusinessDays <= 0 {
		c.LeadBusinessDays = DefaultLeadBusinessDays
	}
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.CallbackAttempts <= 0 {
		c.CallbackAttempts = DefaultCallbackAttempts
	}
	if c.CallbackBackoff <= 0 {
		c.CallbackBackoff = DefaultCallbackBackoff
	}
	if c.Log == nil {
		c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

// Sim is a running carrier simulator. Its methods are safe for concurrent
// use; Close stops the callbacks still pending.
type Sim struct {
	cfg       Config
	byAccount map[string]*Record
	byNumber  map[string]*Record

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// idemMu serialises the calls that carry an idempotency key, so two
	// at once with the same key do the work once.
	idemMu sync.Mutex

	mu      sync.Mutex
	closed  bool
	portIns map[string]*portIn
	replies map[string]reply
	calls   map[string]int
	rng     *rand.Rand
}

// portIn is a submission the carrier holds and every answer about it.
type portIn struct {
	reference   string
	orderID     string
	country     string
	callbackURL string
	sequence    int64
	answers     []protocol.Callback
	foc         *time.Time // set by an foc answer, cleared by a rejection
	ended       string     // "cancelled" or "activated" once asked
	held        *protocol.Callback
}

// New checks cfg and returns a simulator.
func New(cfg Config) (*Sim, error) {
	if cfg.Secret == "" {
		return nil, errors.New("sim: a signing secret (whsec_…) is required")
	}
	if _, err := signature.Sign(cfg.Secret, "msg_check", time.Unix(0, 0), nil); err != nil {
		return nil, fmt.Errorf("sim: signing secret: %w", err)
	}
	cfg = cfg.withDefaults()
	s := &Sim{cfg: cfg, byAccount: map[string]*Record{}, byNumber: map[string]*Record{},
		portIns: map[string]*portIn{}, replies: map[string]reply{}, calls: map[string]int{},
		rng: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
	for i := range cfg.CSRs {
		rec := &cfg.CSRs[i]
		if rec.Carrier == "" {
			rec.Carrier = cfg.Carrier
		}
		s.byAccount[rec.AccountNumber] = rec
		for _, n := range rec.PhoneNumbers {
			s.byNumber[n] = rec
		}
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// Close stops pending callbacks and waits for their goroutines to end.
func (s *Sim) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}

// goLater runs f in a goroutine Close waits for; false when closed.
func (s *Sim) goLater(f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
	return true
}

// sleep waits d, or less when the simulator closes (false then).
func (s *Sim) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.ctx.Done():
		return false
	}
}

// chanceLocked draws true with probability p; s.mu must be held.
func (s *Sim) chanceLocked(p float64) bool {
	return p > 0 && s.rng.Float64() < p
}
