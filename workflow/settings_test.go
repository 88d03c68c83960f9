package workflow

import (
	"strings"
	"testing"

	"github.com/portdesk/portdesk/calendar"
)

func TestSettingsValidate(t *testing.T) {
	t.Parallel()
	if err := (Settings{}).Validate(); err != nil {
		t.Fatalf("zero settings (all defaults): %v", err)
	}
	ok := Settings{SilencePolicy: SilenceHold, TeamEmail: "porting@example.com", ReminderDays: []int{7, 2},
		Plan: calendar.PlanRules{LoadLeadBusinessDays: 4, LeadBusinessDays: 10}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid settings: %v", err)
	}
	for _, tc := range []struct {
		name string
		s    Settings
		want string
	}{
		{"unknown silence policy", Settings{SilencePolicy: "ignore"}, "silence policy"},
		{"load lead 7", Settings{Plan: calendar.PlanRules{LoadLeadBusinessDays: 7}}, "load lead"},
		{"negative lead", Settings{Plan: calendar.PlanRules{LeadBusinessDays: -1}}, "lead time"},
		{"team email with a name", Settings{TeamEmail: "Team <t@example.com>"}, "team email"},
		{"team email nonsense", Settings{TeamEmail: "not an address"}, "team email"},
		{"reminder 0 days", Settings{ReminderDays: []int{0}}, "reminder"},
	} {
		err := tc.s.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Validate() = %v, want an error about %s", tc.name, err, tc.want)
		}
	}
}
