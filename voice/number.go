// Package voice is portdesk's SIP edge: an ingress that stands in for a
// contact-center platform (it answers INVITEs for the numbers an instance
// holds and records every call) and a caller that places the test calls of
// a port day. Both are built on github.com/emiago/sipgo.
package voice

import (
	"net/url"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// maxNumberText bounds the user part read as a number, so a hostile URI
// costs no more than a short scan.
const maxNumberText = 64

// DialledNumber returns the E.164 form (+ and 8–15 digits) of the number
// an INVITE dials: the Request-URI's user part or tel: number, else the
// To header's. It returns "" when neither holds a number.
func DialledNumber(req *sip.Request) string {
	if req == nil {
		return ""
	}
	if n := numberFromURI(&req.Recipient); n != "" {
		return n
	}
	if to := req.To(); to != nil {
		return numberFromURI(&to.Address)
	}
	return ""
}

// numberFromURI reads the number of a sip:, sips: or tel: URI.
func numberFromURI(u *sip.Uri) string {
	switch strings.ToLower(u.Scheme) {
	case "sip", "sips":
		return NormalizeDialled(u.User)
	case "tel":
		return NormalizeDialled(u.Raw())
	}
	return ""
}

// NormalizeDialled reads text as a dialled number and returns its E.164
// form, or "" when it is not a number. Parameters after ';' are dropped,
// percent-escapes decoded and visual separators (space - . ( )) ignored.
// With a leading + it needs 8–15 digits and a non-zero country code; a
// bare 11-digit number starting with 1 is read as +1 (NANP); anything
// else is not a number.
func NormalizeDialled(text string) string {
	if len(text) > maxNumberText {
		return ""
	}
	text, _, _ = strings.Cut(text, ";")
	if unescaped, err := url.PathUnescape(text); err == nil {
		text = unescaped
	}
	plus := strings.HasPrefix(text, "+")
	digits, ok := dialDigits(strings.TrimPrefix(text, "+"))
	if !ok {
		return ""
	}
	switch {
	case plus && len(digits) >= 8 && len(digits) <= 15 && digits[0] != '0':
		return "+" + digits
	case !plus && len(digits) == 11 && digits[0] == '1':
		return "+" + digits
	}
	return ""
}

// dialDigits returns the digits of text without its visual separators;
// ok is false when text holds anything else.
func dialDigits(text string) (digits string, ok bool) {
	var b strings.Builder
	for _, c := range text {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case strings.ContainsRune(" -.()", c):
		default:
			return "", false
		}
	}
	return b.String(), true
}
