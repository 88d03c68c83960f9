package numberlist

import (
	"slices"
	"strings"
)

// Column names of a header row, compared after headerKey. A row is a
// header when one of its cells names the number column.
var (
	numberNames = []string{"phone number", "phone numbers", "number", "numbers", "telephone",
		"telephone number", "phone", "tn", "did", "e164", "e.164", "msisdn"}
	carrierNames = []string{"current carrier", "carrier", "losing carrier"}
	accountNames = []string{"account", "account number"}
)

// recogniseHeader reports whether cells are a header row and which columns
// it names. The first cell naming a column wins.
func recogniseHeader(cells []string) (columns, bool) {
	cols := columns{-1, -1, -1}
	for i, c := range cells {
		if len(c) > 40 {
			continue
		}
		k := headerKey(c)
		switch {
		case cols.number < 0 && slices.Contains(numberNames, k):
			cols.number = i
		case cols.carrier < 0 && slices.Contains(carrierNames, k):
			cols.carrier = i
		case cols.account < 0 && slices.Contains(accountNames, k):
			cols.account = i
		}
	}
	return cols, cols.number >= 0
}

// headerKey folds a header cell: lower case, underscores and dashes as
// spaces, runs of white space as one space.
func headerKey(c string) string {
	c = strings.ToLower(c)
	c = strings.NewReplacer("_", " ", "-", " ").Replace(c)
	return strings.Join(strings.Fields(c), " ")
}
