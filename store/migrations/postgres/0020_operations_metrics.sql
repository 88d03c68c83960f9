-- What the operator's metrics read at scrape time (porting.Operations).
-- Keep in step with migrations/sqlite/0020_operations_metrics.sql.

-- When a deadline sweep last completed, on the clock of the replica that
-- ran it: one row, shared by every replica.
CREATE TABLE deadline_sweeps (
    id           SMALLINT PRIMARY KEY CHECK (id = 1),
    completed_at TIMESTAMPTZ NOT NULL
);

-- Deliveries being retried and deliveries given up, by time: both partial,
-- so the delivered rows (nearly all of them) are not indexed again.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (updated_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_failed ON webhook_deliveries (updated_at) WHERE state = 'failed';
