package workflow

import (
	"github.com/portdesk/portdesk/porting"
)

// listAccount returns the account whose rows p may list: for a customer,
// always their own (an account_id naming another account lists their own
// rows, not a 403 or 404: the parameter narrows, it never widens); for
// staff, the account asked for, "" for all. Other principals may not list.
func listAccount(p porting.Principal, asked string) (string, error) {
	switch {
	case p.Role == porting.RoleCustomer && p.AccountID != "":
		return p.AccountID, nil
	case p.Role.Staff():
		return asked, nil
	}
	return "", porting.Errorf(porting.EFORBIDDEN, "role %s may not list", p.Role)
}

// checkPage refuses a page size outside 1..porting.MaxPageLimit (0 takes
// the default) and a cursor longer than any the store returns.
func checkPage(limit int, cursor string) error {
	if limit < 0 || limit > porting.MaxPageLimit {
		return porting.FieldErrorf("limit", "limit must be between 1 and %d", porting.MaxPageLimit)
	}
	if len(cursor) > porting.MaxCursorLength {
		return porting.FieldErrorf("cursor", "invalid cursor")
	}
	return nil
}
