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

// uploadInput is an upload: the order in the path and the request's
// multipart body, which the handler streams (see readUploadForm) instead
// of letting the form parser spool it to temp files.
type uploadInput struct {
	ID string `path:"id"`

	body        io.Reader
	contentType string
}

// Resolve keeps the request body for the handler.
func (in *uploadInput) Resolve(ctx huma.Context) []error {
	in.body, in.contentType = ctx.BodyReader(), ctx.Header("Content-Type")
	return nil
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

// fileOutput is a downloaded or generated file. Browsers must take it for
// what its Content-Type says (nosniff) and save it, never show it.
type fileOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	ContentTypeOptions string `header:"X-Content-Type-Options"`
	CacheControl       string `header:"Cache-Control"`
	Body               []byte
}

func newFileOutput(filename, contentType string, content []byte) *fileOutput {
	return &fileOutput{
		ContentType:        contentType,
		ContentDisposition: attachmentDisposition(filename),
		ContentTypeOptions: "nosniff",
		CacheControl:       "private, no-store",
		Body:               content,
	}
}

// attachmentDisposition is an RFC 6266 Content-Disposition for a download:
// a plain ASCII filename for every client and, when the name is not ASCII,
// a UTF-8 filename* (RFC 8187) that current clients prefer. The workflow
// has cleaned the name already; what could still break the header's syntax
// is replaced here.
func attachmentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < ' ' || r > '~' || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	v := mime.FormatMediaType("attachment", map[string]string{"filename": ascii})
	if ascii == name {
		return v
	}
	var enc strings.Builder
	for _, b := range []byte(name) {
		if isAttrChar(b) {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	return v + "; filename*=UTF-8''" + enc.String()
}

// isAttrChar reports the bytes RFC 8187 lets a filename* value hold as is.
func isAttrChar(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
		strings.IndexByte("!#$&+-.^_`|~", b) >= 0
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
	const uploadPath = "/v1/port-orders/{id}/documents"
	o := op("upload-document", http.MethodPost, uploadPath, "Upload a document (multipart: type, file)", "documents")
	o.DefaultStatus = http.StatusCreated
	o.MaxBodyBytes = s.maxUploadBody()
	o.Errors = append(o.Errors, http.StatusRequestEntityTooLarge, http.StatusConflict)
	huma.Register(s.api, o, s.handleDocumentUpload)
	// Declared only now: a request body in the operation given to Register
	// would make Huma read and decode the body itself.
	s.api.OpenAPI().Paths[uploadPath].Post.RequestBody = uploadRequestBody(s.Service.Settings.MaxDocument())
	huma.Register(s.api, op("list-documents", http.MethodGet, uploadPath, "List an order's documents", "documents"), s.handleDocumentList)
	o = op("download-document", http.MethodGet, "/v1/port-orders/{id}/documents/{document_id}", "Download a document", "documents")
	o.Responses = binaryResponses("application/pdf", "image/png", "image/jpeg", "image/tiff", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	huma.Register(s.api, o, s.handleDocumentDownload)
}

func (s *Server) handleDocumentUpload(ctx context.Context, in *uploadInput) (*documentOutput, error) {
	form, err := readUploadForm(in.body, in.contentType, s.Service.Settings.MaxDocument())
	if err != nil {
		return nil, err
	}
	d, err := s.Service.Documents.UploadDocument(ctx, principal(ctx), in.ID, workflow.UploadParams{
		Type: porting.DocumentType(form.Type), Filename: form.Filename, Content: form.Content,
	})
	if err != nil {
		return nil, problem(err)
	}
	return &documentOutput{Body: d}, nil
}

func (s *Server) handleDocumentList(ctx context.Context, in *portOrderPath) (*documentsOutput, error) {
	docs, err := s.Service.Documents.Documents(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, problem(err)
	}
	out := &documentsOutput{}
	out.Body.Data = nonNil(docs)
	return out, nil
}

func (s *Server) handleDocumentDownload(ctx context.Context, in *documentPath) (*fileOutput, error) {
	d, content, err := s.Service.Documents.DownloadDocument(ctx, principal(ctx), in.ID, in.DocumentID)
	if err != nil {
		return nil, problem(err)
	}
	return newFileOutput(d.Filename, d.ContentType, content), nil
}

// maxUploadBody bounds an upload request: the largest document the
// settings allow plus the multipart envelope.
func (s *Server) maxUploadBody() int64 { return s.Service.Settings.MaxDocument() + 64<<10 }

// limitUploads caps upload bodies before anything reads them, so an
// oversized file is refused without being buffered.
func (s *Server) limitUploads(next http.Handler) http.Handler {
	limit := s.maxUploadBody()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/documents") {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > limit {
			writeProblem(w, newProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the upload is larger than %d bytes", limit)))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}
