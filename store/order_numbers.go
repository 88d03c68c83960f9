package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/portdesk/portdesk/porting"
)

// insertChunk is the most numbers one INSERT writes: 7 parameters a row,
// far below PostgreSQL's 65,535 and SQLite's 32,766 parameters.
const insertChunk = 500

// positioned is an order's number at its position.
type positioned struct {
	pos int
	n   porting.OrderNumber
}

// numberRows is what the store knows of an order's numbers as stored at
// one version of the order: whether the order was active (then its numbers
// in holding statuses are held), the counts per status, and its numbers
// from position 0 on, all of them when complete.
type numberRows struct {
	version  int
	active   bool
	counts   map[porting.NumberStatus]int
	rows     []porting.OrderNumber
	complete bool
}

// remember keeps what o carries of its numbers, as now stored, for the
// rest of the transaction: a later UpdatePortOrder of o compares with it
// instead of reading the numbers again. Read-only transactions keep
// nothing.
func (t *tx) remember(o *porting.PortOrder) {
	if !t.writable {
		return
	}
	if t.numbers == nil {
		t.numbers = map[string]*numberRows{}
	}
	t.numbers[o.ID] = &numberRows{version: o.Version, active: o.Status.Active(), counts: maps.Clone(o.PhoneNumberCounts),
		rows: slices.Clone(o.PhoneNumbers), complete: !o.PhoneNumbersTruncated}
}

// setTotal sets o's total from its counts, and an empty map for none.
func setTotal(o *porting.PortOrder) {
	if o.PhoneNumberCounts == nil {
		o.PhoneNumberCounts = map[porting.NumberStatus]int{}
	}
	o.PhoneNumbersTotal = 0
	for _, n := range o.PhoneNumberCounts {
		o.PhoneNumbersTotal += n
	}
}

// storedNumbers returns the stored numbers o's update is compared with:
// what this transaction remembers of o's version when it covers the
// numbers o carries, else read from the database (the positions o carries
// when o is truncated, all otherwise).
func (t *tx) storedNumbers(ctx context.Context, o *porting.PortOrder) (*numberRows, error) {
	if r := t.numbers[o.ID]; r != nil && r.version == o.Version &&
		(r.complete || (o.PhoneNumbersTruncated && len(r.rows) >= len(o.PhoneNumbers))) {
		return r, nil
	}
	r := &numberRows{version: o.Version, complete: !o.PhoneNumbersTruncated}
	var status porting.State
	if err := t.queryRow(ctx, `SELECT status, number_counts FROM port_orders WHERE id = $1`, o.ID).
		Scan(&status, jsonCol{&r.counts}); err != nil {
		return nil, findErr(err, "port order", o.ID)
	}
	r.active = status.Active()
	query := `SELECT phone_number, number_type, range_holder, status FROM port_order_numbers WHERE order_id = $1`
	args := []any{o.ID}
	if o.PhoneNumbersTruncated {
		query += ` AND position < $2`
		args = append(args, len(o.PhoneNumbers))
	}
	err := queryAll(ctx, t, func(s scanner) error {
		var n porting.OrderNumber
		if err := s.Scan(&n.PhoneNumber, &n.NumberType, &n.RangeHolder, &n.Status); err != nil {
			return err
		}
		r.rows = append(r.rows, n)
		return nil
	}, query+` ORDER BY position`, args...)
	if err != nil {
		return nil, errorf(err, "find numbers of port order %s", o.ID)
	}
	return r, nil
}

// numberChanges are the writes that turn the stored numbers into o's.
type numberChanges struct {
	// release clears every hold of the order at once: it ends.
	release bool
	// update sets status and hold of rows whose number stays: positions,
	// in increasing order, by new (status, held).
	update map[statusHeld][]int
	// insert are rows to (re)insert through the held index: new positions,
	// positions whose number changed, and numbers that become held, whose
	// old rows are deleted first.
	insert []positioned
	// truncateAt, when not negative, deletes the positions from there on.
	truncateAt int
	// regain, when set, re-holds the numbers beyond those o carries: a
	// truncated order that became active again.
	regain bool
	counts map[porting.NumberStatus]int
}

type statusHeld struct {
	status porting.NumberStatus
	held   bool
}

// changes compares o's numbers with the stored ones, position by position.
func (r *numberRows) changes(o *porting.PortOrder) numberChanges {
	active := o.Status.Active()
	ch := numberChanges{update: map[statusHeld][]int{}, truncateAt: -1, release: r.active && !active,
		regain: !r.active && active && o.PhoneNumbersTruncated}
	counts := maps.Clone(r.counts)
	if counts == nil {
		counts = map[porting.NumberStatus]int{}
	}
	for i, n := range o.PhoneNumbers {
		held := active && n.Status.Holds()
		if i >= len(r.rows) {
			ch.insert = append(ch.insert, positioned{i, n})
			counts[n.Status]++
			continue
		}
		old := r.rows[i]
		wasHeld := r.active && active && old.Status.Holds() // a release clears every hold first
		if old.Status != n.Status {
			counts[old.Status]--
			counts[n.Status]++
		}
		switch {
		case old.PhoneNumber != n.PhoneNumber || old.NumberType != n.NumberType || old.RangeHolder != n.RangeHolder || (held && !wasHeld):
			ch.insert = append(ch.insert, positioned{i, n})
		case old.Status != n.Status || held != wasHeld:
			k := statusHeld{n.Status, held}
			ch.update[k] = append(ch.update[k], i)
		}
	}
	if !o.PhoneNumbersTruncated && r.complete && len(r.rows) > len(o.PhoneNumbers) {
		ch.truncateAt = len(o.PhoneNumbers)
		for _, old := range r.rows[len(o.PhoneNumbers):] {
			counts[old.Status]--
		}
	}
	if !o.PhoneNumbersTruncated {
		counts = porting.CountNumberStatuses(o.PhoneNumbers)
	}
	maps.DeleteFunc(counts, func(_ porting.NumberStatus, n int) bool { return n <= 0 })
	ch.counts = counts
	return ch
}

// writeNumberChanges applies ch to o's stored numbers: clearing holds in
// one statement when the order ends, updating rows by (status, held) over
// ranges of positions, and inserting in batches through the held index,
// which decides races as CreatePortOrder's inserts do.
func (t *tx) writeNumberChanges(ctx context.Context, o *porting.PortOrder, ch numberChanges) error {
	fail := func(err error) error { return errorf(err, "update numbers of port order %s", o.ID) }
	if ch.release {
		if _, err := t.exec(ctx, `UPDATE port_order_numbers SET held = $1 WHERE order_id = $2 AND held`, false, o.ID); err != nil {
			return fail(err)
		}
	}
	if ch.truncateAt >= 0 {
		if _, err := t.exec(ctx, `DELETE FROM port_order_numbers WHERE order_id = $1 AND position >= $2`, o.ID, ch.truncateAt); err != nil {
			return fail(err)
		}
	}
	insert := ch.insert
	if ch.regain {
		more, err := t.unheldBeyond(ctx, o.ID, len(o.PhoneNumbers))
		if err != nil {
			return fail(err)
		}
		insert = append(insert, more...)
	}
	for chunk := range slices.Chunk(insert, inChunk) {
		args := []any{o.ID}
		for _, p := range chunk {
			args = append(args, p.pos)
		}
		if _, err := t.exec(ctx, `DELETE FROM port_order_numbers WHERE order_id = $1 AND position IN (`+
			inList(2, len(chunk))+`)`, args...); err != nil {
			return fail(err)
		}
	}
	for k, positions := range ch.update {
		// A status change of many numbers is mostly runs of positions:
		// each run is one range, so changing 100,000 numbers that are
		// all held takes one statement.
		for chunk := range slices.Chunk(positionRuns(positions), inChunk/2) {
			args := []any{k.status, k.held, o.ID}
			conds := make([]string, len(chunk))
			for i, r := range chunk {
				conds[i] = fmt.Sprintf("position BETWEEN $%d AND $%d", len(args)+1, len(args)+2)
				args = append(args, r[0], r[1])
			}
			if _, err := t.exec(ctx, `UPDATE port_order_numbers SET status = $1, held = $2 WHERE order_id = $3 AND (`+
				strings.Join(conds, " OR ")+`)`, args...); err != nil {
				return fail(err)
			}
		}
	}
	return t.insertNumbers(ctx, o.ID, o.Status.Active(), insert)
}

// positionRuns turns increasing positions into runs of consecutive ones,
// each as its first and last position.
func positionRuns(positions []int) [][2]int {
	var out [][2]int
	for _, p := range positions {
		if n := len(out); n > 0 && out[n-1][1] == p-1 {
			out[n-1][1] = p
			continue
		}
		out = append(out, [2]int{p, p})
	}
	return out
}

// unheldBeyond returns the numbers of an order from position from on whose
// status holds them but which are not held.
func (t *tx) unheldBeyond(ctx context.Context, orderID string, from int) ([]positioned, error) {
	var out []positioned
	err := queryAll(ctx, t, func(s scanner) error {
		var p positioned
		if err := s.Scan(&p.pos, &p.n.PhoneNumber, &p.n.NumberType, &p.n.RangeHolder, &p.n.Status); err != nil {
			return err
		}
		if p.n.Status.Holds() {
			out = append(out, p)
		}
		return nil
	}, `SELECT position, phone_number, number_type, range_holder, status FROM port_order_numbers
		WHERE order_id = $1 AND position >= $2 AND NOT held ORDER BY position`, orderID, from)
	return out, err
}

// insertNumbers inserts numbers of an order in multi-row INSERTs of
// insertChunk rows, marking as held those in a holding status when the
// order is active. The partial unique index on held numbers decides races:
// a number another active order holds is skipped by ON CONFLICT (on
// PostgreSQL after that order's transaction commits), and the first one
// skipped is reported with the order holding it.
func (t *tx) insertNumbers(ctx context.Context, orderID string, active bool, rows []positioned) error {
	if t.db.engine == EnginePostgres {
		return t.insertNumbersArrays(ctx, orderID, active, rows)
	}
	// Every full chunk is the same statement: it is prepared once (a fifth
	// of the insert's cost on SQLite was parsing it again for each chunk).
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for chunk := range slices.Chunk(rows, insertChunk) {
		var q strings.Builder
		q.WriteString(`INSERT INTO port_order_numbers
			(order_id, position, phone_number, number_type, range_holder, status, held) VALUES `)
		args := make([]any, 0, 7*len(chunk))
		for i, p := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			if t.db.engine == EngineSQLite {
				// Anonymous parameters: SQLite looks each numbered one up
				// by name, a cost that grows with the statement's size.
				q.WriteString("(?, ?, ?, ?, ?, ?, ?)")
			} else {
				k := len(args)
				fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d, $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6, k+7)
			}
			args = append(args, orderID, p.pos, p.n.PhoneNumber, p.n.NumberType, p.n.RangeHolder, p.n.Status, active && p.n.Status.Holds())
		}
		q.WriteString(` ON CONFLICT (phone_number) WHERE held DO NOTHING`)
		var res sql.Result
		var err error
		switch {
		case len(chunk) < insertChunk || len(rows) <= insertChunk:
			res, err = t.exec(ctx, q.String(), args...)
		case full == nil:
			if full, err = t.tx.PrepareContext(t.ctx(ctx), q.String()); err == nil {
				res, err = full.ExecContext(t.ctx(ctx), t.args(args)...)
			}
		default:
			res, err = full.ExecContext(t.ctx(ctx), t.args(args)...)
		}
		if err != nil {
			return errorf(err, "store numbers of port order %s", orderID)
		}
		inserted, err := res.RowsAffected()
		if err != nil {
			return errorf(err, "store numbers of port order %s", orderID)
		}
		if int(inserted) < len(chunk) {
			return t.skippedConflict(ctx, orderID, chunk)
		}
	}
	return nil
}

// skippedConflict is heldConflict for the first number of rows that
// insertNumbers did not insert.
func (t *tx) skippedConflict(ctx context.Context, orderID string, rows []positioned) error {
	args := []any{orderID}
	for _, p := range rows {
		args = append(args, p.pos)
	}
	stored := map[int]bool{}
	err := queryAll(ctx, t, func(s scanner) error {
		var pos int
		if err := s.Scan(&pos); err != nil {
			return err
		}
		stored[pos] = true
		return nil
	}, `SELECT position FROM port_order_numbers WHERE order_id = $1 AND position IN (`+inList(2, len(rows))+`)`, args...)
	if err != nil {
		return errorf(err, "store numbers of port order %s", orderID)
	}
	for _, p := range rows {
		if !stored[p.pos] {
			return t.heldConflict(ctx, orderID, p.n.PhoneNumber)
		}
	}
	return errorf(fmt.Errorf("a number was not stored"), "store numbers of port order %s", orderID)
}

// loadShownNumbers fills each order's first porting.ShownNumbers numbers,
// in their stored order (positions count from 0 without gaps), and marks
// it truncated when it holds more.
func (t *tx) loadShownNumbers(ctx context.Context, orders []*porting.PortOrder) error {
	byID := make(map[string]*porting.PortOrder, len(orders))
	ids := make([]string, 0, len(orders))
	for _, o := range orders {
		byID[o.ID] = o
		ids = append(ids, o.ID)
	}
	for chunk := range slices.Chunk(ids, inChunk) {
		args := []any{porting.ShownNumbers}
		for _, id := range chunk {
			args = append(args, id)
		}
		err := queryAll(ctx, t, func(r scanner) error {
			var id string
			var n porting.OrderNumber
			if err := r.Scan(&id, &n.PhoneNumber, &n.NumberType, &n.RangeHolder, &n.Status); err != nil {
				return err
			}
			o := byID[id]
			o.PhoneNumbers = append(o.PhoneNumbers, n)
			return nil
		}, `SELECT order_id, phone_number, number_type, range_holder, status FROM port_order_numbers
			WHERE order_id IN (`+inList(2, len(chunk))+`) AND position < $1 ORDER BY order_id, position`, args...)
		if err != nil {
			return errorf(err, "find numbers of port orders")
		}
	}
	for _, o := range orders {
		if o.PhoneNumbersTruncated = o.PhoneNumbersTotal > len(o.PhoneNumbers); o.PhoneNumbersTruncated {
			o.PhoneNumbersURL = porting.PhoneNumbersPath(o.ID)
		}
		t.remember(o)
	}
	return nil
}

// LoadPortOrderNumbers fills o.PhoneNumbers with all the order's numbers in
// their stored order and clears PhoneNumbersTruncated.
func (t *tx) LoadPortOrderNumbers(ctx context.Context, o *porting.PortOrder) error {
	if !o.PhoneNumbersTruncated {
		return nil
	}
	all := make([]porting.OrderNumber, 0, o.PhoneNumbersTotal)
	err := queryAll(ctx, t, func(r scanner) error {
		var n porting.OrderNumber
		if err := r.Scan(&n.PhoneNumber, &n.NumberType, &n.RangeHolder, &n.Status); err != nil {
			return err
		}
		all = append(all, n)
		return nil
	}, `SELECT phone_number, number_type, range_holder, status FROM port_order_numbers
		WHERE order_id = $1 ORDER BY position`, o.ID)
	if err != nil {
		return errorf(err, "find numbers of port order %s", o.ID)
	}
	o.PhoneNumbers, o.PhoneNumbersTruncated, o.PhoneNumbersURL = all, false, ""
	if r := t.numbers[o.ID]; r != nil && r.version == o.Version {
		r.rows, r.complete = slices.Clone(all), true
	}
	return nil
}

// FindOrderNumbers returns one page of an order's numbers in their order,
// only those in f.Status when set. Limit defaults to 50 and is capped at
// porting.MaxPageLimit; the cursor is the last position of the previous
// page.
func (t *tx) FindOrderNumbers(ctx context.Context, f porting.OrderNumberFilter) (*porting.OrderNumberPage, error) {
	limit := pageLimit(f.Limit)
	var w where
	w.add("order_id = %s", f.OrderID)
	if f.Status != "" {
		w.add("status = %s", f.Status)
	}
	if f.Cursor != "" {
		after, err := decodeNumberCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		w.add("position > %s", after)
	}
	page := &porting.OrderNumberPage{Numbers: []porting.OrderNumber{}}
	var positions []int
	err := queryAll(ctx, t, func(r scanner) error {
		var n porting.OrderNumber
		var pos int
		if err := r.Scan(&pos, &n.PhoneNumber, &n.NumberType, &n.RangeHolder, &n.Status); err != nil {
			return err
		}
		page.Numbers = append(page.Numbers, n)
		positions = append(positions, pos)
		return nil
	}, `SELECT position, phone_number, number_type, range_holder, status FROM port_order_numbers`+w.String()+
		` ORDER BY position LIMIT `+w.next(limit+1), w.args...)
	if err != nil {
		return nil, errorf(err, "find numbers of port order %s", f.OrderID)
	}
	if len(page.Numbers) > limit {
		page.Numbers = page.Numbers[:limit]
		page.NextCursor = encodeNumberCursor(positions[limit-1])
	}
	return page, nil
}

// numberCursorPrefix marks a cursor of an order's numbers, so a cursor of
// another list is refused.
const numberCursorPrefix = "n"

func encodeNumberCursor(position int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(numberCursorPrefix + strconv.Itoa(position)))
}

// decodeNumberCursor reads a cursor of FindOrderNumbers; anything else is
// EINVALID on the field cursor.
func decodeNumberCursor(s string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(s) > porting.MaxCursorLength || !strings.HasPrefix(string(b), numberCursorPrefix) {
		return 0, porting.FieldErrorf("cursor", "invalid cursor")
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), numberCursorPrefix))
	if err != nil || n < 0 {
		return 0, porting.FieldErrorf("cursor", "invalid cursor")
	}
	return n, nil
}

// arrayInsertChunk is how many numbers one PostgreSQL statement inserts.
const arrayInsertChunk = 10_000

// insertNumbersArrays is insertNumbers on PostgreSQL: the rows go in as one
// array per column and arrayInsertChunk rows, expanded by unnest, so a
// 100,000-number order is ten statements rather than two hundred round
// trips of 500 rows.
func (t *tx) insertNumbersArrays(ctx context.Context, orderID string, active bool, rows []positioned) error {
	if t.conn != nil && len(rows) >= copyMinRows {
		// COPY first, as one statement: a number another order took since
		// the intake read the holds fails it (unique_violation), and the
		// statements below then go in again skipping the taken numbers,
		// to name them.
		err := t.Savepoint(ctx, func() error { return t.copyNumbers(ctx, orderID, active, rows) })
		if err == nil {
			return nil
		}
		if !isUniqueViolation(err) {
			return errorf(err, "store numbers of port order %s", orderID)
		}
	}
	for chunk := range slices.Chunk(rows, arrayInsertChunk) {
		pos := make([]int32, len(chunk))
		num, typ, holder, status := make([]string, len(chunk)), make([]string, len(chunk)), make([]string, len(chunk)), make([]string, len(chunk))
		held := make([]bool, len(chunk))
		for i, p := range chunk {
			pos[i], num[i], typ[i], holder[i], status[i] = int32(p.pos), p.n.PhoneNumber, p.n.NumberType, p.n.RangeHolder, string(p.n.Status)
			held[i] = active && p.n.Status.Holds()
		}
		const insert = `INSERT INTO port_order_numbers
			(order_id, position, phone_number, number_type, range_holder, status, held)
			SELECT $1, x.p, x.n, x.t, x.r, x.s, x.h
			FROM unnest($2::integer[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[]) AS x(p, n, t, r, s, h)`
		// A plain insert first: ON CONFLICT's speculative insertion costs
		// each row a second look at the held index, a third of the
		// statement's time. A number another order took since the intake
		// read the holds fails it (unique_violation); only then does the
		// chunk go in again skipping the taken numbers, to name them.
		err := t.Savepoint(ctx, func() error {
			_, err := t.exec(ctx, insert, orderID, pos, num, typ, holder, status, held)
			return err
		})
		if err == nil {
			continue
		}
		if !isUniqueViolation(err) {
			return errorf(err, "store numbers of port order %s", orderID)
		}
		res, err := t.exec(ctx, insert+` ON CONFLICT (phone_number) WHERE held DO NOTHING`, orderID, pos, num, typ, holder, status, held)
		if err != nil {
			return errorf(err, "store numbers of port order %s", orderID)
		}
		inserted, err := res.RowsAffected()
		if err != nil {
			return errorf(err, "store numbers of port order %s", orderID)
		}
		if int(inserted) < len(chunk) {
			return t.skippedConflict(ctx, orderID, chunk)
		}
	}
	return nil
}

// isUniqueViolation reports whether err is PostgreSQL's unique_violation.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// copyMinRows is the fewest numbers that go in by COPY: below it, one
// INSERT costs less than COPY's extra round trip for the columns' types.
const copyMinRows = 1_000

// numberColumns are port_order_numbers' columns as copyNumbers writes them.
var numberColumns = []string{"order_id", "position", "phone_number", "number_type", "range_holder", "status", "held"}

// copyNumbers writes rows with COPY (binary, one statement), on the
// connection the transaction runs on: a third less time than INSERT
// from arrays, most of what is left being the three indexes.
func (t *tx) copyNumbers(ctx context.Context, orderID string, active bool, rows []positioned) error {
	return t.conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: COPY needs pgx's connection, not %T", driverConn)
		}
		// Raw bypasses database/sql's check that the transaction is still
		// open: COPY outside it would commit on its own.
		if st := c.Conn().PgConn().TxStatus(); st != 'T' {
			return fmt.Errorf("store: COPY outside the transaction (status %q)", st)
		}
		row := make([]any, len(numberColumns))
		_, err := c.Conn().CopyFrom(t.ctx(ctx), pgx.Identifier{"port_order_numbers"}, numberColumns,
			pgx.CopyFromFunc(func() ([]any, error) {
				if len(rows) == 0 {
					return nil, nil
				}
				p := rows[0]
				rows = rows[1:]
				row[0], row[1], row[2], row[3], row[4], row[5], row[6] = orderID, int32(p.pos), p.n.PhoneNumber,
					p.n.NumberType, p.n.RangeHolder, string(p.n.Status), active && p.n.Status.Holds()
				return row, nil
			}))
		if err != nil && ctx.Err() != nil {
			return ctx.Err() // the caller went away: not the database's fault
		}
		return err
	})
}
