package porting

// Lists other than port orders (which have PortOrderFilter) are kept in
// creation order, oldest first, then by ID, and paged with an opaque
// cursor. A zero field does not filter; Limit defaults to 50 and is capped
// at MaxPageLimit.

// MaxPageLimit is the most rows one page of a list holds.
const MaxPageLimit = 100

// MaxCursorLength bounds a cursor passed back by a caller; the store's
// cursors are far shorter.
const MaxCursorLength = 512

// PortRequestFilter selects port requests.
type PortRequestFilter struct {
	AccountID string
	Cursor    string
	Limit     int
}

// PortRequestPage is one page of port requests and the cursor of the next
// page, empty on the last page.
type PortRequestPage struct {
	Requests   []*PortRequest
	NextCursor string
}

// InstanceFilter selects contact-center instances.
type InstanceFilter struct {
	AccountID string
	Cursor    string
	Limit     int
}

// InstancePage is one page of instances and the cursor of the next page,
// empty on the last page.
type InstancePage struct {
	Instances  []*Instance
	NextCursor string
}

// AccountFilter selects customer accounts.
type AccountFilter struct {
	Cursor string
	Limit  int
}

// AccountPage is one page of accounts and the cursor of the next page,
// empty on the last page.
type AccountPage struct {
	Accounts   []*Account
	NextCursor string
}
