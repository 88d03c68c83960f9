package porting

import (
	"context"
	"encoding/json"
	"time"
)

// Store runs units of work against the database. Each call to InTx is one
// transaction: everything done through the Tx, including events and jobs,
// commits together or not at all.
type Store interface {
	// InTx runs fn in a read-write transaction and commits when fn returns
	// nil. A conflicting concurrent write surfaces as ECONFLICT. When ctx
	// carries an IdempotencyScope whose record has not committed yet, the
	// record is written in the same transaction; if another use of the key
	// committed first, the work is rolled back with ECONFLICT and the
	// scope is marked taken.
	InTx(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Ping reports whether the database answers (EUNAVAILABLE if not).
	Ping(ctx context.Context) error
}

// Tx is the set of reads and writes available inside a transaction: every
// store interface below. Use cases take the narrowest of them they need, so
// a test can fake one concern's store without the rest. Find methods return
// ENOTFOUND when nothing matches; Create methods return ECONFLICT on a
// duplicate key.
type Tx interface {
	AccountStore
	APIKeyStore
	InstanceStore
	RequestStore
	OrderStore
	DocumentStore
	DeadlineStore
	WebhookStore
	EventStore
	NotifyStore
	IdempotencyStore
	JobQueue
	ListStore
	CarrierStore
	PortDayStore
	QuotaStore
	UserStore

	// Savepoint runs fn under a savepoint: when fn fails or panics, what
	// it did through this Tx is undone and the transaction carries on. fn's
	// error is returned as it is.
	Savepoint(ctx context.Context, fn func() error) error
}

// ListStore pages through accounts, instances and port requests (port
// orders page through OrderStore.FindPortOrders). Each returns one page of
// the rows matching its filter, oldest first (then by ID); a cursor it did
// not return is EINVALID. Who may see which rows is the workflow's rule:
// the store filters by the account it is given.
type ListStore interface {
	FindAccounts(ctx context.Context, f AccountFilter) (*AccountPage, error)
	FindInstances(ctx context.Context, f InstanceFilter) (*InstancePage, error)
	FindPortRequests(ctx context.Context, f PortRequestFilter) (*PortRequestPage, error)
}

// AccountStore holds customer accounts.
type AccountStore interface {
	CreateAccount(ctx context.Context, a *Account) error
	FindAccount(ctx context.Context, id string) (*Account, error)
	// LockAccount makes writers that count an account's capped rows (API
	// keys, webhook endpoints) take turns until this transaction ends;
	// ENOTFOUND if the account does not exist. The empty ID locks the
	// staff's own rows, which belong to no account.
	LockAccount(ctx context.Context, id string) error
}

// APIKeyStore holds API keys, by the hash of their secret.
type APIKeyStore interface {
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// FindAPIKeyByHash returns the key whose secret hashes to hash.
	FindAPIKeyByHash(ctx context.Context, hash string) (*APIKey, error)
	// CountAPIKeys counts keys of role r, revoked and expired ones too.
	CountAPIKeys(ctx context.Context, r Role) (int, error)
	// FindAPIKey returns the key with the given ID.
	FindAPIKey(ctx context.Context, id string) (*APIKey, error)
	// FindAPIKeys lists the keys that are not revoked, oldest first: an
	// account's, the staff keys, or all of them (APIKeyFilter).
	FindAPIKeys(ctx context.Context, f APIKeyFilter) ([]*APIKey, error)
	// RevokeAPIKey sets a key's RevokedAt to at unless it is revoked
	// already; ENOTFOUND if there is no such key.
	RevokeAPIKey(ctx context.Context, id string, at time.Time) error
	// TouchAPIKey sets a key's LastUsedAt to at when it is unset or not
	// after staleBefore, and reports whether it wrote; replicas racing to
	// record the same minute write once.
	TouchAPIKey(ctx context.Context, id string, at, staleBefore time.Time) (bool, error)
}

// InstanceStore holds contact-center instances, their contact flows and their phone-number inventory.
type InstanceStore interface {
	CreateInstance(ctx context.Context, in *Instance) error
	FindInstance(ctx context.Context, id string) (*Instance, error)
	CreateContactFlow(ctx context.Context, f *ContactFlow) error
	FindContactFlows(ctx context.Context, instanceID string) ([]*ContactFlow, error)
	// UpsertInstancePhoneNumber inserts or replaces a number of an instance.
	UpsertInstancePhoneNumber(ctx context.Context, n *InstancePhoneNumber) error
	// DeleteInstancePhoneNumber removes a number from an instance; absent is fine.
	DeleteInstancePhoneNumber(ctx context.Context, instanceID, phoneNumber string) error
	FindInstancePhoneNumbers(ctx context.Context, instanceID string) ([]*InstancePhoneNumber, error)
}

// RequestStore holds port requests and their message threads.
type RequestStore interface {
	CreatePortRequest(ctx context.Context, r *PortRequest) error
	FindPortRequest(ctx context.Context, id string) (*PortRequest, error)
	CreateMessage(ctx context.Context, m *Message) error
	FindMessages(ctx context.Context, portRequestID string) ([]*Message, error)
}

// OrderStore holds port orders and their numbers.
type OrderStore interface {
	// CreatePortOrder stores an order and its numbers. A number already held
	// by another active order is ECONFLICT.
	CreatePortOrder(ctx context.Context, o *PortOrder) error
	// FindPortOrder returns an order with its number counts and its first
	// ShownNumbers numbers (PhoneNumbersTruncated when it holds more);
	// ENOTFOUND if none.
	FindPortOrder(ctx context.Context, id string) (*PortOrder, error)
	// FindPortOrders returns one page of the orders matching f in f.Sort's
	// order, with their number counts, their first ShownNumbers numbers and
	// NextDeadlineAt. A cursor it did not return, or returned for another
	// sort, is EINVALID.
	FindPortOrders(ctx context.Context, f PortOrderFilter) (*PortOrderPage, error)
	// LoadPortOrderNumbers fills o.PhoneNumbers with all the order's
	// numbers, in their order, and clears PhoneNumbersTruncated: what a
	// use case that changes numbers, or hands all of them on, reads first.
	LoadPortOrderNumbers(ctx context.Context, o *PortOrder) error
	// FindOrderNumbers returns one page of an order's numbers in their
	// order. Limit defaults to 50 and is capped at MaxPageLimit; a cursor it
	// did not return is EINVALID. It does not check that the order exists.
	FindOrderNumbers(ctx context.Context, f OrderNumberFilter) (*OrderNumberPage, error)
	// UpdatePortOrder saves o if its stored version is o.Version, then
	// increments o.Version; a different stored version is ECONFLICT. It
	// writes only the numbers that changed: of a truncated order, only
	// those it carries (the others keep their status, and lose their hold
	// when the order ends). It sets the counts.
	UpdatePortOrder(ctx context.Context, o *PortOrder) error
	// FindHeldNumbers returns, of the given E.164 numbers, those held by an
	// active order, with that order and its account.
	FindHeldNumbers(ctx context.Context, phoneNumbers []string) (map[string]HeldNumber, error)
}

// DocumentStore holds port orders' documents.
type DocumentStore interface {
	// CreateDocument stores a document's metadata and its content, which the
	// store encrypts at rest.
	CreateDocument(ctx context.Context, d *Document, content []byte) error
	FindDocument(ctx context.Context, id string) (*Document, error)
	// FindDocuments lists an order's documents, oldest first.
	FindDocuments(ctx context.Context, portOrderID string) ([]*Document, error)
	// FindDocumentsOfOrders lists the documents of several orders in one
	// read: each order's oldest first, an order without any absent.
	FindDocumentsOfOrders(ctx context.Context, portOrderIDs []string) (map[string][]*Document, error)
	// ReadDocumentContent returns the decrypted content of a document.
	ReadDocumentContent(ctx context.Context, id string) ([]byte, error)
}

// DeadlineStore holds port orders' deadlines.
type DeadlineStore interface {
	// ChangeDeadlines inserts add as pending deadlines of the order (filling
	// in their IDs) and cancels the order's pending deadlines among cancel;
	// it decides nothing (PlanChanges does). It returns the order's
	// deadlines after the change. On PostgreSQL it locks the order's row
	// until the transaction ends, as an update of the order does: a caller
	// that diffs against FindDeadlines holds that lock first. ENOTFOUND for
	// an unknown order, EINVALID for an entry of another order or account,
	// without due time or of an unknown kind.
	ChangeDeadlines(ctx context.Context, portOrderID string, add []Deadline, cancel []int64) ([]*Deadline, error)
	// FindDeadlines lists an order's deadlines (all states) by due time.
	FindDeadlines(ctx context.Context, portOrderID string) ([]*Deadline, error)
	// FindDueDeadlines lists up to limit pending deadlines with due_at <=
	// now, oldest first (then by ID).
	FindDueDeadlines(ctx context.Context, now time.Time, limit int) ([]*Deadline, error)
	// FireDeadline marks a pending deadline fired at now. It returns false,
	// without error, when the deadline is no longer pending: another
	// sweeper fired it, or a recomputation cancelled it. On PostgreSQL a
	// concurrent FireDeadline of the same row waits for this transaction.
	FireDeadline(ctx context.Context, id int64, now time.Time) (bool, error)
	// ClaimDueDeadlines marks up to limit pending deadlines with due_at <=
	// now fired, in one statement, recomputes their orders' next deadline
	// in another, and returns them oldest first (then by ID). Their effects
	// are the caller's, in the same transaction. On PostgreSQL rows another
	// transaction holds are skipped, so concurrent sweepers claim disjoint
	// batches.
	ClaimDueDeadlines(ctx context.Context, now time.Time, limit int) ([]*Deadline, error)
	// UnclaimDeadline puts a deadline fired in this transaction back to
	// pending, for a later sweep (ENOTFOUND when it is not fired).
	UnclaimDeadline(ctx context.Context, id int64) error
}

// WebhookStore holds webhook endpoints and their deliveries.
type WebhookStore interface {
	CreateWebhookEndpoint(ctx context.Context, w *WebhookEndpoint) error
	FindWebhookEndpoint(ctx context.Context, id string) (*WebhookEndpoint, error)
	// FindWebhookEndpoints lists enabled and disabled endpoints; accountID
	// "" lists all. FindEventEndpoints lists the enabled endpoints that may
	// receive an event of the account: its own and the staff ones.
	FindWebhookEndpoints(ctx context.Context, accountID string) ([]*WebhookEndpoint, error)
	// CountWebhookEndpoints counts an account's endpoints, enabled or not;
	// accountID "" counts the staff ones (no account).
	CountWebhookEndpoints(ctx context.Context, accountID string) (int, error)
	FindEventEndpoints(ctx context.Context, accountID string) ([]*WebhookEndpoint, error)
	UpdateWebhookEndpoint(ctx context.Context, w *WebhookEndpoint) error
	// CreateDelivery stores a delivery; a second delivery of the same event
	// to the same endpoint is ECONFLICT.
	CreateDelivery(ctx context.Context, d *Delivery) error
	FindDelivery(ctx context.Context, id string) (*Delivery, error)
	// FindDeliveries lists an endpoint's deliveries, newest first.
	FindDeliveries(ctx context.Context, endpointID string, limit int) ([]*Delivery, error)
	UpdateDelivery(ctx context.Context, d *Delivery) error
}

// EventStore holds the append-only event log.
type EventStore interface {
	// FindEvent returns one event by ID.
	FindEvent(ctx context.Context, id int64) (*Event, error)

	// AppendEvent stores e and sets its ID. IDs grow in commit order.
	AppendEvent(ctx context.Context, e *Event) error
	FindEvents(ctx context.Context, f EventFilter) ([]*Event, error)
}

// IdempotencyStore holds the records of Idempotency-Key uses.
type IdempotencyStore interface {
	// FindIdempotencyRecord returns the record of a key's use in a scope
	// (ENOTFOUND when there is none). Records are written by the store
	// itself, inside InTx, for the IdempotencyScope in the context.
	FindIdempotencyRecord(ctx context.Context, scope, key string) (*IdempotencyRecord, error)
	// CompleteIdempotencyKey stores the answer given to a recorded key
	// (ENOTFOUND when the key has no record).
	CompleteIdempotencyKey(ctx context.Context, k *IdempotencyRecord) error
	// PurgeIdempotencyKeys deletes every record created before cutoff and
	// returns how many: a key is honoured for a day, not forever.
	PurgeIdempotencyKeys(ctx context.Context, cutoff time.Time) (int, error)
}

// JobQueue enqueues background jobs in the transaction.
type JobQueue interface {
	// Enqueue schedules a background job in this transaction.
	Enqueue(ctx context.Context, j Job) error
}

// MergeableJob is a job that can take over another job's work, so that a
// store committing several transactions together (SQLite's group commit)
// enqueues one job for the work of all: the notifications of a group of
// writes are fanned out as one batch.
type MergeableJob interface {
	Job
	// Merge returns one job doing the work of both, or false when other
	// cannot be merged into it (another kind, or the batch is full).
	Merge(other Job) (Job, bool)
}

// IdempotencyRecord remembers the answer to a creating POST sent with an
// Idempotency-Key, so a retry gets the same answer instead of a duplicate.
// It is written with the request's work (see IdempotencyScope); Done is set
// once the answer itself is stored. Until then Ref names the object the
// answer is rendered from again.
type IdempotencyRecord struct {
	Scope       string // who used the key: the API key ID
	Key         string
	Fingerprint string // method, path and body hash of the first use
	Ref         string // the object the answer shows (Ref.String), or ""
	Done        bool
	Status      int
	Body        json.RawMessage
	CreatedAt   time.Time
}

// Job is a unit of background work, run by the job runner after the
// transaction that enqueued it commits.
type Job interface {
	// Kind names the job's worker.
	Kind() string
}

// SubmitToCarrierJob hands an approved order to its carrier gateway.
type SubmitToCarrierJob struct {
	PortOrderID string `json:"port_order_id"`
	// SendID names this send (a submission or one supplement): the
	// retries of the job share it, so the carrier takes the send once,
	// and the next send has another.
	SendID string `json:"send_id,omitempty"`
}

// TestCallsJob places the test calls of an order (after record_ported).
type TestCallsJob struct {
	PortOrderID string `json:"port_order_id"`
}

// Kind implements Job.
func (TestCallsJob) Kind() string { return "test_calls" }

// NewSubmitJob is the job of a new send of an order to its carrier.
func NewSubmitJob(orderID string) SubmitToCarrierJob {
	return SubmitToCarrierJob{PortOrderID: orderID, SendID: NewID("snd")}
}

// Kind implements Job.
func (SubmitToCarrierJob) Kind() string { return "submit_to_carrier" }

// CancelAtCarrierJob withdraws an order the carrier already has.
type CancelAtCarrierJob struct {
	PortOrderID string `json:"port_order_id"`
}

// Kind implements Job.
func (CancelAtCarrierJob) Kind() string { return "cancel_at_carrier" }

// UserStore holds console users, their sessions and invitations, and the
// refused sign-ins that the login limit counts. Secrets (session secrets,
// invitation tokens) are looked up by their hash only.
type UserStore interface {
	// CreateUser stores u; ECONFLICT when its ID or email exists already
	// (emails are compared lower-cased).
	CreateUser(ctx context.Context, u *User) error
	// FindUser returns the user with the given ID; ENOTFOUND if none.
	FindUser(ctx context.Context, id string) (*User, error)
	// FindUserByEmail returns the user with the given (normalized) email;
	// ENOTFOUND if none.
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	// UpdateUser saves u's name, password hash and disabled time;
	// ENOTFOUND if there is no such user.
	UpdateUser(ctx context.Context, u *User) error

	// CreateInvitation stores an invitation; ECONFLICT on a duplicate ID
	// or hash.
	CreateInvitation(ctx context.Context, in *Invitation) error
	// FindInvitationByHash returns the invitation whose token hashes to
	// hash, accepted and expired ones included; ENOTFOUND if none.
	FindInvitationByHash(ctx context.Context, hash string) (*Invitation, error)
	// AcceptInvitation sets an invitation's AcceptedAt to at unless it is
	// set already, and reports whether it wrote: of two racing accepts,
	// one wins.
	AcceptInvitation(ctx context.Context, id string, at time.Time) (bool, error)
	// FindInvitation returns the invitation with the given ID, its Token
	// unsealed while it is still stored; ENOTFOUND if none.
	FindInvitation(ctx context.Context, id string) (*Invitation, error)
	// ListInvitations returns the invitations not yet accepted of an
	// account ("" for every account and staff), newest first, without
	// their tokens.
	ListInvitations(ctx context.Context, accountID string) ([]*Invitation, error)
	// RecordInvitationMail saves an invitation's Mail status; a sent email
	// also clears the sealed token. ENOTFOUND if there is no such
	// invitation.
	RecordInvitationMail(ctx context.Context, id string, m MailStatus) error
	// ListUsers returns the users of an account ("" for all users), by
	// email.
	ListUsers(ctx context.Context, accountID string) ([]*User, error)

	// CreatePasswordReset stores a password reset, sealing its Token;
	// ECONFLICT on a duplicate ID or hash.
	CreatePasswordReset(ctx context.Context, r *PasswordReset) error
	// FindPasswordReset returns the reset with the given ID, its Token
	// unsealed while it is still stored; ENOTFOUND if none.
	FindPasswordReset(ctx context.Context, id string) (*PasswordReset, error)
	// FindPasswordResetByHash returns the reset whose token hashes to
	// hash, used and expired ones included; ENOTFOUND if none.
	FindPasswordResetByHash(ctx context.Context, hash string) (*PasswordReset, error)
	// UsePasswordReset sets a reset's UsedAt to at and clears its token
	// unless it is used already, and reports whether it wrote.
	UsePasswordReset(ctx context.Context, id string, at time.Time) (bool, error)
	// RecordPasswordResetMail saves a reset's Mail status; a sent email
	// also clears the sealed token.
	RecordPasswordResetMail(ctx context.Context, id string, m MailStatus) error
	// ClearExpiredTokens drops the sealed tokens of the invitations and
	// password resets that expired at or before now, and returns how many.
	ClearExpiredTokens(ctx context.Context, now time.Time) (int, error)
	// RecordResetRequest stores a password reset request (Email is what
	// was typed), counted by the request limit, and forgets every request
	// before cutoff.
	RecordResetRequest(ctx context.Context, f LoginFailure, cutoff time.Time) error
	// CountResetRequests counts the reset requests at or after since for
	// email and, separately, from remoteIP.
	CountResetRequests(ctx context.Context, email, remoteIP string, since time.Time) (byEmail, byIP int, err error)

	// CreateSession stores a session; ECONFLICT on a duplicate ID or hash.
	CreateSession(ctx context.Context, s *Session) error
	// FindSessionByHash returns the session whose secret hashes to hash,
	// expired ones included; ENOTFOUND if none (or signed out).
	FindSessionByHash(ctx context.Context, hash string) (*Session, error)
	// TouchSession sets a session's LastSeenAt to at when it is not after
	// staleBefore, and reports whether it wrote.
	TouchSession(ctx context.Context, id string, at, staleBefore time.Time) (bool, error)
	// DeleteSession ends one session; absent is fine.
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions ends every session of a user and returns how many.
	DeleteUserSessions(ctx context.Context, userID string) (int, error)
	// DeleteEndedSessions removes the sessions that expired at or before
	// now or were last seen at or before idleBefore, and returns how many.
	DeleteEndedSessions(ctx context.Context, now, idleBefore time.Time) (int, error)

	// RecordLoginFailure stores a refused sign-in.
	RecordLoginFailure(ctx context.Context, f LoginFailure) error
	// CountLoginFailures counts the refused sign-ins at or after since for
	// email and, separately, from remoteIP.
	CountLoginFailures(ctx context.Context, email, remoteIP string, since time.Time) (byEmail, byIP int, err error)
	// ClearLoginFailures forgets email's refused sign-ins (after a
	// successful one; "" names no email) and every failure before cutoff.
	ClearLoginFailures(ctx context.Context, email string, cutoff time.Time) error
}
