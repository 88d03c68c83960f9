package jobs

import (
	"testing"
	"time"

	"github.com/portdesk/portdesk/store/storetest"
)

// TestRescueAfterBelowJobTimeout: River refuses a rescue horizon below its
// job timeout (one minute unless set); a shorter --job-rescue-after lowers
// that timeout with it instead of failing the start. The replica's name is
// its River client's ID.
func TestRescueAfterBelowJobTimeout(t *testing.T) {
	t.Parallel()
	db := storetest.Engines(t)[0].Open(t)
	for _, after := range []time.Duration{0, 5 * time.Second, time.Minute, 10 * time.Minute} {
		r, err := New(Config{DB: db.SQL(), Engine: db.Engine(), ID: "replica-a", RescueAfter: after})
		if err != nil {
			t.Fatalf("RescueAfter %v: %v", after, err)
		}
		if got := r.client.ID(); got != "replica-a" {
			t.Errorf("RescueAfter %v: client ID %q, want replica-a", after, got)
		}
	}
}
