package main

import (
	"os/exec"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// TestVersionFromBuildInfo builds the real binary and checks that
// `portdesk version` prints the module version and VCS revision that
// `go version -m` reads from the same binary, not a placeholder.
func TestVersionFromBuildInfo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the real binary")
	}
	bin := binary(t)
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("portdesk version: %v", err)
	}
	got := strings.TrimSpace(string(out))
	meta, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	modVersion := regexp.MustCompile(`(?m)^\s+mod\s+\S+\s+(\S+)`).FindSubmatch(meta)
	if modVersion == nil {
		t.Fatalf("go version -m shows no main module:\n%s", meta)
	}
	if want := "portdesk " + string(modVersion[1]) + " ("; !strings.HasPrefix(got, want) {
		t.Errorf("portdesk version = %q, want it to start with %q", got, want)
	}
	if rev := regexp.MustCompile(`(?m)^\s+build\s+vcs\.revision=(\S+)`).FindSubmatch(meta); rev != nil {
		if want := "revision " + string(rev[1][:12]); !strings.Contains(got, want) {
			t.Errorf("portdesk version = %q, want %q", got, want)
		}
	} else if !strings.Contains(got, "revision unknown") {
		t.Errorf("portdesk version = %q, built without VCS information, want it to say so", got)
	}
}

func TestDescribeBuild(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	tests := []struct {
		name     string
		info     debug.BuildInfo
		override string
		want     string
	}{
		{"release", debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}, Settings: vcs(
			"vcs.revision", "69001a0e8f2b4c1d9e7a6b5c4d3e2f1a0b9c8d7e", "vcs.time", "2026-01-02T03:04:05Z", "vcs.modified", "false")},
			"", "v1.2.3 (revision 69001a0e8f2b, 2026-01-02T03:04:05Z)"},
		{"modified checkout", debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260102030405-69001a0e8f2b+dirty"}, Settings: vcs(
			"vcs.revision", "69001a0e8f2b4c1d9e7a6b5c4d3e2f1a0b9c8d7e", "vcs.modified", "true")},
			"", "v0.0.0-20260102030405-69001a0e8f2b+dirty (revision 69001a0e8f2b, modified)"},
		{"no vcs", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			"", "(devel) (revision unknown: built outside a VCS checkout)"},
		{"ldflags override", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("vcs.revision", "abc123")},
			"v2.0.0", "v2.0.0 (revision abc123)"},
	}
	for _, tt := range tests {
		if got := describeBuild(&tt.info, tt.override); got != tt.want {
			t.Errorf("%s: describeBuild = %q, want %q", tt.name, got, tt.want)
		}
	}
}
