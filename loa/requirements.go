package loa

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/portdesk/portdesk/porting"
)

// Requirement is what a port from one country and number kind needs on
// paper: the documents to upload, who may port, and a note.
type Requirement struct {
	Country    string   `json:"country"`
	NumberKind string   `json:"number_kind"`
	Documents  []string `json:"documents"`
	// Documents lists the document types to upload; "invoice|csr" means
	// either will do. Entity is "business" when only businesses may port,
	// else "any".
	Entity string `json:"entity"`
	Note   string `json:"note,omitempty"`
}

//go:embed requirements.csv
var requirementsCSV string

var (
	requirementsOnce sync.Once
	requirementRows  []Requirement
)

func loadRequirements() []Requirement {
	requirementsOnce.Do(func() {
		rows, err := parseRequirements(requirementsCSV)
		if err != nil {
			panic("loa: embedded requirements.csv: " + err.Error())
		}
		requirementRows = rows
	})
	return requirementRows
}

func parseRequirements(data string) ([]Requirement, error) {
	recs, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) < 2 || strings.Join(recs[0], ",") != "country,number_kind,documents,entity,note" {
		return nil, fmt.Errorf("unexpected header %v", recs[0])
	}
	var out []Requirement
	for i, r := range recs[1:] {
		if !slices.Contains(porting.Entities, r[3]) {
			return nil, fmt.Errorf("line %d: entity %q", i+2, r[3])
		}
		out = append(out, Requirement{Country: r[0], NumberKind: r[1], Documents: strings.Split(r[2], ";"), Entity: r[3], Note: r[4]})
	}
	return out, nil
}

// Requirements returns what a port from country (ISO alpha-2) of the given
// number kind needs: the most specific row of the embedded table (country
// and kind, then country, then the default for everywhere).
func Requirements(country, kind string) Requirement {
	country = strings.ToUpper(strings.TrimSpace(country))
	best, score := Requirement{}, -1
	for _, r := range loadRequirements() {
		s := 0
		switch {
		case r.Country == country:
			s += 2
		case r.Country != "*":
			continue
		}
		switch {
		case r.NumberKind == kind:
			s++
		case r.NumberKind != "*":
			continue
		}
		if s > score {
			best, score = r, s
		}
	}
	best.Country, best.NumberKind = country, kind
	best.Documents = append([]string(nil), best.Documents...)
	return best
}
