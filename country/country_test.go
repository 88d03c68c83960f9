package country

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
)

func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

var weekdaysMonFri = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

func TestLookupCountry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code string
		want Rules
	}{
		{"US", Rules{
			Code: "US", Supported: true, NumberKinds: []string{"did", "toll_free"},
			Windows: []Window{{hm(7, 0), hm(17, 0)}}, TimeZone: "America/Chicago", CivilZone: "America/New_York", Weekdays: weekdaysMonFri,
		}},
		{"cl", Rules{
			Code: "CL", Supported: true, NumberKinds: []string{"did", "toll_free"},
			Windows: []Window{{hm(21, 0), hm(3, 0)}}, TimeZone: "America/Los_Angeles", CivilZone: "America/Santiago", Weekdays: weekdaysMonFri,
		}},
		{"AR", Rules{
			Code: "AR", Supported: true, NumberKinds: []string{"did", "toll_free"},
			Windows:  []Window{{hm(2, 0), hm(4, 0)}, {hm(10, 0), hm(12, 0)}, {hm(15, 0), hm(17, 0)}},
			TimeZone: "America/Argentina/Buenos_Aires", CivilZone: "America/Argentina/Buenos_Aires", Weekdays: weekdaysMonFri,
		}},
		{"FR", Rules{
			Code: "FR", Supported: true, NumberKinds: []string{"did", "toll_free"},
			Windows: []Window{{hm(10, 0), hm(12, 0)}}, TimeZone: "Europe/Berlin", CivilZone: "Europe/Paris", Weekdays: weekdaysMonFri,
			UnportablePrefixes: []string{"162", "163", "270", "271", "377", "378", "424", "425", "568", "569", "948", "949"},
		}},
		{"BR", Rules{
			Code: "BR", Supported: true, NumberKinds: []string{"did"}, TimeZone: "America/Sao_Paulo", CivilZone: "America/Sao_Paulo", Weekdays: weekdaysMonFri,
			Note: "via a partner carrier; open the ticket at least 5 days before the port date; no published window",
		}},
		{" sg ", Rules{Code: "SG", TimeZone: "Asia/Singapore", CivilZone: "Asia/Singapore", Note: "port-out only; in contiguous blocks of 10"}},
		{"ZA", Rules{Code: "ZA", TimeZone: "Africa/Johannesburg", CivilZone: "Africa/Johannesburg"}},
		{"KR", Rules{Code: "KR", CivilZone: "Asia/Seoul"}},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got, ok := Lookup(tt.code)
			if !ok {
				t.Fatalf("Lookup(%q) not found", tt.code)
			}
			if !equalRules(got, tt.want) {
				t.Errorf("Lookup(%q) =\n%+v\nwant\n%+v", tt.code, got, tt.want)
			}
		})
	}
}

func equalRules(a, b Rules) bool {
	return a.Code == b.Code && a.Supported == b.Supported && slices.Equal(a.NumberKinds, b.NumberKinds) &&
		slices.Equal(a.Windows, b.Windows) && a.TimeZone == b.TimeZone && a.CivilZone == b.CivilZone && slices.Equal(a.Weekdays, b.Weekdays) &&
		slices.Equal(a.UnportablePrefixes, b.UnportablePrefixes) && a.Note == b.Note
}

func TestLookupCountryUnknown(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"", "XX", "001", "USA"} {
		if got, ok := Lookup(code); ok {
			t.Errorf("Lookup(%q) = %+v, want not found", code, got)
		}
	}
}

func TestSupportsKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code, kind string
		want       bool
	}{
		{"US", "did", true},
		{"US", "toll_free", true},
		{"US", "shared_cost", false},
		{"BR", "did", true},
		{"BR", "toll_free", false},
		{"JP", "toll_free", true},
		{"SG", "did", false},
		{"KR", "toll_free", false},
	}
	for _, tt := range tests {
		c, _ := Lookup(tt.code)
		if got := c.SupportsKind(tt.kind); got != tt.want {
			t.Errorf("%s.SupportsKind(%q) = %v, want %v", tt.code, tt.kind, got, tt.want)
		}
	}
}

func TestInUnportableRange(t *testing.T) {
	t.Parallel()
	fr, _ := Lookup("FR")
	tests := []struct {
		nsn  string
		want bool
	}{
		{"162123456", true},
		{"949000000", true},
		{"140000000", false},
		{"612345678", false},
		{"16", false},
	}
	for _, tt := range tests {
		if got := fr.InUnportableRange(tt.nsn); got != tt.want {
			t.Errorf("FR.InUnportableRange(%q) = %v, want %v", tt.nsn, got, tt.want)
		}
	}
	if us, _ := Lookup("US"); us.InUnportableRange("1620000000") {
		t.Error("US has no unportable ranges")
	}
}

func TestWindow(t *testing.T) {
	t.Parallel()
	cl, _ := Lookup("CL")
	if w := cl.Windows[0]; !w.CrossesMidnight() || w.String() != "21:00-03:00" {
		t.Errorf("CL window = %v, crosses midnight %v; want 21:00-03:00 crossing midnight", w, w.CrossesMidnight())
	}
	us, _ := Lookup("US")
	if w := us.Windows[0]; w.CrossesMidnight() {
		t.Errorf("US window %v should not cross midnight", w)
	}
	for _, code := range []string{"JP", "BR"} {
		if c, _ := Lookup(code); !c.Supported || len(c.Windows) != 0 {
			t.Errorf("%s: supported %v with windows %v; want supported without a published window", code, c.Supported, c.Windows)
		}
	}
}

func TestCountries(t *testing.T) {
	t.Parallel()
	if _, err := parseCountries(bytes.NewReader(countriesCSV)); err != nil {
		t.Fatalf("embedded countries.csv: %v", err)
	}
	list := All()
	if len(list) != 60 {
		t.Errorf("All() has %d entries, want 60", len(list))
	}
	if !slices.IsSortedFunc(list, func(a, b Rules) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("All() is not sorted by code")
	}
	for _, c := range list {
		if c.Supported != (len(c.NumberKinds) > 0) {
			t.Errorf("%s: supported %v with kinds %v", c.Code, c.Supported, c.NumberKinds)
		}
		for _, zone := range []string{c.TimeZone, c.CivilZone} {
			if zone == "" {
				continue
			}
			if _, err := time.LoadLocation(zone); err != nil {
				t.Errorf("%s: time zone %q: %v", c.Code, zone, err)
			}
		}
		if c.Supported && c.CivilZone == "" {
			t.Errorf("%s: supported without a civil zone", c.Code)
		}
	}
	// The caller owns what it gets back.
	list[0].NumberKinds = append(list[0].NumberKinds[:0], "mutated")
	if again := All(); slices.Contains(again[0].NumberKinds, "mutated") {
		t.Error("All() shares slices with the dataset")
	}
}

func TestParseCountriesRejects(t *testing.T) {
	t.Parallel()
	const header = "country,supported,number_kinds,windows,time_zone,civil_zone,weekdays,unportable_prefixes,note\n"
	tests := []struct {
		name, body, wantErr string
	}{
		{"header", "code,supported\n", "header"},
		{"columns", header + "US,yes,did\n", "wrong number of fields"},
		{"code", header + "usa,yes,did,,America/Chicago,America/New_York,Mon-Fri,,\n", "alpha-2"},
		{"supported", header + "US,maybe,did,,America/Chicago,America/New_York,Mon-Fri,,\n", "yes or no"},
		{"kind", header + "US,yes,did;fax,,America/Chicago,America/New_York,Mon-Fri,,\n", "unknown number kind"},
		{"kinds of unsupported", header + "US,no,did,,America/Chicago,America/New_York,,,\n", "number kinds"},
		{"zone", header + "US,yes,did,,,America/New_York,Mon-Fri,,\n", "time zone"},
		{"civil zone", header + "US,yes,did,,America/Chicago,,Mon-Fri,,\n", "civil zone"},
		{"window", header + "US,yes,did,7-17,America/Chicago,America/New_York,Mon-Fri,,\n", "HH:MM"},
		{"hour", header + "US,yes,did,07:00-24:00,America/Chicago,America/New_York,Mon-Fri,,\n", "23:59"},
		{"empty window", header + "US,yes,did,07:00-07:00,America/Chicago,America/New_York,Mon-Fri,,\n", "empty"},
		{"weekday", header + "US,yes,did,,America/Chicago,America/New_York,Fri-Mon,,\n", "weekdays"},
		{"prefix", header + "FR,yes,did,,Europe/Paris,Europe/Paris,Mon-Fri,16x,\n", "not digits"},
		{"twice", header + "US,no,,,,,,,\nUS,no,,,,,,,\n", "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseCountries(strings.NewReader(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseCountries() error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
