package workflow

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"maps"
	"net/url"
	"slices"
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

// linkSignature is the HMAC-SHA256 of a document link under a key drawn
// from the entry's secrets (its signing secret, else its API credentials),
// so a link verifies only while those secrets stay; "" for an entry
// without secrets: its links never verify.
func linkSignature(entry *porting.Carrier, docID string, expires int64) string {
	if len(entry.Secrets) == 0 {
		return ""
	}
	key := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(entry.Secrets)) {
		key.Write([]byte(k + "=" + entry.Secrets[k] + "\n"))
	}
	m := hmac.New(sha256.New, key.Sum(nil))
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

// FetchCSR asks the carrier the order's route names for the CSR of the
// account on the order's LOA (account number and PIN) and records it as
// the carrier's (staff). The carrier's call runs outside the transaction.
func (s *Carriers) FetchCSR(ctx context.Context, p porting.Principal, orderID string) (*porting.PortOrder, error) {
	if !p.Role.Staff() {
		return nil, porting.Errorf(porting.EFORBIDDEN, "only the porting team fetches a CSR from the carrier")
	}
	o, carriers, err := s.orderAndRegistry(ctx, orderID)
	if err != nil {
		return nil, err
	}
	if !o.Status.BeforeSubmission() {
		return nil, porting.Errorf(porting.ECONFLICT, "the CSR is fixed once the order is at the carrier (status %s)", o.Status)
	}
	if o.LOA == nil || strings.TrimSpace(o.LOA.AccountNumber) == "" {
		return nil, porting.FieldErrorf("loa.account_number", "the LOA names no account number to ask the carrier for")
	}
	gw, err := s.gateway(s.entryOf(o, carriers))
	if err != nil {
		return nil, err
	}
	csr, err := gw.FetchCSR(ctx, porting.CSRQuery{AccountNumber: o.LOA.AccountNumber, PIN: o.LOA.PIN, PhoneNumber: firstOf(o.HeldNumbers())})
	if errors.Is(err, porting.ErrGatewayUnsupported) {
		return nil, porting.Errorf(porting.ECONFLICT, "the carrier of this order (%s) gives no CSR by API; record the one it sent (PATCH csr)", o.LosingCarrier)
	}
	if err != nil {
		return nil, err
	}
	if err := checkCarrierCSR(csr); err != nil {
		return nil, err
	}
	if err := normalizeCSRNumbers(o.Country, csr); err != nil {
		return nil, porting.Errorf(porting.EUNAVAILABLE, "the carrier's CSR lists a number portdesk cannot read: %s", porting.ErrorMessage(err))
	}
	var out *porting.PortOrder
	err = s.store.InTx(ctx, func(tx porting.Tx) error {
		cur, err := tx.FindPortOrder(ctx, orderID)
		if err != nil {
			return err
		}
		if !cur.Status.BeforeSubmission() {
			return porting.Errorf(porting.ECONFLICT, "the order went to the carrier while its CSR was fetched (status %s); the CSR is fixed now", cur.Status)
		}
		before := cur.Clone()
		csr.Source, csr.RecordedAt = "carrier", s.clock.Now()
		cur.CSR = csr
		if err := s.orders.saveOrder(ctx, tx, p, before, cur, porting.EventOrderUpdated); err != nil {
			return err
		}
		out = cur
		return s.orders.loa.present(ctx, tx, out)
	})
	return out, err
}

// firstOf is the first item of list, or "".
func firstOf(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

// checkCarrierCSR bounds what a carrier's CSR may hold, as a typed-in one
// is bounded.
func checkCarrierCSR(c *porting.CSR) error {
	a := c.ServiceAddress
	long := len(c.AccountName) > porting.MaxNameLength || len(c.AuthorizedContact) > porting.MaxNameLength ||
		len(a.Street) > porting.MaxNameLength || len(a.City) > porting.MaxShortNameLength || len(a.Region) > porting.MaxShortNameLength ||
		len(a.PostalCode) > 20 || len(a.Country) > 60 || len(c.BTN) > porting.MaxNumberInput ||
		len(c.AccountNumber) > porting.MaxNumberInput || len(c.PhoneNumbers) > porting.MaxNumbersPerRequest
	if long {
		return porting.Errorf(porting.EUNAVAILABLE, "the carrier's CSR has a field longer than portdesk accepts; record the CSR by hand (PATCH csr)")
	}
	return nil
}
