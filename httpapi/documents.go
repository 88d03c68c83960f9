package httpapi

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// maxUploadBody bounds an upload request: the largest document plus the
// multipart envelope.
const maxUploadBody = 10<<20 + 64<<10

type uploadForm struct {
	Type string        `form:"type" enum:"loa_signed,csr,invoice,proof_of_address,proof_of_business,proof_of_id,number_list,other" required:"true" doc:"What the document is."`
	File huma.FormFile `form:"file" contentType:"application/octet-stream" required:"true" doc:"PDF, PNG, JPEG or TIFF; CSV or XLSX for number_list. At most 10 MB."`
}

type uploadInput struct {
	ID      string `path:"id"`
	RawBody huma.MultipartFormFiles[uploadForm]
}

type documentOutput struct {
	Body *porting.Document
}

type documentsOutput struct {
	Body struct {
		Data []*porting.Document `json:"data"`
	}
}

type documentPath struct {
	ID         string `path:"id"`
	DocumentID string `path:"document_id"`
}

// fileOutput is a downloaded or generated file.
type fileOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	CacheControl       string `header:"Cache-Control"`
	Body               []byte
}

func newFileOutput(filename, contentType string, content []byte) *fileOutput {
	return &fileOutput{
		ContentType:        contentType,
		ContentDisposition: mime.FormatMediaType("attachment", map[string]string{"filename": filename}),
		CacheControl:       "private, no-store",
		Body:               content,
	}
}

// binaryResponses documents a file answer of the given media types.
func binaryResponses(types ...string) map[string]*huma.Response {
	content := map[string]*huma.MediaType{}
	for _, t := range types {
		content[t] = &huma.MediaType{Schema: &huma.Schema{Type: "string", Format: "binary"}}
	}
	return map[string]*huma.Response{"200": {Description: "The file.", Content: content}}
}

func (s *Server) registerDocuments() {
	o := op("upload-document", http.MethodPost, "/v1/port-orders/{id}/documents", "Upload a document (multipart: type, file)", "documents")
	o.DefaultStatus = http.StatusCreated
	o.MaxBodyBytes = maxUploadBody
	o.Errors = append(o.Errors, http.StatusRequestEntityTooLarge, http.StatusConflict)
	huma.Register(s.api, o, s.handleDocumentUpload)
	huma.Register(s.api, op("list-documents", http.MethodGet, "/v1/port-orders/{id}/documents", "List an order's documents", "documents"), s.handleDocumentList)
	o = op("download-document", http.MethodGet, "/v1/port-orders/{id}/documents/{document_id}", "Download a document", "documents")
	o.Responses = binaryResponses("application/pdf", "image/png", "image/jpeg", "image/tiff", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	huma.Register(s.api, o, s.handleDocumentDownload)
}

func (s *Server) handleDocumentUpload(ctx context.Context, in *uploadInput) (*documentOutput, error) {
	form := in.RawBody.Data()
	content, err := io.ReadAll(io.LimitReader(form.File, s.Service.Settings.MaxDocument()+1))
	if err != nil {
		return nil, newProblem(http.StatusBadRequest, "cannot read the uploaded file")
	}
	if max := s.Service.Settings.MaxDocument(); int64(len(content)) > max {
		return nil, newProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the file is larger than %d bytes", max))
	}
	d, err := s.Service.UploadDocument(ctx, principal(ctx), in.ID, workflow.UploadParams{
		Type: porting.DocumentType(form.Type), Filename: form.File.Filename, Content: content,
	})
	if err != nil {
		return nil, problem(err)
	}
	return &documentOutput{Body: d}, nil
}

func (s *Server) handleDocumentList(ctx context.Context, in *portOrderPath) (*documentsOutput, error) {
	docs, err := s.Service.Documents(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, problem(err)
	}
	out := &documentsOutput{}
	out.Body.Data = nonNil(docs)
	return out, nil
}

func (s *Server) handleDocumentDownload(ctx context.Context, in *documentPath) (*fileOutput, error) {
	d, content, err := s.Service.DownloadDocument(ctx, principal(ctx), in.ID, in.DocumentID)
	if err != nil {
		return nil, problem(err)
	}
	return newFileOutput(d.Filename, d.ContentType, content), nil
}

// limitUploads caps upload bodies before the multipart parser reads them,
// so an oversized file is refused without being buffered.
func limitUploads(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/documents") {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > maxUploadBody {
			writeProblem(w, newProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the upload is larger than %d bytes", maxUploadBody)))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
		next.ServeHTTP(w, r)
	})
}
