package console

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// maxTypeField bounds the upload form's "type" part.
const maxTypeField = 64

// handleDocumentPost uploads a document through Documents.UploadDocument.
// The body is bounded like the API's (the largest document the settings
// allow plus the envelope) and streamed part by part, never to disk.
func (c *console) handleDocumentPost(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	maxFile := c.svc.Settings.MaxDocument()
	if r.ContentLength > maxFile+64<<10 {
		return c.rerenderOrder(w, r, p, "doc", porting.FieldErrorf("file", "the file is larger than %d bytes", maxFile), nil)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFile+64<<10)
	typ, name, content, err := readUpload(r, maxFile)
	if err == nil {
		_, err = c.svc.Documents.UploadDocument(r.Context(), p, r.PathValue("id"), workflow.UploadParams{
			Type: porting.DocumentType(typ), Filename: name, Content: content})
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			err = porting.FieldErrorf("file", "the file is larger than %d bytes", maxFile)
		}
		return c.rerenderOrder(w, r, p, "doc", err, nil)
	}
	http.Redirect(w, r, "/port-orders/"+r.PathValue("id")+"#documents", http.StatusSeeOther)
	return nil
}

// readUpload reads the "type" and "file" parts of a multipart form.
func readUpload(r *http.Request, maxFile int64) (typ, name string, content []byte, err error) {
	mt, params, perr := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if perr != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return "", "", nil, porting.FieldErrorf("file", "choose a file to upload")
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	seen := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", "", nil, readError(err)
		}
		switch part.FormName() {
		case "type":
			b, err := io.ReadAll(io.LimitReader(part, maxTypeField+1))
			if err != nil {
				return "", "", nil, readError(err)
			}
			typ = strings.TrimSpace(string(b))
		case "file":
			seen = true
			name = part.FileName()
			if content, err = io.ReadAll(io.LimitReader(part, maxFile+1)); err != nil {
				return "", "", nil, readError(err)
			}
			if int64(len(content)) > maxFile {
				return "", "", nil, porting.FieldErrorf("file", "the file is larger than %d bytes", maxFile)
			}
		default:
			if _, err := io.Copy(io.Discard, part); err != nil {
				return "", "", nil, readError(err)
			}
		}
	}
	if !seen || name == "" {
		return "", "", nil, porting.FieldErrorf("file", "choose a file to upload")
	}
	return typ, name, content, nil
}

func readError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return porting.FieldErrorf("file", "the upload could not be read")
}

// handleDocumentGet downloads a document through Documents.DownloadDocument,
// always as an attachment.
func (c *console) handleDocumentGet(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	if len(r.PathValue("id")) > 100 || len(r.PathValue("document_id")) > 100 {
		return porting.Errorf(porting.ENOTFOUND, "document not found")
	}
	d, content, err := c.svc.Documents.DownloadDocument(r.Context(), p, r.PathValue("id"), r.PathValue("document_id"))
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": asciiName(d.Filename)}))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", fmt.Sprint(len(content)))
	_, err = w.Write(content)
	return err
}

// asciiName replaces what a plain filename parameter cannot hold.
func asciiName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r > '~' || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
}
