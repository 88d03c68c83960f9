package loa

import "testing"

func TestDifferenceHint(t *testing.T) {
	tests := []struct {
		name, want, got, hint string
	}{
		{"equal", "Acme Inc", "Acme Inc", ""},
		{"blank on the LOA", "NY", "", "blank on the LOA; the CSR shows a value"},
		{"case", "Acme Inc", "ACME INC", "differ only in letter case"},
		{"punctuation", "Acme, Inc.", "Acme Inc", "differ only in punctuation"},
		{"symbol counts as punctuation", "Smith & Sons", "Smith  Sons", "differ only in punctuation"},
		{"spacing", "SW1A 1AA", "SW1A1AA", "differ only in spacing"},
		{"case and punctuation", "ACME, Inc.", "Acme Inc", "differ only in case and punctuation"},
		{"case and spacing", "ACME Inc", "acme  inc", "differ only in case and spacing"},
		{"punctuation and spacing", "Acme,Inc", "Acme Inc", "differ only in punctuation and spacing"},
		{"all three", "A.C.M.E Inc", "a c m e inc", "differ only in case, punctuation and spacing"},
		{"words", "350 Fifth Avenue", "350 5th Avenue",
			`differ from character 5: expected "Fifth Avenue", got "5th Avenue"`},
		{"accents are not case", "Zürich", "Zurich", `differ from character 2: expected "ürich", got "urich"`},
		{"got is shorter", "Acme Inc", "Acme", `differ from character 5: expected " Inc", got nothing more`},
		{"long tails are cut", "Bahnhofstrasse 12 Hinterhaus", "Bahnhofplatz 1",
			`differ from character 8: expected "strasse 12 H"…, got "platz 1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := differenceHint(tt.want, tt.got); got != tt.hint {
				t.Errorf("differenceHint(%q, %q) = %q, want %q", tt.want, tt.got, got, tt.hint)
			}
		})
	}
}

func TestPOBox(t *testing.T) {
	tests := []struct {
		street, match string
		sure          bool
	}{
		{"PO Box 1234", "PO Box", true},
		{"P.O. Box 1234", "P.O. Box", true},
		{"P. O. Box 77", "P. O. Box", true},
		{"P O Box 5", "P O Box", true},
		{"p.o.box 5", "p.o.box", true},
		{"PO. Box 9", "PO. Box", true},
		{"Post Office Box 17", "Post Office Box", true},
		{"GPO Box 2000", "GPO Box", true},
		{"Postfach 10 01 23", "Postfach", true},
		{"Boîte postale 45", "Boîte postale", true},
		{"BOÎTE POSTALE 45", "BOÎTE POSTALE", true},
		{"Boite postale 45", "Boite postale", true},
		{"BP 123", "BP 123", true},
		{"B.P. 88, Cocody", "B.P. 88", true},
		{"Apartado 321", "Apartado 321", true},
		{"Apartado de Correos 12", "Apartado de Correos", true},
		{"Casilla de Correo 9", "Casilla de Correo", true},
		{"Postbus 3000", "Postbus", true},
		{"Caixa Postal 100", "Caixa Postal", true},
		{"POBox 42", "POBox 42", true},
		{"Box 12", "Box 12", false},
		{"RR 2 Box 152", "Box 152", false},
		// Streets that only look like boxes.
		{"12 Box Hill Road", "", false},
		{"Pobox Street 4", "", false},
		{"7 Boxwood Lane", "", false},
		{"1 Xbox Way", "", false},
		{"Sandbox 5", "", false},
		{"Postfachstrasse 3", "", false},
		{"BP Station Road 4", "", false},
		{"350 Fifth Avenue", "", false},
		{"Calle del Apartadero 5", "", false},
		{"Calle Apartado", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.street, func(t *testing.T) {
			match, sure := poBox(tt.street)
			if match != tt.match || sure != tt.sure {
				t.Errorf("poBox(%q) = %q, %v; want %q, %v", tt.street, match, sure, tt.match, tt.sure)
			}
		})
	}
}

func TestPINOnFile(t *testing.T) {
	tests := []struct{ pin, want string }{
		{"", "None"},
		{"  ", "None"},
		{"7", "On file (not shown)"},
		{"123", "On file (not shown)"},
		{" 98765432 ", "On file (not shown)"},
	}
	for _, tt := range tests {
		if got := pinOnFile(tt.pin); got != tt.want {
			t.Errorf("pinOnFile(%q) = %q, want %q", tt.pin, got, tt.want)
		}
	}
}
