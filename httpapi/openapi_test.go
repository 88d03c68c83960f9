package httpapi

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/portdesk/portdesk/workflow"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestOpenAPIGolden keeps the published contract in testdata/openapi.json.
// A changed document must come with a new APIVersion: -update refuses to
// rewrite the golden file under the version it already carries.
func TestOpenAPIGolden(t *testing.T) {
	doc, err := json.MarshalIndent(NewServer(workflow.New(workflow.Config{}), nil).OpenAPI(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	doc = append(doc, '\n')
	path := filepath.Join("testdata", "openapi.json")
	golden, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if bytes.Equal(doc, golden) {
		return
	}
	var old struct {
		Info struct{ Version string } `json:"info"`
	}
	_ = json.Unmarshal(golden, &old)
	if *update {
		if golden != nil && old.Info.Version == APIVersion {
			t.Fatalf("the OpenAPI document changed but APIVersion is still %s: bump it, then run -update", APIVersion)
		}
		if err := os.WriteFile(path, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("the OpenAPI document differs from %s (golden version %s, code %s): bump APIVersion if the contract changed, then run go test ./httpapi -run OpenAPI -update", path, old.Info.Version, APIVersion)
}

func TestOpenAPIIs31(t *testing.T) {
	doc := NewServer(workflow.New(workflow.Config{}), nil).OpenAPI()
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("OpenAPI version %s, want 3.1.0", doc.OpenAPI)
	}
	for _, path := range []string{"/v1/port-requests", "/v1/port-orders/{id}/actions/{action}", "/v1/portability-checks", "/v1/events"} {
		if doc.Paths[path] == nil {
			t.Errorf("OpenAPI document lacks %s", path)
		}
	}
}
