package twiliotest

import (
	"io"
	"net/http"
	"strconv"
	"time"
)

// portInJSON renders a port-in request as the Fetch answer of the
// reference. Callers hold s.mu.
func (s *Server) portInJSON(p *PortIn) map[string]any {
	nums := make([]map[string]any, len(p.Numbers))
	for i, n := range p.Numbers {
		nums[i] = map[string]any{
			"phone_number":                       n.PhoneNumber,
			"port_in_phone_number_sid":           n.SID,
			"port_in_phone_number_status":        n.Status,
			"port_date":                          timeOrNil(n.PortDate),
			"portable":                           true,
			"number_type":                        "LOCAL",
			"rejection_reason":                   stringOrNil(n.RejectionReason),
			"rejection_reason_code":              codeOrNil(n.RejectionCode, true),
			"status_last_time_updated_timestamp": n.Updated.UTC().Format(time.RFC3339),
		}
	}
	return map[string]any{
		"port_in_request_sid":             p.SID,
		"url":                             s.URL + "/v1/Porting/PortIn/" + p.SID,
		"account_sid":                     s.AccountSID,
		"notification_emails":             p.Body.NotificationEmails,
		"target_port_in_date":             stringOrNil(p.Body.TargetPortInDate),
		"target_port_in_time_range_start": stringOrNil(p.Body.TargetPortInTimeRangeStart),
		"target_port_in_time_range_end":   stringOrNil(p.Body.TargetPortInTimeRangeEnd),
		"port_in_request_status":          p.Status,
		"order_cancellation_reason":       nil,
		"losing_carrier_information":      p.Body.LosingCarrierInformation,
		"phone_numbers":                   nums,
		"documents":                       p.Body.Documents,
		"date_created":                    p.Created.UTC().Format(time.RFC3339),
	}
}

// numberJSON renders one phone number as its own resource. Callers hold
// s.mu.
func (s *Server) numberJSON(p *PortIn, n PhoneNumber) map[string]any {
	return map[string]any{
		"port_in_request_sid":         p.SID,
		"phone_number_sid":            n.SID,
		"url":                         s.URL + "/v1/Porting/PortIn/" + p.SID + "/PhoneNumber/" + n.SID,
		"account_sid":                 s.AccountSID,
		"phone_number_type":           "LOCAL",
		"date_created":                p.Created.UTC().Format(time.RFC3339),
		"country":                     "US",
		"missing_required_fields":     false,
		"last_updated":                n.Updated.UTC().Format(time.RFC3339),
		"phone_number":                n.PhoneNumber,
		"portable":                    true,
		"not_portability_reason":      nil,
		"not_portability_reason_code": nil,
		"port_in_phone_number_status": n.Status,
		"rejection_reason":            stringOrNil(n.RejectionReason),
		"rejection_reason_code":       codeOrNil(n.RejectionCode, false),
		"port_date":                   timeOrNil(n.PortDate),
	}
}

// handleUpload stores a multipart document (document_type, friendly_name,
// File) and answers its RD SID (201).
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		writeError(w, http.StatusBadRequest, 20001, "A multipart body is required")
		return
	}
	file, header, err := r.FormFile("File")
	if err != nil || r.FormValue("document_type") == "" {
		writeError(w, http.StatusBadRequest, 20001, "document_type and File are required")
		return
	}
	defer file.Close()
	content, err := io.ReadAll(file)
	if err != nil {
		writeError(w, http.StatusBadRequest, 20001, "File unreadable")
		return
	}
	s.mu.Lock()
	d := Document{SID: s.newSID("RD"), DocumentType: r.FormValue("document_type"),
		FriendlyName: r.FormValue("friendly_name"), Filename: header.Filename, Content: content}
	s.documents = append(s.documents, d)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{
		"sid": d.SID, "account_sid": s.AccountSID, "document_type": d.DocumentType,
		"friendly_name": d.FriendlyName, "mime_type": header.Header.Get("Content-Type"), "status": "uploaded",
	})
}

// timeOrNil renders a time as RFC 3339, nil as null.
func timeOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

// stringOrNil renders "" as null.
func stringOrNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// codeOrNil renders a rejection code, 0 as null: a string in the request's
// list and a number in the phone number resource, as the reference types
// them.
func codeOrNil(code int, asString bool) any {
	switch {
	case code == 0:
		return nil
	case asString:
		return strconv.Itoa(code)
	}
	return code
}
