package porting

import (
	"maps"
	"slices"
	"time"
)

// NumberStatus is the state of one phone number inside a port order.
type NumberStatus string

// Per-number states.
const (
	NumberPending     NumberStatus = "pending"
	NumberPortable    NumberStatus = "portable"
	NumberNotPortable NumberStatus = "not_portable"
	NumberInProgress  NumberStatus = "in_progress"
	NumberLoaded      NumberStatus = "loaded"
	NumberPorted      NumberStatus = "ported"
	NumberVerified    NumberStatus = "verified"
	NumberExcluded    NumberStatus = "excluded"
	NumberCancelled   NumberStatus = "cancelled"
)

// NumberStatuses lists every per-number state.
var NumberStatuses = []NumberStatus{NumberPending, NumberPortable, NumberNotPortable,
	NumberInProgress, NumberLoaded, NumberPorted, NumberVerified, NumberExcluded, NumberCancelled}

// Holds reports whether a number in this state is held by its order, so no
// other active order may carry it.
func (s NumberStatus) Holds() bool {
	return s != NumberNotPortable && s != NumberExcluded && s != NumberCancelled
}

// NumberKind decides the LOA and the carrier process of a number.
type NumberKind string

// Number kinds portdesk ports.
const (
	KindDID        NumberKind = "did"
	KindTollFree   NumberKind = "toll_free"
	KindSharedCost NumberKind = "shared_cost"
)

// NumberKinds lists every number kind.
var NumberKinds = []NumberKind{KindDID, KindTollFree, KindSharedCost}

// Valid reports whether k is a known number kind.
func (k NumberKind) Valid() bool { return slices.Contains(NumberKinds, k) }

// OrderNumber is one phone number of a port order. RangeHolder is the
// carrier its range was first assigned to, kept for information: the
// order's LosingCarrier is the carrier the number is with today.
type OrderNumber struct {
	PhoneNumber string       `json:"phone_number"`
	NumberType  string       `json:"number_type"`
	RangeHolder string       `json:"range_holder,omitempty" doc:"The carrier the number's range was first assigned to (libphonenumber), for information; the order's losing_carrier is the one it is with today."`
	Status      NumberStatus `json:"status"`
}

// PortOrder is the unit of work of a port: the numbers of one request that
// share a country, a losing carrier and a number kind. One LOA per order.
type PortOrder struct {
	ID            string        `json:"id"`
	PortRequestID string        `json:"port_request_id"`
	AccountID     string        `json:"account_id"`
	InstanceID    string        `json:"instance_id,omitempty"`
	Status        State         `json:"status"`
	Country       string        `json:"country"`
	LosingCarrier string        `json:"losing_carrier"`
	NumberKind    NumberKind    `json:"number_kind"`
	PhoneNumbers  []OrderNumber `json:"phone_numbers" doc:"The order's numbers in their order, at most the first 100: when the order holds more, phone_numbers_truncated is true and GET /v1/port-orders/{id}/phone-numbers pages through all of them."`
	// PhoneNumberCounts counts the order's numbers per number status; the
	// store keeps it with the numbers.
	PhoneNumberCounts map[NumberStatus]int `json:"phone_number_counts" doc:"How many of the order's numbers are in each number status; a status no number is in is absent."`
	// PhoneNumbersTotal is how many numbers the order holds.
	PhoneNumbersTotal int `json:"phone_numbers_total" doc:"How many numbers the order holds, all statuses together."`
	// PhoneNumbersTruncated tells that PhoneNumbers holds only the first of
	// the order's numbers (the store's Find returns at most ShownNumbers);
	// the store's LoadPortOrderNumbers fills in all of them.
	PhoneNumbersTruncated bool `json:"phone_numbers_truncated" doc:"True when phone_numbers holds only the first of the order's numbers; phone_numbers_url pages through all of them."`
	// PhoneNumbersURL is where all the order's numbers are, page by page;
	// set with PhoneNumbersTruncated.
	PhoneNumbersURL string                                     `json:"phone_numbers_url,omitempty" doc:"Set when phone_numbers is truncated: the API path that pages through all of the order's numbers (cursor, filter by status)."`
	FOCAt           *time.Time                                 `json:"foc_at,omitempty"`
	RequestedFOCAt  *time.Time                                 `json:"requested_foc_at,omitempty"`
	RespondBy       *time.Time                                 `json:"respond_by,omitempty"`
	Exception       *Exception                                 `json:"exception,omitempty"`
	StatusReason    string                                     `json:"status_reason,omitempty"`
	LOA             *LOAData                                   `json:"loa,omitempty"`
	CSR             *CSR                                       `json:"csr,omitempty"`
	Attestation     *Attestation                               `json:"attestation,omitempty"`
	Findings        []Finding                                  `json:"findings"`
	Attention       []Attention                                `json:"attention" doc:"Problems a person must look at: work the desk could not do by itself (a deadline that failed). Empty when all is well."`
	FOCOverride     *FOCOverride                               `json:"foc_override,omitempty" doc:"Set when staff accepted a port date the porting rules refuse: a warning, with the rule and the reason given."`
	NextDeadlineAt  *time.Time                                 `json:"next_deadline_at,omitempty" doc:"When the order's earliest pending deadline is due (see its deadlines); absent when none is pending."`
	Checklist       map[ChecklistItemName]ChecklistAttestation `json:"checklist_attestations,omitempty" doc:"The customer's word for the port-day items portdesk cannot observe (old_traffic_stopped, agents_ready)."`
	Carrier         *CarrierLink                               `json:"carrier,omitempty" doc:"The submission to the carrier: which gateway carries it, the carrier's reference, how many times it was sent."`
	PreviousOrderID string                                     `json:"previous_order_id,omitempty"`
	NextOrderID     string                                     `json:"next_order_id,omitempty"`
	Version         int                                        `json:"version"`
	CreatedAt       time.Time                                  `json:"created_at"`
	UpdatedAt       time.Time                                  `json:"updated_at"`
}

// Attention is a problem with an order that a person must look at: a
// deadline that could not do its work. It stays on the order until the work
// succeeds or the order moves past it; when a person changes the order the
// work is tried again at RetryAt.
type Attention struct {
	Code         string       `json:"code" doc:"What is wrong, e.g. deadline_failed."`
	DeadlineKind DeadlineKind `json:"deadline_kind,omitempty"`
	Message      string       `json:"message"`
	Since        time.Time    `json:"since"`
	RetryAt      *time.Time   `json:"retry_at,omitempty" doc:"When the failed work is tried again: set when the order changes after the failure."`
}

// AttentionDeadlineFailed is the code of an Attention raised by a deadline
// that could not do its work.
const AttentionDeadlineFailed = "deadline_failed"

// FOCOverride records a port date staff accepted although the porting
// rules refuse it (a carrier may truly confirm an odd date).
type FOCOverride struct {
	Reason  string    `json:"reason" doc:"Why staff accepted the date, in their words."`
	Rule    string    `json:"rule" doc:"The rule the date breaks, e.g. not_business_day, holiday, outside_window, too_soon, load_too_late."`
	Message string    `json:"message" doc:"What the rule said about the date."`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// Exception is a carrier's rejection of a submission: a code from the
// carrier exception vocabulary and the carrier's words.
type Exception struct {
	Code    string    `json:"code"`
	Message string    `json:"message,omitempty"`
	At      time.Time `json:"at"`
	// Rejections are every reason the carrier gave, each with the field it
	// concerns; Code is the first one's.
	Rejections []CarrierRejection `json:"rejections,omitempty"`
}

// ExceptionCodes is the carrier rejection vocabulary portdesk understands.
var ExceptionCodes = []string{
	"ACCOUNT_NUMBER_MISMATCH", "AUTH_PERSON_MISMATCH", "BTN_ATN_MISMATCH",
	"ENTITY_NAME_MISMATCH", "FOC_EXPIRED", "FOC_REJECTED", "LOCATION_MISMATCH",
	"LSR_PENDING", "MAIN_BTN_PORTING", "OSP_IRRESPONSIVE", "OTHER",
	"PASSCODE_PIN_INVALID", "PHONE_NUMBER_HAS_SPECIAL_FEATURE", "PHONE_NUMBER_MISMATCH",
	"PHONE_NUMBER_NOT_PORTABLE", "PORT_TYPE_INCORRECT", "PORTING_ORDER_SPLIT_REQUIRED",
	"POSTAL_CODE_MISMATCH", "RATE_CENTER_NOT_PORTABLE", "SV_CONFLICT", "SV_UNKNOWN_FAILURE",
}

// WaitingOn tells whose move it is.
func (o *PortOrder) WaitingOn() Party { return o.Status.WaitingOn() }

// SetNumberStatus moves every number of the order that the order still holds
// to status s; numbers excluded or not portable stay as they are.
func (o *PortOrder) SetNumberStatus(s NumberStatus) {
	for i := range o.PhoneNumbers {
		if o.PhoneNumbers[i].Status.Holds() {
			o.PhoneNumbers[i].Status = s
		}
	}
}

// ShownNumbers is the most numbers an order carries when read (Find), shown
// in the API and recorded in an event: beyond it, the numbers are paged
// (OrderStore.FindOrderNumbers) or loaded on purpose
// (OrderStore.LoadPortOrderNumbers).
const ShownNumbers = 100

// PhoneNumbersPath is the API path of the paged list of an order's numbers.
func PhoneNumbersPath(orderID string) string { return "/v1/port-orders/" + orderID + "/phone-numbers" }

// Bounded returns o itself when it carries at most n numbers and is not
// already truncated, else a shallow copy carrying only the first n, marked
// truncated with the path to the rest. The counts stay those of the whole
// order. Events and API bodies carry orders in this form.
func (o *PortOrder) Bounded(n int) *PortOrder {
	if len(o.PhoneNumbers) <= n && !o.PhoneNumbersTruncated {
		return o
	}
	c := *o
	if len(c.PhoneNumbers) > n {
		c.PhoneNumbers = c.PhoneNumbers[:n:n]
	}
	c.PhoneNumbersTruncated = true
	c.PhoneNumbersURL = PhoneNumbersPath(o.ID)
	return &c
}

// CountNumbers sets PhoneNumberCounts and PhoneNumbersTotal from
// PhoneNumbers, which must hold all the order's numbers (not truncated).
func (o *PortOrder) CountNumbers() {
	o.PhoneNumberCounts = CountNumberStatuses(o.PhoneNumbers)
	o.PhoneNumbersTotal = len(o.PhoneNumbers)
}

// CountNumberStatuses counts numbers per status.
func CountNumberStatuses(ns []OrderNumber) map[NumberStatus]int {
	out := map[NumberStatus]int{}
	for _, n := range ns {
		out[n.Status]++
	}
	return out
}

// HeldCount is how many of the order's numbers it still holds, from its
// counts (all numbers, loaded or not).
func (o *PortOrder) HeldCount() int {
	n := 0
	for s, c := range o.PhoneNumberCounts {
		if s.Holds() {
			n += c
		}
	}
	return n
}

// OrderNumberFilter selects one page of an order's numbers, in their
// order. Status, when set, keeps only numbers in that status. Cursor is
// the opaque position returned by the previous page.
type OrderNumberFilter struct {
	OrderID string
	Status  NumberStatus
	Cursor  string
	Limit   int
}

// OrderNumberPage is one page of an order's numbers and the cursor of the
// next page, empty on the last page.
type OrderNumberPage struct {
	Numbers    []OrderNumber
	NextCursor string
}

// HeldNumber names the active order holding a number and its account.
type HeldNumber struct {
	OrderID   string
	AccountID string
}

// HeldNumbers returns the E.164 numbers the order still holds, of those it
// carries: a truncated order must be loaded first
// (OrderStore.LoadPortOrderNumbers).
func (o *PortOrder) HeldNumbers() []string {
	var out []string
	for _, n := range o.PhoneNumbers {
		if n.Status.Holds() {
			out = append(out, n.PhoneNumber)
		}
	}
	return out
}

// PortOrderFilter selects port orders. Zero fields do not filter. Cursor is
// the opaque position returned by the previous page.
type PortOrderFilter struct {
	AccountID     string
	PortRequestID string
	Status        State
	// Statuses, when not empty, selects orders in any of these states
	// (besides Status): the workflow turns "waiting on a party" into the
	// states that wait on it (State.WaitingOn).
	Statuses []State
	// Country selects orders of one country (ISO 3166-1 alpha-2).
	Country string
	// Attention, when true, selects only orders with an attention flag.
	Attention bool
	// DueBefore, when set, selects orders with a pending deadline due
	// before it.
	DueBefore *time.Time
	// Sort orders the page; the zero value is SortCreated. A cursor is
	// valid only with the sort that returned it.
	Sort   PortOrderSort
	Cursor string
	Limit  int
}

// PortOrderSort is an order in which port orders are listed.
type PortOrderSort string

// The sorts of port order lists.
const (
	// SortCreated lists the oldest order first (then by ID): a stable
	// order for export and synchronisation.
	SortCreated PortOrderSort = "created"
	// SortNextDeadline lists the order whose earliest pending deadline is
	// due first (then by ID), orders without a pending deadline last: the
	// team's work queue.
	SortNextDeadline PortOrderSort = "next_deadline"
)

// PortOrderSorts lists every sort of port order lists.
var PortOrderSorts = []PortOrderSort{SortCreated, SortNextDeadline}

// Valid reports whether s is a known sort; the empty sort is SortCreated.
func (s PortOrderSort) Valid() bool { return s == "" || slices.Contains(PortOrderSorts, s) }

// PortOrderPage is one page of port orders and the cursor of the next page,
// empty on the last page.
type PortOrderPage struct {
	Orders     []*PortOrder
	NextCursor string
}

// Clone returns a deep copy of o, so a before-image survives changes to o.
func (o *PortOrder) Clone() *PortOrder {
	c := *o
	c.PhoneNumbers = append([]OrderNumber(nil), o.PhoneNumbers...)
	if o.PhoneNumberCounts != nil {
		c.PhoneNumberCounts = maps.Clone(o.PhoneNumberCounts)
	}
	if o.Exception != nil {
		e := *o.Exception
		e.Rejections = slices.Clone(e.Rejections)
		c.Exception = &e
	}
	if o.Carrier != nil {
		l := *o.Carrier
		c.Carrier = &l
	}
	if o.Checklist != nil {
		c.Checklist = maps.Clone(o.Checklist)
	}
	if o.LOA != nil {
		l := *o.LOA
		if l.PartialPort != nil {
			pp := *l.PartialPort
			pp.RemainingNumbers = append([]string(nil), pp.RemainingNumbers...)
			l.PartialPort = &pp
		}
		c.LOA = &l
	}
	if o.CSR != nil {
		r := *o.CSR
		r.PhoneNumbers = append([]string(nil), r.PhoneNumbers...)
		c.CSR = &r
	}
	if o.Attestation != nil {
		a := *o.Attestation
		c.Attestation = &a
	}
	if o.Findings != nil {
		c.Findings = append([]Finding{}, o.Findings...)
	}
	if o.Attention != nil {
		c.Attention = append([]Attention{}, o.Attention...)
	}
	if o.FOCOverride != nil {
		f := *o.FOCOverride
		c.FOCOverride = &f
	}
	return &c
}
