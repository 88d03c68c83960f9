package voice

import (
	"context"
	"log/slog"

	"github.com/emiago/sipgo/sip"
)

// redactedKeys are the log attributes sipgo fills with whole SIP messages,
// whose From header carries the caller's number: they never reach a log.
var redactedKeys = map[string]bool{"data": true}

// redactingHandler drops the attributes that would log whole messages.
type redactingHandler struct{ next slog.Handler }

// Redacting returns a logger that logs as l does without the attributes
// holding raw SIP messages (and so the caller's number).
func Redacting(l *slog.Logger) *slog.Logger {
	if h, ok := l.Handler().(redactingHandler); ok {
		return slog.New(h)
	}
	return slog.New(redactingHandler{next: l.Handler()})
}

// Enabled implements slog.Handler.
func (h redactingHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle implements slog.Handler.
func (h redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		if !redactedKeys[a.Key] {
			out.AddAttrs(a)
		}
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs implements slog.Handler.
func (h redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	kept := attrs[:0:0]
	for _, a := range attrs {
		if !redactedKeys[a.Key] {
			kept = append(kept, a)
		}
	}
	return redactingHandler{next: h.next.WithAttrs(kept)}
}

// WithGroup implements slog.Handler.
func (h redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{next: h.next.WithGroup(name)}
}

// QuietLibrary points sipgo's package-wide logger (the one its transports
// fall back to) at l, redacted: call it once at start-up.
func QuietLibrary(l *slog.Logger) { sip.SetDefaultLogger(Redacting(l)) }
