-- An order's numbers are written thousands at a time, and the foreign key
-- to port_orders looked up the order once per row: 40% of the database's
-- time in a 100,000-number intake. The same rule is kept with one set-based
-- check per statement: a row naming an order that does not exist is
-- refused (SQLSTATE 23503, as the foreign key's), and an order, which is
-- never deleted, can neither be deleted nor change its ID while numbers
-- name it. Keep in step with migrations/sqlite/0016_number_order_check.sql.

ALTER TABLE port_order_numbers DROP CONSTRAINT port_order_numbers_order_id_fkey;

CREATE FUNCTION port_order_numbers_name_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed_numbers n
               WHERE NOT EXISTS (SELECT 1 FROM port_orders o WHERE o.id = n.order_id)) THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'port_order_numbers: a number names a port order that does not exist';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER port_order_numbers_inserted_name_orders AFTER INSERT ON port_order_numbers
    REFERENCING NEW TABLE AS changed_numbers
    FOR EACH STATEMENT EXECUTE FUNCTION port_order_numbers_name_orders();
CREATE TRIGGER port_order_numbers_updated_name_orders AFTER UPDATE ON port_order_numbers
    REFERENCING NEW TABLE AS changed_numbers
    FOR EACH STATEMENT EXECUTE FUNCTION port_order_numbers_name_orders();

CREATE FUNCTION port_orders_keep_numbered() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM port_order_numbers n WHERE n.order_id = OLD.id) THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'port_orders: an order with numbers is neither deleted nor renamed';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE TRIGGER port_orders_keep_numbered BEFORE DELETE OR UPDATE OF id ON port_orders
    FOR EACH ROW EXECUTE FUNCTION port_orders_keep_numbered();
