package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/portdesk/portdesk/porting"
)

// checkListEntries generates n entries of a customer's list: written forms
// of US and UK numbers, invalid strings, repeats (some far apart, across
// batches), toll-free numbers, carriers and account numbers, formulas.
func checkListEntries(n int) [][3]string {
	rnd := rand.New(rand.NewPCG(14, 2026))
	var out [][3]string
	for i := range n {
		var number string
		switch k := rnd.IntN(20); {
		case k < 8:
			number = fmt.Sprintf("+1212555%04d", rnd.IntN(3000))
		case k < 10:
			number = fmt.Sprintf("(415) 555-%04d", rnd.IntN(3000))
		case k < 12:
			number = fmt.Sprintf("+44 20 7946 %04d", rnd.IntN(3000))
		case k < 13:
			number = fmt.Sprintf("1-800-555-%04d", rnd.IntN(100))
		case k < 14:
			number = fmt.Sprintf("00 33 1 42 68 %02d %02d", rnd.IntN(100), rnd.IntN(100))
		case k < 15:
			number = "not a number " + strconv.Itoa(i)
		case k < 16:
			number = "=HYPERLINK(\"x\")"
		case k < 17 && i > 0:
			number = out[rnd.IntN(i)][0] // a repeat, often in another batch
		default:
			number = fmt.Sprintf("%03d-555-%04d", 200+rnd.IntN(700), rnd.IntN(10000))
		}
		var carrier, account string
		if rnd.IntN(3) == 0 {
			carrier = []string{"Old Telco", "Verizon", "BT, plc", "Orange \"FR\""}[rnd.IntN(4)]
		}
		if rnd.IntN(4) == 0 {
			account = "ACC-" + strconv.Itoa(rnd.IntN(5))
		}
		out = append(out, [3]string{number, carrier, account})
	}
	return out
}

// writeCheckCSV writes entries as a CSV with a header row.
func writeCheckCSV(t testing.TB, path string, entries [][3]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"Phone Number", "Current Carrier", "Account Number"})
	for _, e := range entries {
		w.Write(e[:])
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// runCheckCommand runs `portdesk check` in process and returns its
// standard output.
func runCheckCommand(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), append([]string{"check"}, args...), &stdout, &stderr); err != nil {
		t.Fatalf("portdesk check %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.String()
}

// TestCheckCommandMatchesAPI checks 3,000 entries through POST
// /v1/portability-checks and through `portdesk check` in batches of 700
// (so repeats cross batches), as NDJSON and as CSV, and compares every
// field of every answer.
func TestCheckCommandMatchesAPI(t *testing.T) {
	entries := checkListEntries(3000)
	_, c := testServer(t, "", false)
	var body []map[string]string
	for _, e := range entries {
		body = append(body, map[string]string{"phone_number": e[0], "current_carrier": e[1], "account_number": e[2]})
	}
	api := c.must(http.StatusOK, "POST", "/v1/portability-checks", testAdminToken,
		map[string]any{"phone_number_entries": body, "current_carrier": "Hint Telco", "default_country": "us"})
	want := list(t, api, "results")
	if len(want) != len(entries) {
		t.Fatalf("API answered %d results for %d entries", len(want), len(entries))
	}

	path := filepath.Join(t.TempDir(), "list.csv")
	writeCheckCSV(t, path, entries)
	flags := []string{"--batch", "700", "--current-carrier", "Hint Telco", "--default-country", "us", "--quiet"}

	ndjson := runCheckCommand(t, append(flags, "--format", "ndjson", path)...)
	sc := bufio.NewScanner(strings.NewReader(ndjson))
	i := 0
	for ; sc.Scan(); i++ {
		var got map[string]any
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, sc.Bytes())
		}
		if i < len(want) && !reflect.DeepEqual(got, want[i]) {
			t.Errorf("result %d (%q): ndjson %v, API %v", i, entries[i][0], got, want[i])
		}
	}
	if i != len(want) {
		t.Errorf("ndjson has %d lines, want %d", i, len(want))
	}

	rows, err := csv.NewReader(strings.NewReader(runCheckCommand(t, append(flags, path)...))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want)+1 {
		t.Fatalf("CSV has %d rows, want a header and %d", len(rows), len(want))
	}
	header := rows[0]
	for i, row := range rows[1:] {
		w := want[i].(map[string]any)
		for j, name := range header {
			if got, want := row[j], csvCell(w[name]); got != want && got != "'"+want {
				t.Errorf("result %d %s: CSV %q, API %q", i, name, got, want)
			}
			if strings.HasPrefix(row[j], "'") && strings.IndexAny(csvCell(w[name]), "=+-@") != 0 {
				t.Errorf("result %d %s: CSV %q quoted though the API says %q", i, name, row[j], csvCell(w[name]))
			}
		}
	}
	duplicates := strings.Count(ndjson, "duplicate_in_request")
	if duplicates < 100 {
		t.Errorf("only %d duplicates in the list; the test no longer crosses batches", duplicates)
	}
}

// csvCell writes a JSON value of an API answer as the CSV does.
func csvCell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case []any:
		var s []string
		for _, e := range v {
			s = append(s, e.(string))
		}
		return strings.Join(s, " ")
	}
	return fmt.Sprint(v)
}

// checkLines opts in to a second, larger run of TestCheckCommandMemory:
// go test -run TestCheckCommandMemory -v -timeout 30m ./cmd/portdesk/ -check.lines=10000000
var checkLines = flag.Int("check.lines", 0, "also check a list of this many lines in TestCheckCommandMemory (beyond 1,000,000) and print both peaks side by side")

// TestCheckCommandMemory is the acceptance of issue 14: the real binary
// checks a 1,000,000-line CSV with a peak resident set under 200 MB,
// writes one answer per line and finds exactly the repeats a bitmap of
// the numbers finds. With -check.lines it then checks that many lines
// (spilling the numbers seen to encrypted temporary files beyond
// 1,000,000) and wants the peak within 32 MB of the first: memory flat.
func TestCheckCommandMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("checks a million numbers with the real binary")
	}
	const lines = 1_000_000
	rss, rate := checkMemory(t, lines)
	if rss > 200e6 {
		t.Errorf("peak RSS %d bytes for %d lines, want under 200 MB", rss, lines)
	}
	if *checkLines <= lines {
		return
	}
	rssN, rateN := checkMemory(t, *checkLines)
	t.Logf("peak RSS %.1f MB at %d lines, %.1f MB at %d (+%.1f MB); %s and %s", float64(rss)/1e6, lines,
		float64(rssN)/1e6, *checkLines, float64(rssN-rss)/1e6, rate, rateN)
	if rssN > 200e6 || rssN-rss > 32e6 {
		t.Errorf("peak RSS %.1f MB at %d lines against %.1f MB at %d: want under 200 MB and within 32 MB",
			float64(rssN)/1e6, *checkLines, float64(rss)/1e6, lines)
	}
}

// checkMemory runs portdesk check on a generated CSV of n lines and
// returns its peak resident set and its summary's rate.
func checkMemory(t *testing.T, n int) (int64, string) {
	dir, tmp := t.TempDir(), t.TempDir()
	in, out := filepath.Join(dir, "list.csv"), filepath.Join(dir, "answers.csv")
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("phone_number,current_carrier,account_number\n")
	rnd := rand.New(rand.NewPCG(1, 2))
	// The oracle: one bit per possible number of the list.
	seen, duplicates := make([]uint64, 5*8_000_000/64), 0
	for i := range n {
		area, local := i%5, rnd.IntN(8_000_000)
		if bit := area*8_000_000 + local; seen[bit/64]&(1<<(bit%64)) != 0 {
			duplicates++
		} else {
			seen[bit/64] |= 1 << (bit % 64)
		}
		fmt.Fprintf(w, "+1%d%07d,Carrier %d,ACC-%d\n", []int{212, 415, 312, 617, 202}[area], 2_000_000+local, i%7, i%13)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	var stderr bytes.Buffer
	cmd := exec.Command(binary(t), "check", "-o", out, in)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("portdesk check: %v\n%s", err, stderr.String())
	}
	maxRSS := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // KiB on Linux
	summary := strings.TrimSpace(lastLine(stderr.String()))
	t.Logf("peak RSS %.1f MB for %d lines; %s", float64(maxRSS)/1e6, n, summary)
	answers, dups := countAnswers(t, out)
	if answers != n {
		t.Errorf("%d answers written, want %d", answers, n)
	}
	if dups != duplicates {
		t.Errorf("%d answers duplicate_in_request, want %d", dups, duplicates)
	}
	if !strings.Contains(stderr.String(), thousands(int64(n))+" numbers checked") {
		t.Errorf("no summary on standard error:\n%s", stderr.String())
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left in the temporary directory: %s", left[0].Name())
	}
	rate := summary
	if i := strings.Index(summary, "("); i >= 0 {
		rate = summary[i+1 : i+strings.Index(summary[i:], ")")]
	}
	return maxRSS, rate
}

// countAnswers counts the answers of a CSV written by portdesk check, and
// those that say duplicate_in_request.
func countAnswers(t *testing.T, path string) (answers, duplicates int) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // the header
	for sc.Scan() {
		answers++
		if bytes.Contains(sc.Bytes(), []byte(porting.ReasonDuplicateInRequest)) {
			duplicates++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return answers, duplicates
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// TestCheckCommandExitStatus runs the binary: invalid numbers exit 0,
// unreadable input exits non-zero naming the line, standard input is
// read with -, and progress comes as lines when standard error is no
// terminal.
func TestCheckCommandExitStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary")
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	many := strings.Repeat("+12125550100\nnonsense\n", 20_000)
	tests := []struct {
		name   string
		args   []string
		stdin  string
		ok     bool
		stdout string // in standard output
		stderr string // in standard error
	}{
		{"invalid numbers", []string{write("bad.txt", "nonsense\n12\n")}, "", true, "nonsense,nonsense,false,false", "0 portable, 2 invalid"},
		{"stdin ndjson", []string{"--format", "ndjson", "-"}, "+44 20 7946 0958\n", true, `"phone_number":"+442079460958"`, "1 numbers checked"},
		{"progress lines", []string{"--progress-every", "1ms", "--batch", "100", write("many.txt", many)}, "", true, "", "numbers, 100%"},
		{"binary", []string{write("x.bin", "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00")}, "", false, "", "not a number list"},
		{"long cell on line 3", []string{write("long.csv", "a,b\n1,2\n3,"+strings.Repeat("x", 2000)+"\n")}, "", false, "", "line 3: cell 2 is 2000 bytes"},
		{"missing file", []string{filepath.Join(dir, "none.csv")}, "", false, "", "no such file"},
		{"bad format", []string{"--format", "xml", write("ok.txt", "1\n")}, "", false, "", "want csv or ndjson"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(binary(t), append([]string{"check"}, tt.args...)...)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(tt.stdin), &stdout, &stderr
			err := cmd.Run()
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok %v\n%s", err, tt.ok, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.stdout) || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stdout %.300q, stderr %.300q; want %q and %q", stdout.String(), stderr.String(), tt.stdout, tt.stderr)
			}
			if strings.Contains(stderr.String(), "\r") {
				t.Errorf("a bar drawn on a pipe: %q", stderr.String())
			}
		})
	}
}
