package httpapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/workflow"
)

// secretProperties are the names under which an answer hands out a secret
// (an API key's "key", a webhook endpoint's signing "secret").
var secretProperties = []string{"key", "secret", "token"}

// TestSecretAnswersAreDeclared: every POST whose answer carries a secret
// declares it (answerHoldsSecret), so the idempotency layer never stores
// that answer. A new secret-returning operation that forgets the
// declaration fails here instead of leaking secrets into the database.
func TestSecretAnswersAreDeclared(t *testing.T) {
	t.Parallel()
	api := NewServer(workflow.New(workflow.Config{}), nil).OpenAPI()
	b, err := json.Marshal(api.Components.Schemas)
	if err != nil {
		t.Fatal(err)
	}
	var schemas map[string]struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(b, &schemas); err != nil {
		t.Fatal(err)
	}
	declared := 0
	for path, item := range api.Paths {
		op := item.Post
		if op == nil {
			continue
		}
		holds, _ := op.Metadata[answerHoldsSecret].(bool)
		carries := false
		for status, resp := range op.Responses {
			if !strings.HasPrefix(status, "2") {
				continue
			}
			for _, mt := range resp.Content {
				if mt.Schema == nil || mt.Schema.Ref == "" {
					continue
				}
				props := schemas[strings.TrimPrefix(mt.Schema.Ref, "#/components/schemas/")].Properties
				for _, name := range secretProperties {
					if _, ok := props[name]; ok {
						carries = true
					}
				}
			}
		}
		switch {
		case carries && !holds:
			t.Errorf("POST %s answers with a secret but does not declare answerHoldsSecret", path)
		case holds && !carries:
			t.Errorf("POST %s declares answerHoldsSecret but its answer has no %v", path, secretProperties)
		}
		if holds {
			declared++
		}
	}
	if declared == 0 {
		t.Fatal("no operation declares a secret answer; the test would pass vacuously")
	}
}
