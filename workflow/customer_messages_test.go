package workflow

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// lastMessage returns the newest message of a request's thread.
func lastMessage(t *testing.T, b *testBundle, requestID string) string {
	t.Helper()
	v, err := b.svc.Requests.GetPortRequest(context.Background(), spec, requestID)
	if err != nil || len(v.Messages) == 0 {
		t.Fatalf("thread of %s: %v, %d messages", requestID, err, len(v.Messages))
	}
	return v.Messages[len(v.Messages)-1].Body
}

func TestContactTimeZoneIsValidated(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		for _, tz := range []string{"Mars/Olympus", "Local", " Europe/Berlin"} {
			in := b.premiumParams("+12125550123")
			in.ContactPreferences.TimeZone = tz
			_, _, err := b.svc.Intake.CreatePortRequest(context.Background(), b.premium, in)
			wantCode(t, err, porting.EINVALID, "contact_preferences.time_zone")
		}
		in := b.premiumParams("+12125550123")
		in.ContactPreferences.TimeZone = "Europe/Berlin"
		req, _, err := b.svc.Intake.CreatePortRequest(context.Background(), b.premium, in)
		if err != nil || req.ContactPreferences.TimeZone != "Europe/Berlin" {
			t.Fatalf("request with a zone: %+v, %v", req, err)
		}
	})
}

// TestThreadNotesSpeakTheCustomersLanguageAndZone: the notes workflow posts
// are in the request's language, in its time zone (or else the civil zone
// of the order's country) with UTC beside, and name no state.
func TestThreadNotesSpeakTheCustomersLanguageAndZone(t *testing.T) {
	forEachEngine(t, func(t *testing.T, b *testBundle) {
		ctx := context.Background()
		in := b.premiumParams("+12125550123")
		in.ContactPreferences.Language = "de-DE"
		req, orders, err := b.svc.Intake.CreatePortRequest(ctx, b.premium, in)
		if err != nil {
			t.Fatal(err)
		}
		o := walk(t, b, orders[0], spec, porting.ActionApprove, ActionInput{})
		// The reminder: US civil time (New York) with UTC beside it.
		b.clock.Advance(26 * 24 * time.Hour)
		if _, err := b.svc.Deadlines.SweepDeadlines(ctx); err != nil {
			t.Fatal(err)
		}
		got := lastMessage(t, b, req.ID)
		want := "Erinnerung zum Portierungsauftrag " + o.ID + ": Wir warten auf Ihre unterschriebene Portierungsvollmacht"
		ny := o.RespondBy.In(mustZone(t, "America/New_York")).Format("2006-01-02 15:04 MST") + o.RespondBy.UTC().Format(" (15:04 UTC)")
		if !strings.Contains(got, want) || !strings.Contains(got, ny) || strings.Contains(got, string(porting.StateAwaitingLOA)) {
			t.Fatalf("reminder = %q\nwant %q and %q", got, want, ny)
		}
	})
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	z, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return z
}
