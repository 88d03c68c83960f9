package console

import (
	"fmt"
	"time"

	"github.com/portdesk/portdesk/workflow"
)

// deadlineChart is the order's deadlines drawn on one time axis as an
// inline SVG; the table beside it carries the same data as text.
type deadlineChart struct {
	Width, Height int
	AxisY         int
	Marks         []chartMark
	Start, End    string
}

// chartMark is one deadline (or the port date) on the axis.
type chartMark struct {
	X, LabelY int
	Label     string
	When      string
	Port      bool
}

// Chart geometry, in SVG user units.
const (
	chartWidth  = 720
	chartMargin = 40
	chartRow    = 18
)

// newDeadlineChart places the pending deadlines and the port date between
// the earliest and the latest of them; nil when there is nothing to draw.
func newDeadlineChart(pg *page, ds []workflow.DeadlineView, foc *time.Time) *deadlineChart {
	type point struct {
		at    time.Time
		label string
		port  bool
	}
	var pts []point
	for _, d := range ds {
		pts = append(pts, point{at: d.DueAt, label: pg.T("deadline." + string(d.Kind))})
	}
	if foc != nil {
		pts = append(pts, point{at: *foc, label: pg.T("order.foc_at"), port: true})
	}
	if len(pts) == 0 {
		return nil
	}
	lo, hi := pts[0].at, pts[0].at
	for _, p := range pts {
		if p.at.Before(lo) {
			lo = p.at
		}
		if p.at.After(hi) {
			hi = p.at
		}
	}
	span := hi.Sub(lo)
	if span <= 0 {
		span = time.Hour
	}
	c := &deadlineChart{Width: chartWidth, AxisY: 30, Start: pg.Time(lo), End: pg.Time(hi)}
	for i, p := range pts {
		x := chartMargin + int(float64(chartWidth-2*chartMargin)*float64(p.at.Sub(lo))/float64(span))
		c.Marks = append(c.Marks, chartMark{X: x, LabelY: 60 + i*chartRow, Label: fmt.Sprintf("%s — %s", p.label, pg.Time(p.at)), When: pg.Time(p.at), Port: p.port})
	}
	c.Height = 60 + len(pts)*chartRow + 10
	return c
}

// Anchor is the text-anchor that keeps a label inside the chart.
func (m chartMark) Anchor() string {
	switch {
	case m.X < chartWidth/3:
		return "start"
	case m.X > 2*chartWidth/3:
		return "end"
	}
	return "middle"
}
