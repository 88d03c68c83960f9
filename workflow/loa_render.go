package workflow

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/portdesk/portdesk/loa"
	"github.com/portdesk/portdesk/porting"
)

// LOA file formats.
const (
	FormatPDF  = "pdf"
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
)

// RenderedFile is a generated file.
type RenderedFile struct {
	Filename    string
	ContentType string
	Content     []byte
}

// RenderLOA generates the order's LOA (pdf) or its number attachment (xlsx,
// csv) from the data on file; blank fields print as blank lines to fill.
func (s *LOA) RenderLOA(ctx context.Context, p porting.Principal, orderID, format string) (*RenderedFile, error) {
	o, err := s.orders.GetPortOrder(ctx, p, orderID)
	if err != nil {
		return nil, err
	}
	// The file is stamped with the time the order's data last changed, not
	// the download's: the same data gives the same bytes, so downloading
	// again records nothing new.
	var winning porting.WinningParty
	if err := s.store.View(ctx, func(tx porting.Tx) error {
		// The LOA and its attachment list every number the order holds.
		if err := loadAllNumbers(ctx, tx, o); err != nil {
			return err
		}
		winning, err = s.carriers.WinningParty(ctx, tx, o)
		return err
	}); err != nil {
		return nil, err
	}
	doc := loa.Document{Order: loaOrder(o, winning.String()), GeneratedAt: o.UpdatedAt}
	if o.LOA != nil {
		doc.Data = *o.LOA
	}
	var (
		buf bytes.Buffer
		out = &RenderedFile{}
	)
	switch format {
	case FormatPDF:
		err = loa.RenderPDF(&buf, doc)
		out.Filename, out.ContentType = fmt.Sprintf("loa-%s.pdf", o.ID), "application/pdf"
	case FormatXLSX:
		err = loa.RenderXLSX(&buf, doc)
		out.Filename, out.ContentType = fmt.Sprintf("loa-attachment-%s.xlsx", o.ID), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case FormatCSV:
		err = loa.RenderCSV(&buf, doc)
		out.Filename, out.ContentType = fmt.Sprintf("loa-attachment-%s.csv", o.ID), "text/csv; charset=utf-8"
	default:
		return nil, porting.FieldErrorf("format", "format must be pdf, xlsx or csv")
	}
	var unprintable *loa.UnprintableError
	if errors.As(err, &unprintable) {
		return nil, &porting.Error{Code: porting.EINVALID, Field: "loa",
			Message: fmt.Sprintf("%q cannot be printed on the LOA (only Western European characters); write the name as it appears on the carrier's record in Latin letters", unprintable.Text)}
	}
	if err != nil {
		return nil, fmt.Errorf("workflow: render %s of %s: %w", format, o.ID, err)
	}
	out.Content = buf.Bytes()
	// The hash of every file handed out is kept, so a signed LOA that is
	// the generated file itself is found (LOA_NOT_SIGNED).
	sum := sha256.Sum256(out.Content)
	hash := hex.EncodeToString(sum[:])
	err = s.store.InTx(ctx, func(tx porting.Tx) error {
		known, err := generatedLOAs(ctx, tx, o.ID)
		if err != nil || slices.Contains(known, hash) {
			return err
		}
		return s.events.record(ctx, tx, p, porting.EventLOAGenerated, orderEvent(o), nil,
			generatedFile{Format: format, Filename: out.Filename, SHA256: hash})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// generatedFile is the body of a loa_generated event.
type generatedFile struct {
	Format   string `json:"format"`
	Filename string `json:"filename"`
	SHA256   string `json:"sha256"`
}

// Requirements tells what a port from a country and number kind needs,
// before any order exists: documents, who may port, the porting windows and
// whether the country is supported at all.
func (s *LOA) Requirements(country, kind string) (*CountryRequirements, error) {
	if len(strings.TrimSpace(country)) != 2 {
		return nil, porting.FieldErrorf("country", "country is an ISO 3166 alpha-2 code such as GB")
	}
	if !porting.NumberKind(strings.ToLower(strings.TrimSpace(kind))).Valid() {
		return nil, porting.FieldErrorf("number_kind", "number_kind must be did, toll_free or shared_cost (any case)")
	}
	return countryRequirements(country, kind)
}
