package porting

import (
	"encoding/json"
	"testing"
)

// TestAttestationReadsOldShape reads attestations as stored before the
// signature kind existed: only the wet_signature boolean.
func TestAttestationReadsOldShape(t *testing.T) {
	tests := []struct {
		stored string
		want   SignatureKind
		wet    *bool
	}{
		{`{"wet_signature": true, "legible": true, "by": "key_staff"}`, SignatureWet, ptrBool(true)},
		{`{"wet_signature": false, "legible": true}`, SignatureNotWet, ptrBool(false)},
		{`{"legible": true}`, "", nil},
		{`{"signature": "printed", "wet_signature": false}`, SignaturePrinted, ptrBool(false)},
		{`{"signature": "electronic"}`, SignatureElectronic, nil},
	}
	for _, tt := range tests {
		var a Attestation
		if err := json.Unmarshal([]byte(tt.stored), &a); err != nil {
			t.Fatalf("Unmarshal(%s): %v", tt.stored, err)
		}
		if a.Signature != tt.want {
			t.Errorf("Unmarshal(%s).Signature = %q, want %q", tt.stored, a.Signature, tt.want)
		}
		if (a.WetSignature == nil) != (tt.wet == nil) || a.WetSignature != nil && *a.WetSignature != *tt.wet {
			t.Errorf("Unmarshal(%s).WetSignature = %v, want %v", tt.stored, a.WetSignature, tt.wet)
		}
	}
}

func TestSetSignatureMirrorsTheBoolean(t *testing.T) {
	for _, k := range append(SignatureKinds, SignatureNotWet) {
		var a Attestation
		a.SetSignature(k)
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var back Attestation
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back.Signature != k || back.WetSignature == nil || *back.WetSignature != (k == SignatureWet) {
			t.Errorf("SetSignature(%s) round trip = %s %v", k, back.Signature, back.WetSignature)
		}
	}
}

func ptrBool(b bool) *bool { return &b }
