package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store/storetest"
)

func findEvents(t *testing.T, db porting.Store, f porting.EventFilter) []*porting.Event {
	t.Helper()
	var out []*porting.Event
	view(t, db, func(ctx context.Context, tx porting.Tx) (err error) {
		out, err = tx.FindEvents(ctx, f)
		return err
	})
	return out
}

func eventIDs(events []*porting.Event) []int64 {
	ids := []int64{}
	for _, e := range events {
		ids = append(ids, e.ID)
	}
	return ids
}

func testEvent(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	staff := porting.Principal{Role: porting.RoleSpecialist, KeyID: "key_s"}
	events := []*porting.Event{
		{Type: porting.EventAccountCreated, AccountID: "acct_1", Actor: porting.Principal{Role: porting.RoleAdmin}, After: json.RawMessage(`{"id": "acct_1",  "name":"Acme"}`)},
		{Type: porting.EventOrderCreated, AccountID: "acct_1", PortRequestID: "req_1", PortOrderID: "po_1", Actor: porting.Principal{Role: porting.RoleCustomer, AccountID: "acct_1", KeyID: "key_c"}, At: storetest.Epoch.Add(time.Second)},
		{Type: porting.EventOrderStatusChanged, AccountID: "acct_1", PortOrderID: "po_1", Actor: staff, Before: json.RawMessage(`{"status":"review"}`), After: json.RawMessage(`{"status":"awaiting_loa"}`)},
		{Type: porting.EventOrderCreated, AccountID: "acct_2", PortOrderID: "po_2", Actor: porting.SystemPrincipal},
		{Type: porting.EventOrderUpdated, AccountID: "acct_1", PortOrderID: "po_1", Actor: porting.Principal{Role: porting.RoleCarrier}},
	}
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, ev := range events[:3] {
			if err := tx.AppendEvent(ctx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
		for _, ev := range events[3:] {
			if err := tx.AppendEvent(ctx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	for i := 1; i < len(events); i++ {
		if events[i].ID <= events[i-1].ID {
			t.Fatalf("event IDs do not grow: %v", eventIDs(events))
		}
	}
	if !events[0].At.Equal(storetest.Epoch) {
		t.Errorf("At = %v, want the clock's time", events[0].At)
	}

	if got := findEvents(t, db, porting.EventFilter{}); !reflect.DeepEqual(got, events) {
		t.Errorf("FindEvents =\n%+v\nwant\n%+v", got, events)
	}
	id := func(i int) int64 { return events[i].ID }
	tests := []struct {
		name   string
		filter porting.EventFilter
		want   []int64
	}{
		{"after", porting.EventFilter{After: id(1)}, []int64{id(2), id(3), id(4)}},
		{"after the last", porting.EventFilter{After: id(4)}, []int64{}},
		{"limit", porting.EventFilter{Limit: 2}, []int64{id(0), id(1)}},
		{"account", porting.EventFilter{AccountID: "acct_2"}, []int64{id(3)}},
		{"order", porting.EventFilter{PortOrderID: "po_1"}, []int64{id(1), id(2), id(4)}},
		{"order after", porting.EventFilter{PortOrderID: "po_1", After: id(1), Limit: 1}, []int64{id(2)}},
		{"account and order", porting.EventFilter{AccountID: "acct_2", PortOrderID: "po_1"}, []int64{}},
	}
	for _, tc := range tests {
		if got := eventIDs(findEvents(t, db, tc.filter)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: IDs %v, want %v", tc.name, got, tc.want)
		}
	}

	err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.AppendEvent(ctx, &porting.Event{Type: "x", Actor: porting.Principal{Role: "martian"}})
	})
	wantCode(t, err, porting.EINVALID)
	err = inTx(db, func(ctx context.Context, tx porting.Tx) error {
		return tx.AppendEvent(ctx, &porting.Event{Type: "x", Actor: porting.SystemPrincipal, After: json.RawMessage(`{not json`)})
	})
	wantCode(t, err, porting.EINVALID)
}

// testEventOrder appends events from many writers while a reader follows
// them with the After cursor: the reader must end up with every event, so
// no ID became visible before a smaller one.
func testEventOrder(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	const writers, perWriter = 8, 15
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				err := inTx(db, func(ctx context.Context, tx porting.Tx) error {
					for j := range 2 {
						ev := &porting.Event{Type: fmt.Sprintf("test.%d.%d.%d", w, i, j), Actor: porting.SystemPrincipal}
						if err := tx.AppendEvent(ctx, ev); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		})
	}
	go func() { wg.Wait(); close(done) }()

	seen := map[int64]bool{}
	var after int64
	follow := func() {
		for _, ev := range findEvents(t, db, porting.EventFilter{After: after, Limit: 7}) {
			seen[ev.ID] = true
			after = ev.ID
		}
	}
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		default:
		}
		follow()
	}
	for range writers * perWriter { // drain what is left
		follow()
	}
	all := findEvents(t, db, porting.EventFilter{Limit: 1000})
	if len(all) != writers*perWriter*2 {
		t.Fatalf("%d events stored, want %d", len(all), writers*perWriter*2)
	}
	for _, ev := range all {
		if !seen[ev.ID] {
			t.Errorf("the follower skipped event %d", ev.ID)
		}
	}
}

func testFindEvent(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	ev := storetest.MustAppendEvent(t, db, &porting.Event{Type: porting.EventOrderStatusChanged, AccountID: "acct_1",
		PortRequestID: "req_1", PortOrderID: "po_1", Actor: porting.Principal{Role: porting.RoleSpecialist, KeyID: "key_s"},
		Before: json.RawMessage(`{"status":"review"}`), After: json.RawMessage(`{"status": "awaiting_loa"}`)})
	storetest.MustAppendEvent(t, db, nil)
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindEvent(ctx, ev.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, ev) {
			t.Errorf("FindEvent =\n%+v\nwant\n%+v", got, ev)
		}
		_, err = tx.FindEvent(ctx, ev.ID+100)
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})
}
