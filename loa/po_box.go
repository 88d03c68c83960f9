package loa

import (
	"regexp"
	"strings"
)

// PO-box spellings. A spaced or dotted phrase ("PO Box", "P.O. Box",
// "Post Office Box", "Boîte postale", "Postfach") is a box wherever it
// stands as whole words. Short or ambiguous words ("BP", "Apartado",
// "POBox" run together) count only when a box number follows, so street
// names such as "Box Hill Road" or "Pobox Street" pass. A bare "Box 12" is
// only a warning: it is how some countries write a box, and how some rural
// routes write a house.
var (
	poBoxPhrase = regexp.MustCompile(`(?i)(?:` + strings.Join([]string{
		`\bp(?:\.\s*|\s+)o\b\.?\s*box\b`, // P.O. Box, P. O. Box, P O Box, P.O.Box
		`\bpo(?:\.\s*|\s+|-)box\b`,       // PO Box, PO. Box, PO-Box
		`\bpost\s*box\b`,                 // Post Box, Postbox
		`\blocked\s+bag\b`,               // Locked Bag (AU)
		`\bg\.?p\.?o\.?\s*box\b`,         // GPO Box
		`\bpost\s+office\s+box\b`,
		`\bpostfach\b`,
		`\bbo[iî]te\s+postale\b`,
		`\bpostbus\b`,
		`\bpostboks\b`,
		`\bcaixa\s+postal\b`,
		`\bapartado\s+(?:de\s+correos|postal|a[eé]reo)\b`,
		`\bcasilla\s+(?:de\s+correos?|postal)\b`,
	}, "|") + `)`)
	poBoxNumbered = regexp.MustCompile(
		`(?i)\b(?:pobox|p\.?\s?o\.?\s?b\.?|pmb|b\.?\s?p\.?|apartado|casilla)(?:\s*(?:no\.?|n[°º]\.?|#|:))?\s+\d+|\b(?:pobox|pob|pmb)\d+`)
	bareBoxNumbered = regexp.MustCompile(`(?i)\bbox\s*(?:no\.?|#)?\s*\d+`)
)

// poBox returns the PO-box spelling found in street and whether it is sure
// (a phrase that means nothing else) rather than likely.
func poBox(street string) (match string, sure bool) {
	if m := poBoxPhrase.FindString(street); m != "" {
		return m, true
	}
	if m := poBoxNumbered.FindString(street); m != "" {
		return m, true
	}
	return bareBoxNumbered.FindString(street), false
}

// checkPOBox reports a service address that is a post-office box: carriers
// need the address where the service is installed.
func checkPOBox(fs *findings, street string) {
	m, sure := poBox(street)
	if m == "" {
		return
	}
	const field, want = "service_address.street", "the street address where the service is"
	got := trim(street)
	if sure {
		fs.block(CodePOBoxAddress, field, want, got,
			"\""+trim(m)+"\" is a post-office box; give the physical service address from the CSR")
		return
	}
	fs.warn(CodePOBoxAddress, field, want, got,
		"\""+trim(m)+"\" may be a post-office box; check the physical service address on the CSR")
}
