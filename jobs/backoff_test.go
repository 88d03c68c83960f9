package jobs

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempt int
		want    time.Duration
	}{{1, 10 * time.Second}, {2, 20 * time.Second}, {3, 40 * time.Second}, {9, 2560 * time.Second}, {10, time.Hour}, {40, time.Hour}}
	for _, tt := range tests {
		if got := backoff(10*time.Second, tt.attempt); got != tt.want {
			t.Errorf("backoff(10s, %d) = %v, want %v", tt.attempt, got, tt.want)
		}
	}
}
