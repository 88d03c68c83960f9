package loa

import "testing"

func TestPOBoxSpellings(t *testing.T) {
	for _, tt := range []struct {
		street string
		sure   bool
		found  bool
	}{
		{"POB 123", true, true}, {"P.O.B. 45", true, true}, {"Postbox 12", true, true}, {"Locked Bag 123", true, true},
		{"PMB 45", true, true}, {"PO-Box 12", true, true}, {"Post Box 12", true, true}, {"BP 123", true, true},
		{"Suite B P1", false, false}, {"Box Hill Road 4", false, false}, {"Pobox Street 3", false, false},
		{"100 Main St", false, false}, {"Postfachstrasse 8", false, false}, {"Box 12", false, true},
	} {
		m, sure := poBox(tt.street)
		if (m != "") != tt.found || sure != tt.sure {
			t.Errorf("poBox(%q) = %q, %v; want found %v, sure %v", tt.street, m, sure, tt.found, tt.sure)
		}
	}
}
