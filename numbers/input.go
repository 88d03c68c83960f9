package numbers

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The input rules, applied the same way to every written form before the
// one libphonenumber call per number (README "Input rules" and the OpenAPI
// document say the same):
//
//  1. White space around the input is ignored; an empty input, or one
//     longer than MaxInputLength bytes, is invalid.
//  2. A leading "tel:" (any case) is dropped.
//  3. When the first digits are two zeros (ASCII, fullwidth or
//     Arabic-Indic: the digits libphonenumber reads) with nothing but
//     white space and punctuation before them, they are the international
//     prefix and read as "+", whatever the default region. The default
//     region's own international prefix (011 in the US and Canada, 0011 in
//     Australia, …) is read by libphonenumber as usual; 011 is not read
//     elsewhere, where it starts national numbers (Johannesburg, Leeds,
//     Sapporo).
//  4. White space of any kind inside the input (tab, no-break, thin,
//     ideographic space, …) is a space.
//  5. The rest is libphonenumber's: separators (spaces, brackets, dashes,
//     dots, slashes) are ignored, letters are keypad
//     digits, an extension (" ext. 12", " x12", "#12", ";ext=12") is
//     dropped from the E.164 answer.
//  6. The default region is an ISO 3166 alpha-2 code in any case, with
//     white space around it ignored; none means US.

// normalizeInput applies rules 1–4 to a written form and returns the
// string handed to the parser. Forms made only of ASCII digits, spaces and
// the separators ( ) - . / (with an optional leading +) reduce to their
// digits, so that "(415) 555-0100" and "415.555.0100" are parsed once;
// libphonenumber ignores those separators, so the answer is the same.
// It reports false for empty or too long inputs. It uses no regular
// expressions: it runs on every input.
func normalizeInput(in string) (string, bool) {
	s := strings.TrimSpace(in)
	if s == "" || len(s) > MaxInputLength {
		return "", false
	}
	if len(s) >= 4 && strings.EqualFold(s[:4], "tel:") {
		s = s[4:]
	}
	var buf [MaxInputLength + 1]byte
	out := buf[:0]
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			out = append(out, c)
		case c == '+' && len(out) == 0:
			out = append(out, c)
		case c == ' ' || c == '(' || c == ')' || c == '-' || c == '.' || c == '/':
		default:
			return readInternationalPrefix(spaceAsSpace(s)), true
		}
	}
	if len(out) >= 2 && out[0] == '0' && out[1] == '0' {
		out[1] = '+'
		out = out[1:]
	}
	if len(out) == 0 {
		return "", false
	}
	if len(out) == len(s) {
		return s, true // already canonical: no copy
	}
	return string(out), true
}

// spaceAsSpace applies rule 4: any white space is a space.
func spaceAsSpace(s string) string {
	if !strings.ContainsFunc(s, isOtherSpace) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isOtherSpace(r) {
			return ' '
		}
		return r
	}, s)
}

func isOtherSpace(r rune) bool { return r != ' ' && unicode.IsSpace(r) }

// readInternationalPrefix applies rule 3 to a form the fast path does not
// reduce: two leading zeros, and what precedes them, become "+".
func readInternationalPrefix(s string) string {
	zeros := 0
	for i, r := range s {
		switch {
		case isZeroDigit(r):
			if zeros++; zeros == 2 {
				return "+" + s[i+utf8.RuneLen(r):]
			}
		case unicode.IsSpace(r) || unicode.IsPunct(r):
		default:
			return s
		}
	}
	return s
}

// isZeroDigit reports whether r is a zero libphonenumber reads as 0.
func isZeroDigit(r rune) bool {
	return r == '0' || r == '٠' || r == '۰' || r == '０'
}
