-- An order's earliest pending deadline (port_orders.next_deadline_at, kept
-- by every change and every sweep) read from pending rows only: the
-- deadlines_order index also holds fired and cancelled ones, which come
-- first by due time, so the minimum walked past every one of them. Keep in
-- step with migrations/postgres/0017_pending_deadlines_by_order.sql.
CREATE INDEX deadlines_order_pending ON deadlines (port_order_id, due_at) WHERE state = 'pending';
