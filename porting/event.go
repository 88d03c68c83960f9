package porting

import (
	"encoding/json"
	"time"
)

// Event is an append-only record of one change: who did it, when, and the
// object before and after. It is the audit log, the timeline and the source
// of notifications. ID grows with commit order so it serves as a cursor.
type Event struct {
	ID            int64           `json:"id"`
	Type          string          `json:"type"`
	AccountID     string          `json:"account_id,omitempty"`
	PortRequestID string          `json:"port_request_id,omitempty"`
	PortOrderID   string          `json:"port_order_id,omitempty"`
	Actor         Principal       `json:"actor"`
	At            time.Time       `json:"at"`
	Before        json.RawMessage `json:"before,omitempty"`
	After         json.RawMessage `json:"after,omitempty"`
}

// Event types.
const (
	EventAccountCreated        = "account.created"
	EventAPIKeyCreated         = "api_key.created"
	EventAPIKeyRevoked         = "api_key.revoked"
	EventInstanceCreated       = "instance.created"
	EventContactFlowCreated    = "contact_flow.created"
	EventQuotaRequestCreated   = "quota_request.created"
	EventQuotaRequestDecided   = "quota_request.decided"
	EventInstanceQuotasChanged = "instance.quotas_changed"
	EventRequestCreated        = "port_request.created"
	EventMessageCreated        = "port_request.message_created"
	EventOrderCreated          = "port_order.created"
	EventOrderUpdated          = "port_order.updated"
	EventOrderStatusChanged    = "port_order.status_changed"
	EventCarrierSubmission     = "port_order.carrier_submission"
	EventCarrierCancel         = "port_order.carrier_cancellation"
	EventCarrierAnswer         = "port_order.carrier_answer"
	EventInstanceUpdated       = "instance.updated"
	EventTestCalls             = "port_order.test_calls"
	EventChecklistAttested     = "port_order.checklist_attested"
	EventChecklistReminder     = "deadline.checklist_reminder"
	EventCarrierCreated        = "carrier.created"
	EventCarrierUpdated        = "carrier.updated"
	EventInventoryChanged      = "instance.phone_numbers_changed"
	EventLOAChecked            = "port_order.loa_checked"
	EventDocumentUploaded      = "document.uploaded"
	EventDocumentDownloaded    = "document.downloaded"
	EventLOAGenerated          = "port_order.loa_generated"
	EventRespondReminder       = "deadline.respond_reminder"
	EventRespondByPassed       = "deadline.respond_by_passed"
	EventLOAExpired            = "deadline.loa_expired"
	EventQuotaRequestsDue      = "deadline.quota_requests_due"
	EventDeadlineFailed        = "deadline.failed"
	EventAttentionRaised       = "port_order.attention_raised"
	EventWebhookCreated        = "webhook_endpoint.created"
	EventWebhookUpdated        = "webhook_endpoint.updated"
	EventWebhookDisabled       = "webhook_endpoint.disabled"
	EventInvitationCreated     = "invitation.created"
	EventUserCreated           = "user.created"
	EventUserDisabled          = "user.disabled"
	EventUserEmailFailed       = "user.email_failed"
	EventPasswordReset         = "user.password_reset"
)

// EventFilter selects events. AccountID limits them to one account (always
// set for customers), PortOrderID to one order, Type to one event type,
// After is the ID cursor.
type EventFilter struct {
	AccountID   string
	PortOrderID string
	Type        string
	After       int64
	Limit       int
}
