package console

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/numbers/numberlist"
	"github.com/portdesk/portdesk/porting"
)

// Bounds of the intake form with a list file.
const (
	// maxUploadForm bounds a multipart intake form: a list of
	// porting.MaxNumbersPerRequest numbers with carriers and accounts as
	// CSV, or a workbook of them, with room for the other fields.
	maxUploadForm = 24 << 20
	// maxFormField bounds each text field of a multipart form; the numbers
	// textarea may take the whole form.
	maxFormField = 64 << 10
	// numbersFileField names the form's list file input.
	numbersFileField = "numbers_file"
)

// uploadSlots bounds the list files read at once in a process: a workbook
// is held in memory while it is read.
var uploadSlots = make(chan struct{}, 2)

// readIntakeForm reads the posted intake form into r.PostForm. A
// multipart form (the page's, which can carry a list file) is streamed
// part by part: the file goes through numberlist as it arrives and never
// touches the disk, and its entries are returned. A urlencoded form is
// parsed as usual and has no file.
func readIntakeForm(w http.ResponseWriter, r *http.Request) ([]numbers.Entry, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		r.Body = http.MaxBytesReader(w, r.Body, maxNumbersForm)
		if err := r.ParseForm(); err != nil {
			return nil, porting.Errorf(porting.EINVALID, "the form could not be read")
		}
		return nil, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadForm)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, porting.Errorf(porting.EINVALID, "the form could not be read")
	}
	r.PostForm = url.Values{}
	var entries []numbers.Entry
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return entries, nil
		}
		if err != nil {
			return nil, porting.Errorf(porting.EINVALID, "the form could not be read (at most %d MiB with its file)", maxUploadForm>>20)
		}
		name := part.FormName()
		if name == numbersFileField {
			if part.FileName() == "" {
				continue // no file chosen
			}
			select {
			case uploadSlots <- struct{}{}:
			default:
				return nil, porting.FieldErrorf(numbersFileField, "%d list files are being read; try again in a moment", cap(uploadSlots))
			}
			entries, err = readNumberList(part)
			<-uploadSlots
			if err != nil {
				return nil, err
			}
			continue
		}
		limit := int64(maxFormField)
		if name == "phone_numbers" {
			limit = maxUploadForm
		}
		var v bytes.Buffer
		if n, err := io.Copy(&v, io.LimitReader(part, limit+1)); err != nil {
			return nil, porting.Errorf(porting.EINVALID, "the form could not be read")
		} else if n > limit {
			return nil, porting.FieldErrorf(fieldKey(name), "this field is too long")
		}
		r.PostForm.Add(name, v.String())
	}
}

// readNumberList reads a list file of at most porting.MaxNumbersPerRequest
// numbers; an unreadable file or line is an error on the file's input.
func readNumberList(in io.Reader) ([]numbers.Entry, error) {
	lr := numberlist.NewReader(in)
	defer lr.Close()
	var out []numbers.Entry
	for {
		e, err := lr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *porting.Error
			if errors.As(err, &pe) {
				return nil, &porting.Error{Code: porting.EINVALID, Field: numbersFileField, Message: pe.Message, Err: err}
			}
			return nil, porting.FieldErrorf(numbersFileField, "the file could not be read")
		}
		if len(out) == porting.MaxNumbersPerRequest {
			return nil, porting.FieldErrorf(numbersFileField, "the file lists more than %d numbers, the most one request takes; split it", porting.MaxNumbersPerRequest)
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, porting.FieldErrorf(numbersFileField, "the file lists no numbers")
	}
	return out, nil
}

// listHeader is the header row the numbers textarea shows a list with
// carriers or accounts under; numberlist recognises it when posted back.
var listHeader = []string{"phone_number", "current_carrier", "account_number"}

// entriesText writes entries as the numbers textarea shows them: one
// number per line, or CSV under listHeader when any names its carrier or
// account, so a preview posts back what the file said.
func entriesText(entries []numbers.Entry) string {
	detailed := false
	for _, e := range entries {
		if e.CurrentCarrier != "" || e.AccountNumber != "" {
			detailed = true
			break
		}
	}
	var b strings.Builder
	if !detailed {
		for _, e := range entries {
			b.WriteString(e.PhoneNumber)
			b.WriteByte('\n')
		}
		return b.String()
	}
	cw := csv.NewWriter(&b)
	cw.Write(listHeader)
	for _, e := range entries {
		cw.Write([]string{e.PhoneNumber, e.CurrentCarrier, e.AccountNumber})
	}
	cw.Flush()
	return b.String()
}

// textEntries reads the numbers textarea: a list under a header row naming
// its columns (as entriesText writes, or pasted from a spreadsheet) gives
// entries with carriers and accounts; anything else is read by
// splitNumbers and gives none (ok false).
func textEntries(text string) (entries []numbers.Entry, ok bool, err error) {
	first, _, _ := strings.Cut(strings.TrimLeft(text, " \t\r\n"), "\n")
	if !strings.ContainsAny(strings.ToLower(first), "abcdefghijklmnopqrstuvwxyz") {
		return nil, false, nil // numbers only: no header
	}
	lr := numberlist.NewReader(strings.NewReader(text))
	defer lr.Close()
	for {
		e, err := lr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false, &porting.Error{Code: porting.EINVALID, Field: "phone_numbers", Message: errMessage(err), Err: err}
		}
		if !lr.Header() {
			return nil, false, nil
		}
		if len(entries) == porting.MaxNumbersPerRequest {
			return nil, false, porting.FieldErrorf("phone_numbers", "list at most %d numbers", porting.MaxNumbersPerRequest)
		}
		entries = append(entries, e)
	}
	return entries, lr.Header(), nil
}

// errMessage is the words of err for a field: a porting.Error's message.
func errMessage(err error) string {
	var pe *porting.Error
	if errors.As(err, &pe) {
		return pe.Message
	}
	return fmt.Sprint(err)
}
