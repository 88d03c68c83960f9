package console

import (
	"net/http"
	"strings"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// dashboardData is the dashboard: the caller's orders (staff: the work
// queue) and the filters that selected them.
type dashboardData struct {
	Orders     []orderRow
	WaitingOn  string
	Country    string
	Attention  bool
	Parties    []string
	NextCursor string
	Query      string
}

// orderRow is one order in a list, with what the viewer may do now.
type orderRow struct {
	*porting.PortOrder
	Waiting porting.Party
}

// maxCursor bounds the cursor taken from the query.
const maxCursor = 512

// handleDashboard lists orders through Orders.ListPortOrders: customers see
// their account's, staff the whole queue, next deadline first.
func (c *console) handleDashboard(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	pg := c.newPage(r, p, "dashboard.title")
	q := r.URL.Query()
	d := &dashboardData{WaitingOn: bound(q.Get("waiting_on"), 20), Country: bound(q.Get("country"), 2),
		Attention: q.Get("attention") == "on", Parties: []string{""}}
	for _, party := range porting.Parties {
		d.Parties = append(d.Parties, string(party))
	}
	query := workflow.PortOrderQuery{PortOrderFilter: porting.PortOrderFilter{
		Sort: porting.SortNextDeadline, Limit: 50, Cursor: bound(q.Get("cursor"), maxCursor),
	}}
	if p.Role.Staff() {
		query.WaitingOn, query.Country, query.Attention = porting.Party(d.WaitingOn), d.Country, d.Attention
	}
	status := http.StatusOK
	page, err := c.svc.Orders.ListPortOrders(r.Context(), p, query)
	switch {
	case porting.ErrorCode(err) == porting.EINVALID:
		pg.setError("filter", err)
		status = formStatus(err)
	case err != nil:
		return err
	default:
		for _, o := range page.Orders {
			d.Orders = append(d.Orders, orderRow{PortOrder: o, Waiting: o.WaitingOn()})
		}
		if page.NextCursor != "" {
			next := r.URL.Query()
			next.Set("cursor", page.NextCursor)
			d.NextCursor = "/?" + next.Encode()
		}
	}
	c.render(w, r, status, "dashboard", pg, d)
	return nil
}

// bound trims s and cuts it to at most n bytes, dropping a rune cut in
// half: every input the console reads from a query is bounded.
func bound(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
