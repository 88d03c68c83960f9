package porting

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string // want "" means refused
	}{
		{"2026-11-30", "2026-11-30"},
		{"2026-11-30T00:00:00Z", "2026-11-30"},
		{"2026-11-30T23:00:00-08:00", "2026-11-30"}, // as written, not 2026-12-01 UTC
		{"2026-11-30T01:00:00+14:00", "2026-11-30"},
		{"2026-02-29", ""},
		{"2026-11-31", ""},
		{"30/11/2026", ""},
		{"2026-11-30 10:00", ""},
		{"0000-01-01", ""},
		{"", ""},
	}
	for _, tt := range tests {
		d, err := ParseDate(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ParseDate(%q) = %s, want an error", tt.in, d)
		case tt.want == "" && ErrorCode(err) != EINVALID:
			t.Errorf("ParseDate(%q) error %v, want code %s", tt.in, err, EINVALID)
		case tt.want != "" && (err != nil || d.String() != tt.want):
			t.Errorf("ParseDate(%q) = %s, %v; want %s", tt.in, d, err, tt.want)
		}
	}
}

func TestDateJSONAndArithmetic(t *testing.T) {
	t.Parallel()
	var v struct {
		On *Date `json:"on"`
	}
	if err := json.Unmarshal([]byte(`{"on": "2024-02-28"}`), &v); err != nil || v.On == nil {
		t.Fatalf("unmarshal: %v", err)
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) != `{"on":"2024-02-28"}` {
		t.Errorf("marshal = %s, %v", b, err)
	}
	d := *v.On
	if got := d.AddDays(1).String(); got != "2024-02-29" {
		t.Errorf("AddDays(1) = %s, want the leap day", got)
	}
	if got := d.AddDays(16).DaysSince(d); got != 16 {
		t.Errorf("DaysSince = %d, want 16", got)
	}
	if !d.AddDays(1).After(d) || d.After(d) {
		t.Error("After is not strict")
	}
	mx, _ := time.LoadLocation("America/Mexico_City")
	if got := d.In(mx).UTC(); !got.Equal(time.Date(2024, 2, 28, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("In(Mexico City) = %v, want 06:00 UTC", got)
	}
	if _, err := (Date{}).MarshalText(); err == nil {
		t.Error("the zero Date marshals")
	}
}
