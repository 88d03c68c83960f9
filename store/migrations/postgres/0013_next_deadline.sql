-- The due time of an order's earliest pending deadline, kept on the order
-- by the store in the transaction that changes or fires its deadlines, so
-- the work queue (sorted by next deadline) reads one index in order instead
-- of computing the minimum for every order. Keep in step with
-- migrations/sqlite/0013_next_deadline.sql.

ALTER TABLE port_orders ADD COLUMN next_deadline_at TIMESTAMPTZ;

UPDATE port_orders SET next_deadline_at = (SELECT MIN(d.due_at) FROM deadlines d
    WHERE d.port_order_id = port_orders.id AND d.state = 'pending');

CREATE INDEX port_orders_next_deadline ON port_orders (next_deadline_at, id);
CREATE INDEX port_orders_account_next_deadline ON port_orders (account_id, next_deadline_at, id);
