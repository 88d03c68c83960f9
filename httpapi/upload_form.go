package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
)

// uploadForm is what an upload's multipart body holds.
type uploadForm struct {
	Type     string
	Filename string
	Content  []byte
}

// maxTypeField bounds the "type" part; the longest type is far shorter.
const maxTypeField = 64

// readUploadForm reads a multipart/form-data body part by part as it
// arrives: the "type" field, and the "file" part into memory up to maxFile
// bytes (413 beyond). Unlike http.Request.ParseMultipartForm, which spools
// every part over its memory limit to $TMPDIR/multipart-*, nothing touches
// the disk: the content goes from the connection to the sealed store only.
// Other parts are read and dropped, within the body's limit.
func readUploadForm(body io.Reader, contentType string, maxFile int64) (*uploadForm, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, bodyProblem("the body must be multipart/form-data with a boundary")
	}
	mr := multipart.NewReader(body, params["boundary"])
	form := &uploadForm{}
	seen := map[string]bool{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, readProblem(err)
		}
		name := part.FormName()
		if (name == "type" || name == "file") && seen[name] {
			return nil, problem(porting.FieldErrorf(name, "the form holds %s twice", name))
		}
		seen[name] = true
		switch name {
		case "type":
			b, err := io.ReadAll(io.LimitReader(part, maxTypeField+1))
			if err != nil {
				return nil, readProblem(err)
			}
			if len(b) > maxTypeField {
				return nil, problem(porting.FieldErrorf("type", "the type is longer than %d bytes", maxTypeField))
			}
			form.Type = string(b)
		case "file":
			form.Filename = part.FileName()
			form.Content, err = io.ReadAll(io.LimitReader(part, maxFile+1))
			if err != nil {
				return nil, readProblem(err)
			}
			if int64(len(form.Content)) > maxFile {
				return nil, newProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the file is larger than %d bytes", maxFile))
			}
		default:
			if _, err := io.Copy(io.Discard, part); err != nil {
				return nil, readProblem(err)
			}
		}
	}
	if !seen["file"] {
		return nil, problem(porting.FieldErrorf("file", "the form has no file part"))
	}
	return form, nil
}

// readProblem answers a body that could not be read: 413 past the body's
// limit, 422 for a malformed form.
func readProblem(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return newProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the upload is larger than %d bytes", tooLarge.Limit))
	}
	return bodyProblem("cannot read the multipart form: " + err.Error())
}

func bodyProblem(msg string) error {
	return newProblem(http.StatusUnprocessableEntity, "validation failed", &huma.ErrorDetail{Location: "body", Message: msg})
}

// uploadRequestBody documents the multipart body readUploadForm reads.
func uploadRequestBody(maxFile int64) *huma.RequestBody {
	types := make([]any, len(porting.DocumentTypes))
	for i, t := range porting.DocumentTypes {
		types[i] = string(t)
	}
	return &huma.RequestBody{
		Required: true,
		Content: map[string]*huma.MediaType{"multipart/form-data": {
			Schema: &huma.Schema{
				Type:     "object",
				Required: []string{"type", "file"},
				Properties: map[string]*huma.Schema{
					"type": {Type: "string", Enum: types, Description: "What the document is."},
					"file": {Type: "string", Format: "binary", ContentEncoding: "binary",
						Description: fmt.Sprintf("PDF, PNG, JPEG or TIFF; CSV or XLSX for number_list. At most %d bytes.", maxFile)},
				},
			},
			Encoding: map[string]*huma.Encoding{
				"type": {ContentType: "text/plain"},
				"file": {ContentType: "application/octet-stream"},
			},
		}},
	}
}
