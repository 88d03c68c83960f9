-- The carrier a number's range was first assigned to, kept beside the
-- order's losing carrier (the carrier the number is with today) for
-- information; '' when libphonenumber does not know it.
ALTER TABLE port_order_numbers ADD COLUMN range_holder TEXT NOT NULL DEFAULT '';
