package httpapi

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/workflow"
)

// TestOperationDescriptions checks that every operation says who may call
// it, and that operationDescriptions names no operation that is gone.
func TestOperationDescriptions(t *testing.T) {
	doc := NewServer(&workflow.Service{}, nil).OpenAPI()
	seen := map[string]bool{}
	for path, item := range doc.Paths {
		for _, o := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if o == nil {
				continue
			}
			seen[o.OperationID] = true
			if !strings.Contains(o.Description, "**Who:**") && !strings.Contains(o.Description, "| who |") {
				t.Errorf("%s %s (%s): the description does not say who may call it: %q", o.Method, path, o.OperationID, o.Description)
			}
			if len(o.Tags) == 0 {
				t.Errorf("%s %s: no tag", o.Method, path)
			}
		}
	}
	for id := range operationDescriptions {
		if !seen[id] {
			t.Errorf("operationDescriptions describes %s, which is not an operation", id)
		}
	}
}

// TestActionsDescription checks the action table against the domain's:
// every action appears with each of its starting states.
func TestActionsDescription(t *testing.T) {
	d := actionsDescription()
	for _, a := range []string{
		"| approve | review | awaiting_loa | admin, specialist |",
		"| record_foc | submitted | foc_confirmed | admin, specialist, the carrier gateway |",
		"| load_numbers | foc_confirmed | numbers_loaded | admin, specialist, the desk itself (deadlines) |",
		"| restart | cancelled | review | admin, specialist, customer |",
	} {
		if !strings.Contains(d, a) {
			t.Errorf("the actions description lacks the row %q:\n%s", a, d)
		}
	}
}

// TestSchemaExamples checks that every schema in the document carries an
// example, and that the example is valid against its schema: as the server
// would read it for a schema requests use, as a client would otherwise.
func TestSchemaExamples(t *testing.T) {
	doc := NewServer(&workflow.Service{}, nil).OpenAPI()
	reg := doc.Components.Schemas
	requestSchemas := referencedSchemas(t, doc)
	for name, s := range reg.Map() {
		mode := huma.ModeReadFromServer
		if requestSchemas[name] {
			mode = huma.ModeWriteToServer
		}
		if len(s.Examples) == 0 {
			t.Errorf("schema %s has no example", name)
			continue
		}
		for _, ex := range s.Examples {
			b, err := json.Marshal(ex)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var v any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			res := &huma.ValidateResult{}
			huma.Validate(reg, s, huma.NewPathBuffer([]byte{}, 0), mode, v, res)
			for _, e := range res.Errors {
				t.Errorf("the example of %s is not valid: %v", name, e)
			}
		}
	}
}

// TestOpenAPIDocumentMetadata checks what the linter asks of the document
// as a whole: a server, a contact, and every tag used declared.
func TestOpenAPIDocumentMetadata(t *testing.T) {
	doc := NewServer(&workflow.Service{}, nil).OpenAPI()
	if len(doc.Servers) == 0 || doc.Info.Contact == nil {
		t.Fatalf("servers %v, contact %v: want both", doc.Servers, doc.Info.Contact)
	}
	declared := map[string]bool{}
	for _, tag := range doc.Tags {
		declared[tag.Name] = true
	}
	for path, item := range doc.Paths {
		for _, o := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			for _, tag := range opTags(o) {
				if !declared[tag] {
					t.Errorf("%s uses tag %q, which is not declared", path, tag)
				}
			}
		}
	}
}

// referencedSchemas returns the names of the schemas request bodies use,
// directly or through other schemas.
func referencedSchemas(t *testing.T, doc *huma.OpenAPI) map[string]bool {
	t.Helper()
	ref := regexp.MustCompile(`#/components/schemas/(\w+)`)
	out := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
			if !out[m[1]] {
				out[m[1]] = true
				walk(doc.Components.Schemas.Map()[m[1]])
			}
		}
	}
	for _, item := range doc.Paths {
		for _, o := range []*huma.Operation{item.Post, item.Put, item.Patch} {
			if o != nil && o.RequestBody != nil {
				walk(o.RequestBody)
			}
		}
	}
	return out
}

func opTags(o *huma.Operation) []string {
	if o == nil {
		return nil
	}
	return o.Tags
}
