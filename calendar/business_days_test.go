package calendar

import (
	"testing"
	"time"
)

func TestBusinessDaysUntil(t *testing.T) {
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	mon := time.Date(2026, 11, 16, 9, 0, 0, 0, loc) // a Monday
	tests := []struct {
		name string
		to   time.Time
		want int
	}{
		{"same day", mon.Add(3 * time.Hour), 0},
		{"next monday", mon.AddDate(0, 0, 7), 5},
		{"friday", mon.AddDate(0, 0, 4), 4},
		{"saturday", mon.AddDate(0, 0, 5), 4},
		{"before", mon.AddDate(0, 0, -3), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BusinessDaysUntil(mon, tt.to, loc); got != tt.want {
				t.Errorf("BusinessDaysUntil = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestAddBusinessDays(t *testing.T) {
	fri := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	if got, want := AddBusinessDays(fri, 1, time.UTC), fri.AddDate(0, 0, 3); !got.Equal(want) {
		t.Errorf("Friday + 1 = %v, want %v", got, want)
	}
	if got, want := AddBusinessDays(fri.AddDate(0, 0, 3), -5, time.UTC), fri.AddDate(0, 0, -4); !got.Equal(want) {
		t.Errorf("Monday - 5 = %v, want %v", got, want)
	}
}
