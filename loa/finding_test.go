package loa

import (
	"slices"
	"testing"

	"github.com/portdesk/portdesk/porting"
)

// TestMismatchCodesAreExceptionCodes keeps the CSR mismatch findings in the
// carrier exception vocabulary, so a finding before submission and a
// carrier rejection after it read the same.
func TestMismatchCodesAreExceptionCodes(t *testing.T) {
	for _, code := range []string{CodeEntityNameMismatch, CodeLocationMismatch, CodePostalCodeMismatch,
		CodeAuthPersonMismatch, CodeAccountNumberMismatch, CodeBTNMismatch, CodePhoneNumberMismatch} {
		if !slices.Contains(porting.ExceptionCodes, code) {
			t.Errorf("%s is not in porting.ExceptionCodes", code)
		}
	}
}
