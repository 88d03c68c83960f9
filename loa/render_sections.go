package loa

import (
	"fmt"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// partialPort shows the numbers that stay with the losing carrier, what
// happens to them and which number becomes the account's BTN.
func (l *letter) partialPort(o Order, pp porting.PartialPort) {
	l.heading("Partial port")
	carrier := orDefault(o.LosingCarrier, "the current carrier")
	intro := "Only the numbers under \"Numbers to port\" move. Other numbers stay on the account with " + carrier + "."
	if n := len(pp.RemainingNumbers); n > 0 {
		intro = fmt.Sprintf("Only the numbers under \"Numbers to port\" move. These %d number(s) stay on the account with %s:",
			n, carrier)
	}
	l.paragraph(intro)
	remaining := pp.RemainingNumbers
	if len(remaining) > DefaultAttachmentThreshold {
		remaining = remaining[:DefaultAttachmentThreshold]
	}
	l.list(remaining)
	if more := len(pp.RemainingNumbers) - len(remaining); more > 0 {
		l.paragraph(fmt.Sprintf("and %d more.", more))
	}
	action := "Not stated"
	switch trim(pp.RemainingAction) {
	case porting.RemainingKeep:
		action = "Keep them in service with " + carrier
	case porting.RemainingDisconnect:
		action = "Disconnect them"
	}
	l.row("Remaining numbers", action)
	newBTN := trim(pp.NewBTN)
	if newBTN == "" {
		newBTN = "None: the billing telephone number stays on the account"
	}
	l.row("New billing number", newBTN)
}

// numbers lists the numbers to port, or says "See Attached" with their
// count when there are more than the letter may list.
func (l *letter) numbers(o Order) {
	n := len(o.Numbers)
	l.heading(fmt.Sprintf("Numbers to port (%d)", n))
	if n > DefaultAttachmentThreshold {
		l.pdf.SetFont(fontFamily, "B", headSize)
		l.pdf.CellFormat(0, 7, l.text("See Attached"), "", 1, "L", false, 0, "")
		l.paragraph(fmt.Sprintf("The %d numbers to port are listed in the spreadsheet attached to this letter "+
			"(order %s). The attachment is part of this authorization.", n, o.ID))
		return
	}
	items := make([]string, n)
	for i, num := range o.Numbers {
		items[i] = num.PhoneNumber
	}
	l.list(items)
}

// authorization is the statement the authorized person signs.
func (l *letter) authorization(o Order, d porting.LOAData) {
	losing := orDefault(o.LosingCarrier, "the current carrier")
	winning := orDefault(o.WinningCarrier, "the new carrier")
	listed := "listed in this letter"
	if len(o.Numbers) > DefaultAttachmentThreshold {
		listed = "listed in the attachment to this letter"
	}
	text := strings.Join([]string{
		fmt.Sprintf("I confirm that I may act for %s and make changes to its telephone service on account %s with %s.",
			orDefault(d.EntityName, "the account holder"), orDefault(d.AccountNumber, "(account number)"), losing),
		fmt.Sprintf("On its behalf I ask %s to release the telephone numbers %s, and I authorize %s, and those acting for it, to port them to %s.",
			losing, listed, winning, winning),
		fmt.Sprintf("I understand that the service of these numbers with %s ends once the port completes, that any amount owed to %s remains payable, "+
			"and that the details above are given exactly as %s holds them for this account.", losing, losing, losing),
	}, " ")
	// The statement and the signature stay on one page.
	l.room(12 + float64(l.lines(text, l.width())+11)*lineHeight)
	l.heading("Authorization")
	l.paragraph(text)
}

// signature leaves room for a handwritten signature and date, and prints
// the signer's name so the letter stays legible.
func (l *letter) signature(p porting.LOAPerson) {
	l.heading("Signature")
	l.paragraph(fmt.Sprintf("Sign by hand in ink; typed, printed, pasted or electronic signatures are not accepted. "+
		"Write the date you sign as YYYY-MM-DD: the letter is valid for %d days from that date.", DefaultMaxAgeDays))
	l.pdf.Ln(10)
	l.signLine(90)
	l.row("Signature (wet ink)", "")
	l.pair("Printed name", p.Name, "Title", p.Title)
	l.pdf.Ln(8)
	l.signLine(50)
	l.row("Date signed", "")
}

// signLine draws a line to write on, in the value column of the next row.
func (l *letter) signLine(length float64) {
	x, y := margin+labelWidth, l.pdf.GetY()+lineHeight
	l.pdf.Line(x, y, x+length, y)
}

func orDefault(s, fallback string) string {
	if s = trim(s); s != "" {
		return s
	}
	return fallback
}
