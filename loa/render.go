package loa

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/portdesk/portdesk/porting"
)

// Document is what the renderers need. GeneratedAt stamps the PDF's
// creation and modification dates, so one Document always renders to the
// same bytes; a zero GeneratedAt stamps the Unix epoch rather than the
// wall clock.
type Document struct {
	Order Order           `json:"order"`
	Data  porting.LOAData `json:"data"`
	// RequestedPortAt is the port date the customer asks for; nil leaves
	// the date to the carriers.
	RequestedPortAt *time.Time `json:"requested_port_at,omitempty"`
	GeneratedAt     time.Time  `json:"generated_at"`
}

// stamp is the time written into rendered files.
func (d Document) stamp() time.Time {
	if d.GeneratedAt.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return d.GeneratedAt.UTC()
}

// Page geometry in millimetres and type sizes in points. Nothing on the
// letter is set below 10 pt.
const (
	margin     = 20.0
	labelWidth = 36.0       // label column of a full-width row
	pairLabel  = labelWidth // label column of each half of a paired row
	lineHeight = 5.0
	bodySize   = 10.0
	headSize   = 12.0
	titleSize  = 18.0
	fontFamily = "Helvetica"
)

// RenderPDF writes the LOA as a typed PDF letter for a handwritten
// signature. It lists up to DefaultAttachmentThreshold numbers and
// otherwise says "See Attached" with the count; the attachment is
// RenderXLSX or RenderCSV. The letter uses the PDF core fonts, which show
// Western European text (Windows-1252); text outside it is an error rather
// than a letter the carrier would find wrong.
func RenderPDF(w io.Writer, d Document) error {
	size := "A4"
	if c := strings.ToUpper(trim(d.Order.Country)); c == "US" || c == "CA" {
		size = "Letter"
	}
	pdf := fpdf.New("P", "mm", size, "")
	pdf.SetCreationDate(d.stamp())
	pdf.SetModificationDate(d.stamp())
	pdf.SetCatalogSort(true)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin)
	pdf.AliasNbPages("{nb}")
	pdf.SetTitle("Letter of Authorization "+d.Order.ID, true)
	pdf.SetCreator("portdesk", false)

	l := &letter{pdf: pdf, tr: pdf.UnicodeTranslatorFromDescriptor("")}
	pdf.SetFooterFunc(func() { l.footer(d) })
	pdf.AddPage()
	l.write(d)
	if l.err != nil {
		return l.err
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("loa: render PDF for order %s: %w", d.Order.ID, err)
	}
	return nil
}

// letter lays out the LOA on a PDF and remembers the first text it could
// not encode.
type letter struct {
	pdf *fpdf.Fpdf
	tr  func(string) string
	err error
}

// UnprintableError reports text the PDF's core fonts cannot show (outside
// Western European scripts). A carrier would reject a mangled name, so the
// LOA is not rendered at all.
type UnprintableError struct {
	Text string
}

// Error implements error.
func (e *UnprintableError) Error() string {
	return fmt.Sprintf("loa: %q has characters the PDF fonts cannot show", e.Text)
}

// text encodes s for the core fonts. The translator writes one byte per
// rune and '.' for a rune it cannot encode.
func (l *letter) text(s string) string {
	out := l.tr(s)
	i := 0
	for _, r := range s {
		if r >= 0x80 && out[i] == '.' && l.err == nil {
			l.err = &UnprintableError{Text: s}
		}
		i++
	}
	return out
}

func (l *letter) write(d Document) {
	o, data := d.Order, d.Data
	l.pdf.SetFont(fontFamily, "B", titleSize)
	l.pdf.CellFormat(0, 10, l.text("Letter of Authorization"), "", 1, "C", false, 0, "")
	l.pdf.SetFont(fontFamily, "", bodySize)
	l.pdf.CellFormat(0, lineHeight, l.text("Request to port telephone numbers to a new carrier"), "", 1, "C", false, 0, "")

	requested := "Not specified: the earliest date both carriers agree"
	if d.RequestedPortAt != nil {
		requested = d.RequestedPortAt.Format("2006-01-02 15:04 UTC-07:00")
	}
	l.heading("Port order")
	l.pair("Order reference", o.ID, "Number kind", kindLabel(o.NumberKind))
	l.pair("Country", o.Country, "Requested port", requested)
	l.pair("Losing carrier", o.LosingCarrier, "Winning carrier", o.WinningCarrier)

	l.heading("Account holder, exactly as on the losing carrier's records")
	l.row("Entity name", data.EntityName)
	l.pair("Account number", data.AccountNumber, "Billing number", data.BTN)
	l.pair("Authorized person", data.AuthorizedPerson.Name, "Title", data.AuthorizedPerson.Title)
	l.row("PIN / passcode", pinOnFile(data.PIN))

	a := data.ServiceAddress
	l.heading("Service address")
	l.row("Street", a.Street)
	l.pair("City", a.City, "State / region", orDefault(a.Region, "None"))
	l.pair("Postal code", a.PostalCode, "Country", a.Country)

	if pp := data.PartialPort; pp != nil {
		l.partialPort(o, *pp)
	}
	l.numbers(o)
	l.authorization(o, data)
	l.signature(data.AuthorizedPerson)
}

func (l *letter) heading(s string) {
	l.pdf.Ln(2.5)
	l.pdf.SetFont(fontFamily, "B", headSize)
	l.pdf.CellFormat(0, 6.5, l.text(s), "B", 1, "L", false, 0, "")
	l.pdf.Ln(1)
}

// room starts a new page unless h millimetres fit above the bottom margin.
func (l *letter) room(h float64) {
	_, pageHeight := l.pdf.GetPageSize()
	if l.pdf.GetY()+h > pageHeight-margin {
		l.pdf.AddPage()
	}
}

// lines counts the lines s wraps to in a column w wide at body size.
func (l *letter) lines(s string, w float64) int {
	l.pdf.SetFont(fontFamily, "", bodySize)
	return max(1, len(l.pdf.SplitLines([]byte(l.text(s)), w)))
}

// row writes a label and its value across the page; a long value wraps in
// its column.
func (l *letter) row(label, value string) {
	l.room(float64(l.lines(value, l.width()-labelWidth)) * lineHeight)
	l.cell(l.pdf.GetX(), labelWidth, label, value, l.width()-labelWidth)
}

// pair writes two labelled values side by side, each wrapping in its half.
func (l *letter) pair(label1, value1, label2, value2 string) {
	half := l.width() / 2
	h := float64(max(l.lines(value1, half-pairLabel), l.lines(value2, half-pairLabel))) * lineHeight
	l.room(h)
	x, y := l.pdf.GetXY()
	end := l.cell(x, pairLabel, label1, value1, half-pairLabel)
	l.pdf.SetXY(x+half, y)
	end = max(end, l.cell(x+half, pairLabel, label2, value2, half-pairLabel))
	l.pdf.SetXY(x, end)
}

// cell writes a bold label and a wrapping value starting at x and returns
// the y below the value.
func (l *letter) cell(x, labelW float64, label, value string, valueW float64) float64 {
	l.pdf.SetX(x)
	l.pdf.SetFont(fontFamily, "B", bodySize)
	l.pdf.CellFormat(labelW, lineHeight, l.text(label), "", 0, "L", false, 0, "")
	l.pdf.SetFont(fontFamily, "", bodySize)
	l.pdf.MultiCell(valueW, lineHeight, l.text(trim(value)), "", "L", false)
	return l.pdf.GetY()
}

func (l *letter) width() float64 {
	pageWidth, _ := l.pdf.GetPageSize()
	return pageWidth - 2*margin
}

func (l *letter) paragraph(s string) {
	l.pdf.SetFont(fontFamily, "", bodySize)
	l.pdf.MultiCell(0, lineHeight, l.text(s), "", "L", false)
}

// list writes numbered entries in three columns, row by row.
func (l *letter) list(items []string) {
	l.pdf.SetFont(fontFamily, "", bodySize)
	for i, s := range items {
		ln := 0
		if i%3 == 2 || i == len(items)-1 {
			ln = 1
		}
		l.pdf.CellFormat(l.width()/3, lineHeight, l.text(strconv.Itoa(i+1)+".  "+trim(s)), "", ln, "L", false, 0, "")
	}
}

func (l *letter) footer(d Document) {
	l.pdf.SetY(-margin + 5)
	l.pdf.SetFont(fontFamily, "", bodySize)
	l.pdf.SetTextColor(90, 90, 90)
	s := fmt.Sprintf("Order %s · generated %s by portdesk · page %d of {nb}",
		d.Order.ID, d.stamp().Format("2006-01-02 15:04 UTC"), l.pdf.PageNo())
	l.pdf.CellFormat(0, lineHeight, l.text(s), "", 0, "C", false, 0, "")
	l.pdf.SetTextColor(0, 0, 0)
}

// kindLabel names a number kind for people.
func kindLabel(kind string) string {
	switch porting.NumberKind(kind) {
	case porting.KindDID:
		return "Direct inward dialing (geographic or mobile)"
	case porting.KindTollFree:
		return "Toll-free"
	case porting.KindSharedCost:
		return "Shared cost"
	}
	return kind
}

// pinOnFile says whether the account has a PIN without printing any of
// it: the README promises the PIN never appears, and even its last digits
// or its length help someone guess it.
func pinOnFile(pin string) string {
	if trim(pin) == "" {
		return "None"
	}
	return "On file (not shown)"
}
