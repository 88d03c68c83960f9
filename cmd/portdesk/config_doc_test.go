package main

import (
	"flag"
	"io"
	"os"
	"strings"
	"testing"
)

// TestEveryServeFlagIsDocumented checks that the README's configuration
// table has a row for each flag of `portdesk serve`, with its environment
// variable.
func TestEveryServeFlagIsDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, line := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(line, "| `--") {
			rows = append(rows, line)
		}
	}
	var cfg Config
	newFlagSet("serve", io.Discard, &cfg, true).VisitAll(func(f *flag.Flag) {
		for _, row := range rows {
			if cells := strings.Split(row, "|"); len(cells) > 2 && strings.Contains(cells[1], "`--"+f.Name+"`") {
				if !strings.Contains(cells[2], envName(f.Name)) && !strings.Contains(cells[2], "…") {
					t.Errorf("README's row for --%s does not name %s", f.Name, envName(f.Name))
				}
				return
			}
		}
		t.Errorf("README's configuration table has no row for --%s", f.Name)
	})
}
