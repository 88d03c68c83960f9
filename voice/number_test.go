package voice

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/emiago/sipgo/sip"
)

// e164Form is the shape every dialled number must have, written apart
// from NormalizeDialled: +, a non-zero digit, then 7 to 14 digits.
var e164Form = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

// rawInvite is an INVITE with the given Request-URI and To header value.
func rawInvite(requestURI, to string) []byte {
	return fmt.Appendf(nil, "INVITE %s SIP/2.0\r\n"+
		"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-test\r\n"+
		"From: <sip:tester@127.0.0.1>;tag=1\r\n"+
		"To: %s\r\n"+
		"Call-ID: number-test\r\n"+
		"CSeq: 1 INVITE\r\n"+
		"Content-Length: 0\r\n\r\n", requestURI, to)
}

// parseInvite parses a raw INVITE with sipgo's parser.
func parseInvite(requestURI, to string) (*sip.Request, error) {
	msg, err := sip.ParseMessage(rawInvite(requestURI, to))
	if err != nil {
		return nil, err
	}
	req, ok := msg.(*sip.Request)
	if !ok {
		return nil, fmt.Errorf("parsed a %T, not a request", msg)
	}
	return req, nil
}

func TestDialledNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		requestURI, to string
		want           string
	}{
		{"sip:+13125550140@127.0.0.1", "<sip:+13125550140@127.0.0.1>", "+13125550140"},
		{"sip:+13125550140@127.0.0.1:5060;user=phone", "<sip:x@y>", "+13125550140"},
		{"sip:13125550140@127.0.0.1", "<sip:x@y>", "+13125550140"},
		{"sip:+1-312-555-0140@pbx.example.com;user=phone", "<sip:x@y>", "+13125550140"},
		{"sip:+1(312)555.0140@pbx.example.com", "<sip:x@y>", "+13125550140"},
		{"sip:%2B13125550140@127.0.0.1", "<sip:x@y>", "+13125550140"},
		{"sip:+44%2020%207946%200018@127.0.0.1", "<sip:x@y>", "+442079460018"},
		{"tel:+1-312-555-0140", "<tel:+1-312-555-0140>", "+13125550140"},
		{"tel:+442079460018;phone-context=+44", "<sip:x@y>", "+442079460018"},
		{"sips:+4915112345678@edge.example.com", "<sip:x@y>", "+4915112345678"},
		// The Request-URI names no number: the To header does.
		{"sip:contact-center@127.0.0.1", "\"Line\" <sip:+13125550141@127.0.0.1>;tag=9", "+13125550141"},
		{"sip:127.0.0.1", "<tel:+13125550142>", "+13125550142"},
		// Neither does.
		{"sip:alice@127.0.0.1", "<sip:bob@127.0.0.1>", ""},
		{"sip:3125550140@127.0.0.1", "<sip:x@y>", ""},        // 10 digits, no +
		{"sip:23125550140@127.0.0.1", "<sip:x@y>", ""},       // 11 digits, not NANP
		{"sip:+1312555@127.0.0.1", "<sip:x@y>", ""},          // 7 digits
		{"sip:+1312555014012345@127.0.0.1", "<sip:x@y>", ""}, // 16 digits
		{"sip:+03125550140@127.0.0.1", "<sip:x@y>", ""},      // country code 0
		{"sip:+1312+5550140@127.0.0.1", "<sip:x@y>", ""},     // + inside
		{"sip:+1312555014x@127.0.0.1", "<sip:x@y>", ""},
		{"mailto:+13125550140@example.com", "<sip:x@y>", ""},
		{"sip:*98@127.0.0.1", "<sip:x@y>", ""},
	}
	for _, tt := range tests {
		req, err := parseInvite(tt.requestURI, tt.to)
		if err != nil {
			t.Fatalf("parse INVITE %s / To %s: %v", tt.requestURI, tt.to, err)
		}
		if got := DialledNumber(req); got != tt.want {
			t.Errorf("DialledNumber(%s / To %s) = %q, want %q", tt.requestURI, tt.to, got, tt.want)
		}
	}
	if got := DialledNumber(nil); got != "" {
		t.Errorf("DialledNumber(nil) = %q", got)
	}
}

func TestNormalizeDialledBoundsItsInput(t *testing.T) {
	t.Parallel()
	long := "+1"
	for len(long) <= maxNumberText {
		long += "-"
	}
	long += "3125550140"
	if got := NormalizeDialled(long); got != "" {
		t.Errorf("NormalizeDialled(%d chars) = %q, want \"\"", len(long), got)
	}
}

// FuzzDialledNumber feeds arbitrary Request-URIs and To headers through
// sipgo's parser and the number extraction: no panic, and a result is
// either "" or an E.164 number that normalises to itself.
func FuzzDialledNumber(f *testing.F) {
	seeds := [][2]string{
		{"sip:+13125550140@127.0.0.1", "<sip:+13125550140@127.0.0.1>"},
		{"tel:+1-312-555-0140;phone-context=+1", "<tel:+13125550140>"},
		{"sip:%2B1%20312@h", "\"x\" <sip:13125550140@h;user=phone>;tag=1"},
		{"sip:alice@h", "<sip:+44 20 7946 0018@h>"},
		{"sip:[::1]", "<tel:>"},
		{"*", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, requestURI, to string) {
		checkNumber(t, "NormalizeDialled(Request-URI)", NormalizeDialled(requestURI))
		checkNumber(t, "NormalizeDialled(To)", NormalizeDialled(to))
		var uri sip.Uri
		if sip.ParseUri(requestURI, &uri) == nil {
			checkNumber(t, "numberFromURI", numberFromURI(&uri))
		}
		if req, err := parseInvite(requestURI, to); err == nil {
			checkNumber(t, "DialledNumber", DialledNumber(req))
		}
	})
}

// checkNumber fails unless got is "" or a stable E.164 number.
func checkNumber(t *testing.T, what, got string) {
	t.Helper()
	if got == "" {
		return
	}
	if !e164Form.MatchString(got) {
		t.Fatalf("%s = %q, not E.164", what, got)
	}
	if again := NormalizeDialled(got); again != got {
		t.Fatalf("%s = %q, which normalises to %q", what, got, again)
	}
}
