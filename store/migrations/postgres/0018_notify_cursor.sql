-- Notifications drain the event log behind a cursor instead of a job per
-- event. notify_cursor holds one row: the last event fanned out (its
-- webhook deliveries and emails queued), and legacy_until, the last event
-- recorded before this migration, whose notify_event job may still be
-- queued: those jobs fan out the events up to it, the cursor everything
-- after, so an upgrade neither loses nor doubles a notification. Stop the
-- replicas of earlier releases before the first replica of this one
-- starts (and migrates): one still running would enqueue notify_event
-- jobs for new events and fan them out while the cursor does too.
-- notify_failures holds the events whose fan-out failed: the cursor moved
-- past them and they are tried again at retry_at. Keep in step with
-- migrations/sqlite/0018_notify_cursor.sql.

-- The events lock (lockEvents in store/postgres.go): an event being
-- written now commits after the cursor is set, above it.
SELECT pg_advisory_xact_lock(8101820098888954731);

CREATE TABLE notify_cursor (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    last_event_id BIGINT NOT NULL,
    legacy_until  BIGINT NOT NULL
);

INSERT INTO notify_cursor (id, last_event_id, legacy_until)
SELECT 1, coalesce(max(id), 0), coalesce(max(id), 0) FROM events;

CREATE TABLE notify_failures (
    event_id   BIGINT PRIMARY KEY REFERENCES events (id),
    attempts   INTEGER NOT NULL,
    last_error TEXT NOT NULL,
    failed_at  TIMESTAMPTZ NOT NULL,
    retry_at   TIMESTAMPTZ NOT NULL
);

CREATE INDEX notify_failures_retry ON notify_failures (retry_at, event_id);
