package main

import (
	"runtime/debug"
	"strings"
)

// Version, when set at build time with -ldflags "-X main.Version=…",
// replaces the module version the build information carries.
var Version = ""

// version is what `portdesk version` and the banner print: the module
// version and the VCS revision the binary was built from, as the Go
// toolchain recorded them.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = &debug.BuildInfo{}
	}
	return describeBuild(info, Version)
}

// describeBuild formats info as "v1.2.3 (revision 0123456789ab, 2026-01-02T03:04:05Z,
// modified)"; override, when set, replaces the module version.
func describeBuild(info *debug.BuildInfo, override string) string {
	v := info.Main.Version
	if override != "" {
		v = override
	}
	if v == "" {
		v = "(devel)"
	}
	vcs := map[string]string{}
	for _, s := range info.Settings {
		vcs[s.Key] = s.Value
	}
	rev := vcs["vcs.revision"]
	if rev == "" {
		return v + " (revision unknown: built outside a VCS checkout)"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	parts := []string{"revision " + rev}
	if t := vcs["vcs.time"]; t != "" {
		parts = append(parts, t)
	}
	if vcs["vcs.modified"] == "true" {
		parts = append(parts, "modified")
	}
	return v + " (" + strings.Join(parts, ", ") + ")"
}
