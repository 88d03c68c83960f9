package httpapi

import (
	"fmt"

	"github.com/danielgtaylor/huma/v2"
)

// obj is a JSON object in an example.
type obj = map[string]any

// One story runs through the examples, so that the reference page shows
// calls that fit together: Acme Support Ltd ports two New York numbers
// from Old Telco into its instance in us-east-1.
const (
	exAccount  = "acc_k3q7m2xv5nbd4rtw6yza"
	exInstance = "inst_h2c4w7ke5pqs3vbn6dfa"
	exRequest  = "req_m5tq2ydw7ckf4hzr3bsa"
	exOrder    = "po_b7xk3vq2mdw5rt4nch6a"
	exKey      = "key_q4ws7n2bxr5kdm3tf6ha"
	exEndpoint = "whe_t6nd3kq7w2hcx5mbr4va"
	exCreated  = "2026-03-02T14:05:00Z"
	exUpdated  = "2026-03-04T09:12:31Z"
	exNumber1  = "+12125550123"
	exNumber2  = "+12125550188"
)

var (
	exFlow          = "flow_c6m2x7kq4rdw3nbt5hva"
	exAssociation   = obj{"phone_number": exNumber1, "contact_flow_id": exFlow}
	exInventory     = obj{"instance_id": exInstance, "phone_number": exNumber1, "status": "active", "contact_flow_id": exFlow, "port_order_id": exOrder, "updated_at": exUpdated}
	exCallRecord    = obj{"instance_id": exInstance, "phone_number": exNumber1, "at": "2026-03-20T15:02:11Z", "source": "sbc-1.acme.example", "outcome": "answered", "contact_flow_id": exFlow}
	exTestCall      = obj{"id": "tc_w5k2q7nx3mdr4bt6hcaa", "run_id": "run_p3n7w2kq5xd4bm6rtc4a", "port_order_id": exOrder, "phone_number": exNumber1, "target": "sip:127.0.0.1:5060", "sip_status": 200, "expected_flow_id": exFlow, "answered_flow_id": exFlow, "result": "pass", "at": "2026-03-20T14:31:00Z"}
	exHour          = obj{"hour": "2026-03-20T15:00:00Z", "calls": 14, "answered": 13}
	exTraffic       = obj{"phone_number": exNumber1, "answered": 13, "hours": []any{exHour}}
	exChecklistItem = obj{"item": "traffic_at_expected_level", "state": "pass", "owner": "team", "evidence": "every number checked (2) took calls since the port", "traffic": []any{exTraffic}}
	exCarrier       = "car_r3w7k2mx5qvd4nbt6hca"
	exRejection     = obj{"code": "ENTITY_NAME_MISMATCH", "field": "loa.entity_name", "carrier_value": "ACME SUPPORT LIMITED", "message": "Name on the account differs."}
	exAnswerResult  = obj{"outcome": "applied", "port_order_id": exOrder, "status": "exception"}
	exCarrierInput  = obj{"name": "Old Telco", "aliases": []any{"Old Telco Inc.", "OldTel"}, "countries": []any{"US"}, "gateway": "http",
		"settings": obj{"base_url": "https://port.oldtelco.example/v1"}, "secrets": obj{"signing_secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
		"routes": []any{obj{"country": "US", "losing_carrier": "Old Telco"}}}
	exCarrierBody = obj{"id": exCarrier, "name": "Old Telco", "aliases": []any{"Old Telco Inc.", "OldTel"}, "countries": []any{"US"},
		"gateway": "http", "settings": obj{"base_url": "https://port.oldtelco.example/v1"}, "secrets_set": []any{"signing_secret"},
		"routes": []any{obj{"country": "US", "losing_carrier": "Old Telco"}}, "enabled": true, "version": 1,
		"created_at": exCreated, "updated_at": exUpdated}
	exAddress  = obj{"street": "350 Fifth Avenue, Suite 4100", "city": "New York", "region": "NY", "postal_code": "10118", "country": "US"}
	exCustomer = obj{"role": "customer", "account_id": exAccount, "key_id": exKey}
	exLOA      = obj{
		"entity_name": "Acme Support Ltd", "service_address": exAddress,
		"authorized_person": obj{"name": "Jane Roe", "title": "IT Director"},
		"account_number":    "OT-448812", "pin_set": true, "btn": "+12125550100", "signed_on": "2026-03-03",
	}
	exCSR = obj{
		"account_name": "Acme Support Ltd", "service_address": exAddress, "authorized_contact": "Jane Roe",
		"btn": "+12125550100", "account_number": "OT-448812", "phone_numbers": []any{exNumber1, exNumber2},
		"source": "staff", "recorded_at": "2026-03-03T10:20:00Z",
	}
	exFinding = obj{"code": "MISSING_DOCUMENT", "severity": "blocking", "field": "documents.loa_signed",
		"expected": "loa_signed", "hint": "upload a document of type loa_signed"}
	exSlot = obj{"start": "2026-03-20T14:00:00Z", "end": "2026-03-20T16:00:00Z", "zone": "America/New_York",
		"day": "2026-03-20", "window": "10:00-12:00", "local_start": "2026-03-20T10:00:00-04:00", "local_end": "2026-03-20T12:00:00-04:00"}
	exOrderBody = obj{
		"id": exOrder, "port_request_id": exRequest, "account_id": exAccount, "instance_id": exInstance,
		"status": "awaiting_loa", "waiting_on": "customer", "country": "US", "losing_carrier": "Old Telco", "number_kind": "did",
		"phone_numbers": []any{
			obj{"phone_number": exNumber1, "number_type": "fixed_line_or_mobile", "range_holder": "Verizon", "status": "portable"},
			obj{"phone_number": exNumber2, "number_type": "fixed_line_or_mobile", "range_holder": "Verizon", "status": "portable"},
		},
		"phone_number_counts": obj{"portable": 2}, "phone_numbers_total": 2, "phone_numbers_truncated": false,
		"requested_foc_at": "2026-03-20T14:00:00Z", "respond_by": "2026-04-03T09:12:31Z", "next_deadline_at": "2026-03-11T09:12:31Z",
		"loa": exLOA, "csr": exCSR, "findings": []any{exFinding}, "attention": []any{},
		"allowed_actions": []any{"submit_loa", "cancel"}, "version": 3, "created_at": exCreated, "updated_at": exUpdated,
	}
	exEvent = obj{"id": 1042, "type": "port_order.status_changed", "account_id": exAccount, "port_request_id": exRequest,
		"port_order_id": exOrder, "actor": obj{"role": "specialist", "key_id": "key_p2mv6cx3rt7dnw4kb5qa"}, "at": exUpdated,
		"before": obj{"status": "review"}, "after": obj{"status": "awaiting_loa"}}
	exInvitation = obj{"id": "inv_w3k7q2mx5bd4rtn6hcva", "email": "jane.roe@acme.example", "role": "customer", "account_id": exAccount,
		"invited_by": exKey, "created_at": exCreated, "expires_at": "2026-03-09T14:05:00Z"}
	exAPIKey = obj{"id": exKey, "account_id": exAccount, "role": "customer", "prefix": "pd_live_9f3k",
		"expires_at": "2027-03-02T00:00:00Z", "last_used_at": "2026-03-04T09:12:00Z", "created_at": exCreated}
	exEndpointBody = obj{"id": exEndpoint, "account_id": exAccount, "url": "https://hooks.acme.example/portdesk",
		"event_types": []any{"port_order.status_changed"}, "enabled": true, "consecutive_failures": 0, "created_at": exCreated}
	exDeliveryBody = obj{"id": "dlv_w3kq6m2xr7bt5nhd4cfa", "endpoint_id": exEndpoint, "event_id": 1042, "message_id": "msg_1042",
		"state": "delivered", "attempts": 1, "created_at": exUpdated, "updated_at": exUpdated}
	exQuotaRequest = obj{"id": "qr_t4kd8mw2xq6vbn3rc7ha", "instance_id": exInstance, "account_id": exAccount, "quota": "phone_numbers",
		"value": 20, "reason": "Porting 12 support numbers on 2026-03-20.", "status": "open", "created_by": "key_c7vn2qx5mk4tr8wd3bha", "created_at": exCreated}
	exContactFlowBody = obj{"id": "flow_r5dm2kq7xw3nct6bh4ya", "instance_id": exInstance, "name": "Support main menu", "created_at": exCreated}
	exDocumentBody    = obj{"id": "doc_c6wn3hq5xk2mr7dt4bva", "port_order_id": exOrder, "account_id": exAccount, "type": "loa_signed",
		"filename": "loa-signed.pdf", "content_type": "application/pdf", "size": 184322,
		"sha256": "9b1c0e6f3a7d2b8e4f5a6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b", "uploaded_by": exCustomer, "created_at": exUpdated}
	exMessageBody = obj{"id": "msg_x2kd7qm4wb5rn3ht6cva", "port_request_id": exRequest, "author": exCustomer,
		"body": "The signed LOA is attached; our IT director signed it in ink.", "created_at": exUpdated}
	exCheckResult = obj{"phone_number": exNumber1, "input": "(212) 555-0123", "valid": true, "portable": true, "country": "US",
		"number_type": "fixed_line_or_mobile", "number_kind": "did", "losing_carrier": "Old Telco", "range_holder": "Verizon", "reasons": []any{}}
	exCheckGroup = obj{"country": "US", "losing_carrier": "Old Telco", "number_kind": "did", "phone_numbers": []any{exNumber1, exNumber2}}
	exNumbers    = obj{"phone_numbers": []any{"(212) 555-0123", "+1 212 555 0188"}, "current_carrier": "Old Telco", "default_country": "US"}
	exContact    = obj{"name": "Jane Roe", "email": "jane.roe@acme.example", "phone": "+12125550100"}
	exPrefs      = obj{"language": "en", "methods": []any{"email"}, "time_zone": "America/New_York"}
	exAttest     = obj{"signature": "wet", "legible": true}
	exDeadline   = obj{"id": 311, "port_order_id": exOrder, "account_id": exAccount, "kind": "respond_reminder",
		"due_at": "2026-03-11T09:12:31Z", "state": "pending", "created_at": exUpdated,
		"on_miss": "the customer is reminded that an answer is due"}
	exAccountBody  = obj{"id": exAccount, "name": "Acme Support Ltd", "support_plan": "premium", "created_at": exCreated}
	exInstanceBody = obj{"id": exInstance, "account_id": exAccount, "name": "Acme support center", "arn": "arn:aws:connect:us-east-1:123456789012:instance/h2c4w7ke5pqs3vbn6dfa", "region": "us-east-1", "quotas": obj{"phone_numbers": 50, "concurrent_calls": 100, "outbound_countries": []any{"US", "CA"}}, "created_at": exCreated}
	exPortRequest  = obj{
		"id": exRequest, "account_id": exAccount, "case_type": "technical", "instance_id": exInstance,
		"severity": "normal", "subject": "Port our support lines", "description": "Two New York support lines.",
		"current_carrier": "Old Telco", "authorized_contact": exContact, "contact_preferences": exPrefs,
		"rejected_numbers": []any{}, "created_at": exCreated,
	}
)

// schemaExamples holds an example of every schema in the document, by the
// schema's name. TestSchemaExamples checks that every schema has one and
// that each is valid against its schema.
var schemaExamples = map[string]any{
	// The port day.
	"AssociationBody":        exAssociation,
	"AssociateInputBody":     obj{"associations": []any{exAssociation}},
	"AssociateOneInputBody":  obj{"contact_flow_id": exFlow},
	"InventoryOutputBody":    obj{"data": []any{exInventory}},
	"InstancePatchInputBody": obj{"sip_target": "sip:edge.acme.example:5060;transport=tcp"},
	"CallRecordBody":         exCallRecord,
	"CallRecordsInputBody":   obj{"records": []any{exCallRecord}},
	"CallRecordsOutputBody":  obj{"recorded": 1},
	"TestCall":               exTestCall,
	"TestCallRun":            obj{"run_id": "run_p3n7w2kq5xd4bm6rtc4a", "target": "sip:127.0.0.1:5060", "calls": []any{exTestCall}, "passed": 1, "failed": 0},
	"ChecklistItem":          exChecklistItem,
	"Checklist": obj{"port_order_id": exOrder, "status": "ported", "foc_at": "2026-03-20T14:00:00Z", "ready": false,
		"items": []any{exChecklistItem}},
	"ChecklistAttestation": obj{"by": exKey, "at": exUpdated, "note": "the old IVR now plays a moved message"},
	"AttestInputBody":      obj{"item": "old_traffic_stopped", "note": "the old IVR now plays a moved message"},
	"NumberTraffic":        exTraffic,
	"HourCalls":            exHour,
	// The carrier exchange.
	"CarrierCreateInputBody": exCarrierInput,
	"CarrierUpdateInputBody": obj{"settings": obj{"base_url": "https://port.northwind.example/v1"}, "enabled": true},
	"Carrier":                exCarrierBody,
	"CarriersOutputBody":     obj{"data": []any{exCarrierBody}},
	"CarrierRoute":           obj{"country": "US", "losing_carrier": "Old Telco"},
	"CarrierRejection":       exRejection,
	"CarrierLink": obj{"carrier_id": exCarrier, "carrier_name": "Old Telco", "gateway": "http", "reference": "OT-PORT-55120",
		"submissions": 1, "submitted_at": exUpdated, "last_sequence": 2, "last_answer_at": exUpdated},
	"CarrierAnswerInputBody": obj{"type": "rejected", "reference": "OT-PORT-55120", "rejections": []any{exRejection},
		"message": "Name on the account differs."},
	"AnswerResult":              exAnswerResult,
	"CarrierCallbackOutputBody": obj{"outcome": "applied", "results": []any{exAnswerResult}},
	// Requests.
	"AccountCreateInputBody":     obj{"name": "Acme Support Ltd", "support_plan": "premium"},
	"ApiKeyCreateInputBody":      obj{"role": "customer", "expires_at": "2027-03-02T00:00:00Z"},
	"StaffKeyCreateInputBody":    obj{"role": "specialist", "expires_at": "2027-03-02T00:00:00Z"},
	"InstanceCreateInputBody":    obj{"name": "Acme support center", "region": "us-east-1"},
	"ContactFlowCreateInputBody": obj{"name": "Support main menu"},
	"NumberFields":               exNumbers,
	"PortRequestCreateInputBody": obj{
		"instance_id": exInstance, "severity": "normal", "subject": "Port our support lines",
		"description": "Two New York support lines.", "authorized_contact": exContact, "contact_preferences": exPrefs,
		"phone_numbers": []any{"(212) 555-0123"}, "current_carrier": "Old Telco", "default_country": "US",
		"phone_number_entries": []any{obj{"phone_number": "+1 212 555 0188", "current_carrier": "Old Telco", "account_number": "OT-448812"}},
	},
	"MessageCreateInputBody": obj{"body": "The signed LOA is attached; our IT director signed it in ink."},
	"PortOrderPatchInputBody": obj{
		"instance_id": exInstance, "requested_foc_at": "2026-03-20T14:00:00Z", "pin": "4821",
		"loa": obj{"entity_name": "Acme Support Ltd", "service_address": exAddress,
			"authorized_person": obj{"name": "Jane Roe", "title": "IT Director"},
			"account_number":    "OT-448812", "btn": "+12125550100", "signed_on": "2026-03-03"},
	},
	"CsrInput": obj{"account_name": "Acme Support Ltd", "service_address": exAddress, "authorized_contact": "Jane Roe",
		"btn": "+12125550100", "account_number": "OT-448812", "phone_numbers": []any{exNumber1, exNumber2}},
	"AttestationInput":            exAttest,
	"ActionInputBody":             obj{"foc_at": "2026-03-20T14:00:00Z"},
	"WebhookCreateInputBody":      obj{"url": "https://hooks.acme.example/portdesk", "event_types": []any{"port_order.status_changed"}},
	"WebhookUpdateInputBody":      obj{"enabled": true},
	"ReplayInputBody":             obj{"after": 1000, "limit": 100},
	"ClockAdvanceInputBody":       obj{"advance": "72h"},
	"Entry":                       obj{"phone_number": "+1 212 555 0188", "current_carrier": "Old Telco", "account_number": "OT-448812"},
	"LimitRequest":                obj{"region": "us-east-1", "new_limit_value": 25},
	"Contact":                     exContact,
	"ContactPreferences":          exPrefs,
	"Address":                     exAddress,
	"LOAPerson":                   obj{"name": "Jane Roe", "title": "IT Director"},
	"PartialPort":                 obj{"remaining_numbers": []any{"+12125550100"}, "remaining_action": "keep"},
	"LOAData":                     exLOA,
	"CSR":                         exCSR,
	"Attestation":                 obj{"signature": "wet", "legible": true, "by": "key_p2mv6cx3rt7dnw4kb5qa", "at": "2026-03-05T15:40:00Z"},
	"Finding":                     exFinding,
	"Slot":                        exSlot,
	"Principal":                   exCustomer,
	"OrderNumber":                 obj{"phone_number": exNumber1, "number_type": "fixed_line_or_mobile", "range_holder": "Verizon", "status": "portable"},
	"Attention":                   obj{"code": "deadline_failed", "deadline_kind": "load_numbers", "message": "Loading the numbers into the instance failed: the instance's number quota is reached.", "since": "2026-03-17T14:00:00Z"},
	"Exception":                   obj{"code": "CSR_MISMATCH", "message": "The service address does not match the carrier's record.", "at": "2026-03-06T16:02:00Z"},
	"FOCOverride":                 obj{"reason": "The carrier confirmed this date by phone.", "rule": "too_soon", "message": "The date is fewer than 3 business days away.", "by": "key_p2mv6cx3rt7dnw4kb5qa", "at": "2026-03-09T11:00:00Z"},
	"RejectedNumber":              obj{"phone_number": "+6561234567", "reasons": []any{"country_not_supported"}},
	"Quotas":                      obj{"phone_numbers": 50, "concurrent_calls": 100, "outbound_countries": []any{"US", "CA"}},
	"QuotaRequestCreateInputBody": obj{"quota": "phone_numbers", "value": 20, "reason": "Porting 12 support numbers on 2026-03-20."},
	"QuotaRequestDenyInputBody":   obj{"reason": "50 concurrent calls need a contract change; your account manager will call."},
	"QuotaRequest":                exQuotaRequest,
	"QuotaRequestsOutputBody":     obj{"data": []any{exQuotaRequest}},
	"QuotaUsage":                  obj{"quota": "phone_numbers", "value": 5, "in_use": 12},
	"InstanceQuotas": obj{"instance_id": exInstance, "quotas": []any{
		obj{"quota": "phone_numbers", "value": 5, "in_use": 12},
		obj{"quota": "concurrent_calls", "value": 10},
		obj{"quota": "outbound_countries", "value": 2, "countries": []any{"CA", "US"}},
	}, "open_requests": []any{exQuotaRequest}},
	"ErrorDetail":               obj{"location": "body.phone_numbers[0]", "message": "not a phone number"},
	"CheckResult":               exCheckResult,
	"CheckGroup":                exCheckGroup,
	"RequirementsOutputBody":    obj{"country": "US", "number_kind": "did", "supported": true, "documents": []any{"loa_signed", "invoice|csr"}, "entity": "any", "time_zone": "America/New_York", "porting_windows": []any{"10:00-12:00", "14:00-16:00"}, "weekdays": []any{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}, "notes": []any{}},
	"Account":                   exAccountBody,
	"APIKey":                    exAPIKey,
	"ApiKeyBody":                withFields(exAPIKey, obj{"key": "pd_live_9f3k6wq2mx7bt4rnd5hc3vza"}),
	"InvitationCreateInputBody": obj{"email": "jane.roe@acme.example", "role": "customer", "account_id": exAccount},
	"InvitationBody":            withFields(exInvitation, obj{"token": "pdi_Zk3mQ7wX2rT9bN4cV6hJ8sD1fG5aL0eY"}),
	"ApiKeysOutputBody":         obj{"data": []any{exAPIKey}},
	"Instance":                  exInstanceBody,
	"ContactFlow":               exContactFlowBody,
	"ContactFlowsOutputBody":    obj{"data": []any{exContactFlowBody}},
	"InstancePhoneNumber":       obj{"instance_id": exInstance, "phone_number": exNumber1, "status": "pending_port", "port_order_id": exOrder, "updated_at": exUpdated},
	"PhoneNumbersOutputBody":    obj{"data": []any{obj{"instance_id": exInstance, "phone_number": exNumber1, "status": "active", "contact_flow_id": "flow_r5dm2kq7xw3nct6bh4ya", "updated_at": exUpdated}}},
	"PortabilityOutputBody":     obj{"results": []any{exCheckResult}, "groups": []any{exCheckGroup}},
	"PortRequestBody":           withFields(exPortRequest, obj{"port_orders": []any{exOrderBody}, "messages": []any{exMessageBody}}),
	"PortRequest":               exPortRequest,
	"Message":                   exMessageBody,
	"PortOrderBody":             exOrderBody,
	"OrderNumbersOutputBody": obj{"data": []any{
		obj{"phone_number": exNumber1, "number_type": "fixed_line_or_mobile", "range_holder": "Verizon", "status": "portable"},
	}, "next_cursor": "bjk5"},
	"PortOrderListOutputBody":   obj{"data": []any{exOrderBody}, "next_cursor": "eyJpZCI6InBvX2I3eGszdnEybWR3NXJ0NGNoNmEifQ"},
	"PortRequestListOutputBody": obj{"data": []any{exPortRequest}, "next_cursor": "eyJjIjoiMjAyNi0wMy0wMlQxNDowNTowMFoiLCJpIjoicmVxX201dHEyeWR3N2NrZjRoenIzYnNhIn0"},
	"InstanceListOutputBody":    obj{"data": []any{exInstanceBody}, "next_cursor": "eyJjIjoiMjAyNi0wMy0wMlQxNDowNTowMFoiLCJpIjoiaW5zdF9oMmM0dzdrZTVwcXMzdmJuNmRmYSJ9"},
	"AccountListOutputBody":     obj{"data": []any{exAccountBody}, "next_cursor": "eyJjIjoiMjAyNi0wMy0wMlQxNDowNTowMFoiLCJpIjoiYWNjX2szcTdtMnh2NW5iZDRydHc2eXphIn0"},
	"Event":                     exEvent,
	"EventsOutputBody":          obj{"data": []any{exEvent}, "next_cursor": 1042},
	"Document":                  exDocumentBody,
	"DocumentsOutputBody":       obj{"data": []any{exDocumentBody}},
	"FindingsOutputBody":        obj{"data": []any{exFinding}},
	"DeadlineBody":              exDeadline,
	"DeadlinesOutputBody":       obj{"data": []any{exDeadline}},
	"FocWindowsOutputBody":      obj{"data": []any{exSlot}},
	"WebhookEndpoint":           exEndpointBody,
	"WebhookBody":               withFields(exEndpointBody, obj{"secret": "whsec_MfKQ9r8GKYqXTwJg4n4Tz2vKaB7hS0pQe1oYxWcR5dU="}),
	"WebhooksOutputBody":        obj{"data": []any{exEndpointBody}},
	"Delivery":                  exDeliveryBody,
	"DeliveriesOutputBody":      obj{"data": []any{exDeliveryBody}},
	"ReplayOutputBody":          obj{"queued": 12},
	"ClockOutputBody":           obj{"now": "2026-03-07T09:12:31Z", "offset_seconds": 259200, "deadlines_fired": 2},
	"Problem": obj{"type": "about:blank", "status": 409, "title": "Conflict", "code": "conflict",
		"detail": "cannot approve_loa an order in state awaiting_loa", "allowed_actions": []any{"submit_loa", "cancel"}},
}

// withFields returns a copy of base with more fields, for a body that
// embeds another object.
func withFields(base, more obj) obj {
	out := obj{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

// setSchemaExamples gives every schema its example. A name that is not in
// the registry is a mistake in schemaExamples (a renamed type): it stops
// the server from starting rather than silently dropping the example.
func setSchemaExamples(r huma.Registry) {
	schemas := r.Map()
	for name, ex := range schemaExamples {
		s, ok := schemas[name]
		if !ok {
			panic(fmt.Sprintf("httpapi: example for unknown schema %s", name))
		}
		s.Examples = []any{ex}
	}
}
