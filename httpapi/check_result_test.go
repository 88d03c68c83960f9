package httpapi

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/numbers"
)

// TestCheckResultCSVHeader holds the CSV columns to the JSON field names.
func TestCheckResultCSVHeader(t *testing.T) {
	typ := reflect.TypeFor[CheckResult]()
	var names []string
	for i := range typ.NumField() {
		names = append(names, strings.Split(typ.Field(i).Tag.Get("json"), ",")[0])
	}
	if !slices.Equal(names, CheckResultCSVHeader) {
		t.Errorf("CSV header %v, want the JSON names %v", CheckResultCSVHeader, names)
	}
	rec := NewCheckResult(numbers.Result{Input: "=HYPERLINK(1)", PhoneNumber: "=HYPERLINK(1)", Reasons: []string{"a", "b"}}).CSVRecord()
	if len(rec) != len(names) || rec[1] != "'=HYPERLINK(1)" || rec[2] != "false" || rec[10] != "a b" {
		t.Errorf("CSVRecord = %q", rec)
	}
}
