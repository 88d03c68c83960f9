-- An idempotency record is now written in the transaction of the work it
-- guards, never as a claim ahead of it. Rows that are not done were claims
-- of the old scheme: their work may or may not have committed, and the old
-- scheme released them after five minutes anyway.
DELETE FROM idempotency_keys WHERE NOT done;

-- ref names the object the answer shows ("port_request:pr_…"), from which
-- the answer is rendered again if the server stopped between the commit
-- and storing the answer.
ALTER TABLE idempotency_keys ADD COLUMN ref TEXT NOT NULL DEFAULT '';
