package jobs

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// TestRiverLogHandler feeds River's own messages through the handler at
// the default level: the routine ones are dropped, the rest pass, and at
// debug level the routine ones come back as debug lines.
func TestRiverLogHandler(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		msg   string
		level slog.Level
		shown bool
	}{
		{"producer: Producer job counts", slog.LevelInfo, false},
		{"JobScheduler: Ran successfully", slog.LevelInfo, false},
		{"JobCleaner: Ran successfully", slog.LevelInfo, false},
		{"River client started", slog.LevelInfo, true},
		{"jobexecutor.JobExecutor: Job errored; retrying", slog.LevelInfo, true},
		{"producer: Producer job counts", slog.LevelWarn, true},
		{"JobScheduler: Error scheduling jobs", slog.LevelError, true},
	}
	for _, tt := range tests {
		var info, debug bytes.Buffer
		slog.New(riverLogHandler{slog.NewTextHandler(&info, nil)}).With("client", "c1").Log(ctx, tt.level, tt.msg)
		if got := info.Len() > 0; got != tt.shown {
			t.Errorf("%q at %v: shown at info level = %v, want %v", tt.msg, tt.level, got, tt.shown)
		}
		slog.New(riverLogHandler{slog.NewTextHandler(&debug, &slog.HandlerOptions{Level: slog.LevelDebug})}).Log(ctx, tt.level, tt.msg)
		if !tt.shown && !strings.Contains(debug.String(), "level=DEBUG") {
			t.Errorf("%q: at debug level %q, want a debug line", tt.msg, debug.String())
		}
	}
}
