package jobs

import (
	"context"
	"log/slog"
	"strings"
)

// routineRiverMessages end the messages River logs at info level while all
// is well: the producers' job counts every few seconds and the maintenance
// services' reports. They are what an operator sees scrolling by at the
// default level, and they say nothing an operator acts on.
var routineRiverMessages = []string{": Producer job counts", ": Ran successfully"}

// riverLogHandler passes River's logs on, with its routine info messages
// lowered to debug: they show with --log-level debug and stay out of the
// log otherwise. Warnings and errors pass unchanged.
type riverLogHandler struct{ next slog.Handler }

func (h riverLogHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h riverLogHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level == slog.LevelInfo && routineRiverMessage(r.Message) {
		if !h.next.Enabled(ctx, slog.LevelDebug) {
			return nil
		}
		r.Level = slog.LevelDebug
	}
	return h.next.Handle(ctx, r)
}

func (h riverLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return riverLogHandler{h.next.WithAttrs(attrs)}
}

func (h riverLogHandler) WithGroup(name string) slog.Handler {
	return riverLogHandler{h.next.WithGroup(name)}
}

func routineRiverMessage(msg string) bool {
	for _, m := range routineRiverMessages {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}
