package httpapi

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// nulError locates a string in a JSON body that holds U+0000.
type nulError struct{ location string }

func (e *nulError) Error() string { return "NUL character in " + e.location }

// nulMessage is the problem's message for a field holding U+0000.
const nulMessage = "text must not contain the NUL character (U+0000)"

// refuseNUL is a Huma middleware that answers 422, naming the field, to a
// JSON body with U+0000 in any string. Every JSON body passes here before
// Huma validates it. Without it the engines disagree: SQLite stores the
// character, PostgreSQL refuses the whole statement without saying which
// field was at fault.
func refuseNUL(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		op := ctx.Operation()
		if op == nil || op.RequestBody == nil || ctx.BodyReader() == nil || !isJSON(ctx.Header("Content-Type")) {
			next(ctx)
			return
		}
		limit := op.MaxBodyBytes
		if limit <= 0 {
			limit = 1 << 20 // Huma's default
		}
		// Read no more than Huma would; Huma still reads the rest and
		// refuses a body over the limit as before.
		body, err := io.ReadAll(io.LimitReader(ctx.BodyReader(), limit+1))
		// JSON writes U+0000 only escaped, so bodies without the escape
		// skip the walk. A body with a duplicate key is refused for that
		// (400) by the decoder, whatever else it holds.
		if err == nil && bytes.Contains(body, []byte(`\u0000`)) && checkJSONKeys(body) == nil {
			if loc, found := nulLocation(body); found {
				_ = huma.WriteErr(api, ctx, http.StatusUnprocessableEntity, "validation failed",
					&huma.ErrorDetail{Location: loc, Message: nulMessage})
				return
			}
		}
		next(bodyContext{humaContext: ctx, body: io.MultiReader(bytes.NewReader(body), ctx.BodyReader())})
	}
}

// nulLocation returns the location (body.a.b[2]) of the first string in
// data that holds U+0000. Malformed JSON is left for the decoder.
func nulLocation(data []byte) (string, bool) {
	c := keyChecker{lex: jsonLexer{data: data}, nul: true}
	var nul *nulError
	if err := c.value(); errors.As(err, &nul) {
		return nul.location, true
	}
	return "", false
}

// isJSON reports whether Huma reads a body of this content type as JSON:
// application/json, any +json type, or no content type at all.
func isJSON(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// bodyContext is a Huma context whose body is replaced, here by the bytes
// refuseNUL read followed by whatever it left unread.
type bodyContext struct {
	humaContext
	body io.Reader
}

// humaContext lets bodyContext embed huma.Context, whose own Context
// method would clash with a field named Context.
type humaContext = huma.Context

// BodyReader implements huma.Context.
func (c bodyContext) BodyReader() io.Reader { return c.body }
