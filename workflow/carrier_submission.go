package workflow

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// documentLinkTTL is how long a document link handed to a carrier works.
const documentLinkTTL = 7 * 24 * time.Hour

// submission is what the gateway sends for o: numbers, LOA (PIN
// included), CSR, requested date, the gaining side, and links to the
// order's documents that the carrier may fetch without a key.
func (s *Carriers) submission(ctx context.Context, o *porting.PortOrder, entry *porting.Carrier) (*porting.CarrierSubmission, error) {
	now := s.clock.Now()
	sub := &porting.CarrierSubmission{
		OrderID: o.ID, Country: o.Country, LosingCarrier: o.LosingCarrier, NumberKind: o.NumberKind,
		PhoneNumbers: o.HeldNumbers(), CSR: o.CSR, RequestedFOCAt: o.RequestedFOCAt, SubmittedAt: now,
		Winning: s.winning(entry),
	}
	if o.LOA != nil {
		sub.LOA = *o.LOA
	}
	if o.Carrier != nil && o.Carrier.Reference != "" {
		sub.Reference, sub.Supplement = o.Carrier.Reference, o.Carrier.Submissions
	}
	if entry == nil {
		return sub, nil
	}
	sub.CallbackURL = s.CallbackURL(entry.ID)
	var docs []*porting.Document
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		docs, err = tx.FindDocuments(ctx, o.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	expires := now.Add(documentLinkTTL).Unix()
	for _, d := range docs {
		sub.Documents = append(sub.Documents, porting.CarrierDocument{ID: d.ID, Kind: string(d.Type), Filename: d.Filename,
			ContentType: d.ContentType, Size: d.Size, SHA256: d.SHA256, URL: s.documentLink(entry, d.ID, expires)})
	}
	return sub, nil
}

// winning is the gaining side named to the carrier and on the LOA: the
// routed entry's legal name (a porting provider ports to itself), else the
// operator's legal name and address from the settings.
func (s *Carriers) winning(entry *porting.Carrier) porting.WinningParty {
	if entry != nil && strings.TrimSpace(entry.Settings[porting.SettingLegalName]) != "" {
		return porting.WinningParty{Name: entry.Settings[porting.SettingLegalName], Address: entry.Settings[porting.SettingLegalAddress]}
	}
	return porting.WinningParty{Name: s.settings.OperatorName, Address: s.settings.OperatorAddress}
}

// WinningParty is the gaining side of an order: the one its submission
// names (see winning).
func (s *Carriers) WinningParty(ctx context.Context, tx porting.CarrierStore, o *porting.PortOrder) (porting.WinningParty, error) {
	carriers, err := tx.FindCarriers(ctx)
	if err != nil {
		return porting.WinningParty{}, err
	}
	return s.winning(s.entryOf(o, carriers)), nil
}

// documentLink is a link to a document that works for entry until
// expires (Unix seconds), signed with the entry's signing secret.
func (s *Carriers) documentLink(entry *porting.Carrier, docID string, expires int64) string {
	q := url.Values{"carrier": {entry.ID}, "expires": {strconv.FormatInt(expires, 10)},
		"signature": {linkSignature(entry, docID, expires)}}
	return strings.TrimRight(s.publicURL, "/") + "/v1/carrier-documents/" + url.PathEscape(docID) + "?" + q.Encode()
}

// linkSignature is the HMAC-SHA256 of a document link under the entry's
// signing secret ("" without one: such links never verify).
func linkSignature(entry *porting.Carrier, docID string, expires int64) string {
	secret := entry.Secrets[porting.SecretSigning]
	if secret == "" {
		return ""
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(entry.ID + "\n" + docID + "\n" + strconv.FormatInt(expires, 10)))
	return hex.EncodeToString(m.Sum(nil))
}

// CarrierDocument opens a document through a link handed to a carrier:
// the signature must be the entry's, the link unexpired, and the document
// of an order the entry carries. Every refusal is the same ENOTFOUND, so
// a guesser learns nothing; a download is on the order's timeline.
func (s *Carriers) CarrierDocument(ctx context.Context, carrierID, docID string, expires int64, sig string) (*porting.Document, []byte, error) {
	notFound := porting.Errorf(porting.ENOTFOUND, "document link not valid (unknown, expired or not signed for this carrier)")
	var doc *porting.Document
	var content []byte
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		entry, err := tx.FindCarrier(ctx, carrierID)
		if err != nil {
			return notFound
		}
		want := linkSignature(entry, docID, expires)
		if want == "" || !hmac.Equal([]byte(want), []byte(sig)) || s.clock.Now().Unix() > expires {
			return notFound
		}
		if doc, err = tx.FindDocument(ctx, docID); err != nil {
			return notFound
		}
		o, err := tx.FindPortOrder(ctx, doc.PortOrderID)
		if err != nil {
			return notFound
		}
		carriers, err := tx.FindCarriers(ctx)
		if err != nil {
			return err
		}
		if e := s.entryOf(o, carriers); e == nil || e.ID != carrierID {
			return notFound
		}
		if content, err = tx.ReadDocumentContent(ctx, docID); err != nil {
			return err
		}
		return s.events.record(ctx, tx, carrierPrincipal(entry), porting.EventDocumentDownloaded, orderEvent(o), nil,
			map[string]any{"document_id": doc.ID, "sha256": doc.SHA256, "by": "carrier " + entry.Name})
	})
	if err != nil {
		return nil, nil, err
	}
	return doc, content, nil
}
