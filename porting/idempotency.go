package porting

import (
	"context"
	"strings"
	"sync"
	"time"
)

// IdempotencyScope is one use of an Idempotency-Key by a creating request.
// The API layer puts it in the request's context; the store writes it, as
// an IdempotencyRecord, inside the transaction that does the request's work,
// just before that transaction commits. The work and the key's record thus
// commit together or not at all: after a crash a retry finds either both
// (and gets the first answer) or neither (and runs once).
type IdempotencyScope struct {
	Scope       string // who uses the key: the API key ID
	Key         string
	Fingerprint string // method, path and body hash
	CreatedAt   time.Time

	mu     sync.Mutex
	ref    Ref
	stored bool // the record committed with this request's work
	taken  bool // another use of the key committed first
}

type idempotencyScopeKey struct{}

// WithIdempotencyScope returns ctx carrying s.
func WithIdempotencyScope(ctx context.Context, s *IdempotencyScope) context.Context {
	return context.WithValue(ctx, idempotencyScopeKey{}, s)
}

// IdempotencyScopeFrom returns the scope in ctx, or nil.
func IdempotencyScopeFrom(ctx context.Context) *IdempotencyScope {
	s, _ := ctx.Value(idempotencyScopeKey{}).(*IdempotencyScope)
	return s
}

// SetRef names the object the request's answer shows, so that the answer
// can be shown again should it be lost between the commit and its storing.
// Use cases call it inside their transaction; a nil scope ignores it.
func (s *IdempotencyScope) SetRef(r Ref) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ref = r
}

// Pending returns the record to write with the current transaction's work,
// or nil when the scope is nil or its record already committed.
func (s *IdempotencyScope) Pending() *IdempotencyRecord {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stored {
		return nil
	}
	return &IdempotencyRecord{Scope: s.Scope, Key: s.Key, Fingerprint: s.Fingerprint, Ref: s.ref.String(), CreatedAt: s.CreatedAt}
}

// MarkStored records that the scope's record committed; the store calls it
// after the commit.
func (s *IdempotencyScope) MarkStored() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stored = true
}

// MarkTaken records that another use of the key committed first, so this
// request's work was rolled back; the store calls it.
func (s *IdempotencyScope) MarkTaken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.taken = true
}

// Stored reports whether the scope's record committed with the work.
func (s *IdempotencyScope) Stored() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stored
}

// Taken reports whether another use of the key committed first.
func (s *IdempotencyScope) Taken() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.taken
}

// RefKind is the kind of object a Ref names.
type RefKind string

// Kinds of objects an answer can be rendered from again.
const (
	RefAccount      RefKind = "account"
	RefInstance     RefKind = "instance"
	RefContactFlow  RefKind = "contact_flow" // Parent: the instance
	RefPortRequest  RefKind = "port_request"
	RefMessage      RefKind = "message"  // Parent: the port request
	RefDocument     RefKind = "document" // Parent: the port order
	RefPortOrder    RefKind = "port_order"
	RefCarrier      RefKind = "carrier"
	RefQuotaRequest RefKind = "quota_request"
)

// Ref names an object: its kind, its ID and, for objects read through the
// one they belong to, that object's ID.
type Ref struct {
	Kind   RefKind
	ID     string
	Parent string
}

// String returns "kind:id" or "kind:id:parent", or "" for the zero Ref.
func (r Ref) String() string {
	switch {
	case r.Kind == "":
		return ""
	case r.Parent == "":
		return string(r.Kind) + ":" + r.ID
	default:
		return string(r.Kind) + ":" + r.ID + ":" + r.Parent
	}
}

// ParseRef reads what Ref.String wrote; anything else is the zero Ref.
func ParseRef(s string) Ref {
	parts := strings.Split(s, ":")
	switch len(parts) {
	case 2:
		return Ref{Kind: RefKind(parts[0]), ID: parts[1]}
	case 3:
		return Ref{Kind: RefKind(parts[0]), ID: parts[1], Parent: parts[2]}
	}
	return Ref{}
}
