package console

import (
	"fmt"
	"slices"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// trafficChart is the checklist's traffic_at_expected_level evidence drawn
// as an inline SVG bar chart: one row per number, one bar per hour (calls,
// the answered part darker). The table under it carries the same counts.
type trafficChart struct {
	Width, Height int
	// Desc says in words what the chart shows (its <desc>).
	Desc  string
	Hours []trafficHour
	Rows  []trafficRow
}

// trafficHour is one column: the hour's label in the viewer's zone and the
// x of its bars.
type trafficHour struct {
	Label, Header string
	X             int
}

// trafficRow is one number's bars and its counts for the table.
type trafficRow struct {
	PhoneNumber     string
	Y, LabelY       int
	Calls, Answered int
	Bars            []trafficBar
}

// trafficBar is one hour of one number; Cell is its table text.
type trafficBar struct {
	X, Width             int
	Y, Height            int
	AnsweredY, AnsweredH int
	Calls, Answered      int
	Cell                 string
}

// Traffic chart geometry, in SVG user units; the bounds repeat the
// workflow's (20 numbers × 24 hours) so a larger input cannot grow the page.
const (
	trafficMaxNumbers = 20
	trafficMaxHours   = 24
	trafficLabelWidth = 150
	trafficColumn     = 23
	trafficBarWidth   = 17
	trafficRowHeight  = 44
	trafficBarMax     = 30
	trafficTop        = 24
)

// newTrafficChart draws the traffic item of cl; nil when there is none or
// no call was counted yet.
func newTrafficChart(pg *page, cl *workflow.Checklist) *trafficChart {
	if cl == nil {
		return nil
	}
	var traffic []workflow.NumberTraffic
	for _, it := range cl.Items {
		if it.Item == porting.ItemTrafficAtLevel {
			traffic = it.Traffic
		}
	}
	if len(traffic) > trafficMaxNumbers {
		traffic = traffic[:trafficMaxNumbers]
	}
	var hours []time.Time
	peak := 0
	for _, n := range traffic {
		for _, h := range n.Hours {
			if !slices.ContainsFunc(hours, h.Hour.Equal) {
				hours = append(hours, h.Hour)
			}
			peak = max(peak, h.Calls)
		}
	}
	if len(hours) == 0 || peak == 0 {
		return nil
	}
	slices.SortFunc(hours, time.Time.Compare)
	if len(hours) > trafficMaxHours {
		hours = hours[len(hours)-trafficMaxHours:]
	}
	// The width is always 24 columns, so that a chart of one hour is not
	// scaled up to the page's width.
	c := &trafficChart{Width: trafficLabelWidth + trafficMaxHours*trafficColumn + 10, Height: trafficTop + len(traffic)*trafficRowHeight + 4,
		Desc: fmt.Sprintf(pg.T("traffic.desc"), len(traffic), pg.Time(hours[0]), pg.Time(hours[len(hours)-1]), peak)}
	for i, h := range hours {
		c.Hours = append(c.Hours, trafficHour{Label: h.In(pg.Zone).Format("15"), Header: h.In(pg.Zone).Format("01-02 15:04"), X: trafficLabelWidth + i*trafficColumn + trafficBarWidth/2})
	}
	for r, n := range traffic {
		base := trafficTop + (r+1)*trafficRowHeight - 6
		row := trafficRow{PhoneNumber: n.PhoneNumber, Y: base, LabelY: base - 4}
		for i, h := range hours {
			b := trafficBar{X: trafficLabelWidth + i*trafficColumn, Width: trafficBarWidth}
			for _, hc := range n.Hours {
				if hc.Hour.Equal(h) {
					b.Calls, b.Answered = hc.Calls, hc.Answered
				}
			}
			b.Height = b.Calls * trafficBarMax / peak
			b.AnsweredH = min(b.Answered, b.Calls) * trafficBarMax / peak
			b.Y, b.AnsweredY = base-b.Height, base-b.AnsweredH
			b.Cell = fmt.Sprintf("%d (%d)", b.Calls, b.Answered)
			row.Calls += b.Calls
			row.Answered += b.Answered
			row.Bars = append(row.Bars, b)
		}
		c.Rows = append(c.Rows, row)
	}
	return c
}
