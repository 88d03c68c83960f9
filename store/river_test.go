package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
)

// TestRiverWorksEnqueuedJobs builds a working River client on DB.SQL() the
// way DB's documentation says and checks that it runs a job enqueued
// through a store transaction, while store transactions go on beside it.
func TestRiverWorksEnqueuedJobs(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := e.Open(t)
			ctx := context.Background()
			worked := make(chan string, 1)
			workers := river.NewWorkers()
			river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[porting.SubmitToCarrierJob]) error {
				// A worker may use the store while River runs.
				if err := db.InTx(ctx, func(tx porting.Tx) error {
					_, err := tx.FindPortOrder(ctx, j.Args.PortOrderID)
					return err
				}); err != nil {
					return err
				}
				worked <- j.Args.PortOrderID
				return nil
			}))
			client := newRiverClient(t, db, &river.Config{
				Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
				Workers:           workers,
				FetchPollInterval: 50 * time.Millisecond,
				FetchCooldown:     10 * time.Millisecond,
			})
			if err := client.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				if err := client.Stop(stopCtx); err != nil {
					t.Errorf("stop river: %v", err)
				}
			})

			o := storetest.MustCreatePortOrder(t, db, nil)
			mustTx(t, db, func(ctx context.Context, tx porting.Tx) error {
				return tx.Enqueue(ctx, porting.SubmitToCarrierJob{PortOrderID: o.ID})
			})
			select {
			case got := <-worked:
				if got != o.ID {
					t.Errorf("worked order %s, want %s", got, o.ID)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("River did not work the enqueued job")
			}
		})
	}
}

func newRiverClient(t *testing.T, db *store.DB, cfg *river.Config) *river.Client[*sql.Tx] {
	t.Helper()
	var client *river.Client[*sql.Tx]
	var err error
	if db.Engine() == store.EngineSQLite {
		client, err = river.NewClient(riversqlite.New(db.SQL()), cfg)
	} else {
		client, err = river.NewClient(riverdatabasesql.New(db.SQL()), cfg)
	}
	if err != nil {
		t.Fatal(err)
	}
	return client
}
