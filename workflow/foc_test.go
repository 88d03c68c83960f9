package workflow

import (
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// TestConfirmedDateWithoutWindows is the no-window case of issue 7 item 1:
// a country that publishes no porting window (Brazil) agrees the time with
// the carrier, but the day a carrier confirms still passes the day rules.
func TestConfirmedDateWithoutWindows(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 3, 2, 15, 0, 0, 0, time.UTC) // a Tuesday
	s := New(Config{Clock: porting.ClockFunc(func() time.Time { return now })})
	o := &porting.PortOrder{ID: "po_br", Country: "BR", Status: porting.StateSubmitted, NumberKind: porting.KindDID}
	for _, tc := range []struct {
		name, want string
		at         time.Time
	}{
		{"a Saturday", "not_business_day", time.Date(2027, 3, 20, 15, 0, 0, 0, time.UTC)},
		{"Tiradentes", "holiday", time.Date(2027, 4, 21, 15, 0, 0, 0, time.UTC)},
		{"two days out", "too_soon", time.Date(2027, 3, 4, 15, 0, 0, 0, time.UTC)},
		{"three weeks out on a Tuesday", "", time.Date(2027, 3, 23, 15, 0, 0, 0, time.UTC)},
	} {
		_, err := s.Orders.checkPortDate(spec, o, tc.at, "foc_at", portDateConfirmed, "")
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: refused: %v", tc.name, err)
		case tc.want != "" && (porting.ErrorCode(err) != porting.EINVALID || !strings.Contains(porting.ErrorMessage(err), tc.want)):
			t.Errorf("%s: err = %v, want a refusal naming %s", tc.name, err, tc.want)
		}
		if tc.want == "" {
			continue
		}
		ov, err := s.Orders.checkPortDate(spec, o, tc.at, "foc_at", portDateConfirmed, "agreed on the phone")
		if err != nil || ov == nil || ov.Rule != tc.want {
			t.Errorf("%s with an override: %+v, %v", tc.name, ov, err)
		}
	}
}
