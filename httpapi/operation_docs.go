package httpapi

import (
	"fmt"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portdesk/portdesk/porting"
)

// apiTags declares the tags operations are grouped by, in the order the
// reference page lists them.
var apiTags = []*huma.Tag{
	{Name: "portability", Description: "Which numbers can port, and how a request would split them."},
	{Name: "port requests", Description: "A customer's request to bring numbers: split into port orders, with its conversation."},
	{Name: "port orders", Description: "One order per country, losing carrier, number kind and account number, walked from review to completed."},
	{Name: "loa", Description: "The Letter of Authorization: the generated documents, the check against the CSR, and what a country requires."},
	{Name: "documents", Description: "Files uploaded on an order: signed LOA, invoice, CSR, number lists."},
	{Name: "instances", Description: "The contact-center instances numbers are loaded into."},
	{Name: "accounts", Description: "Customer accounts and API keys."},
	{Name: "events", Description: "The audit log: every change, in order."},
	{Name: "webhooks", Description: "Endpoints that receive events, signed per Standard Webhooks."},
	{Name: "carriers", Description: "The carrier registry and routes, carriers' signed callbacks, and document links handed to carriers (docs/carrier-protocol.md)."},
	{Name: "sandbox", Description: "The sandbox's clock, to walk an order through its deadlines."},
}

// Who may call, phrased once. Customers only ever see their own account's
// data: another account's object answers 404, as if it did not exist.
const (
	whoAnyone   = "**Who:** any API key; customers see their own account's data only (another account's answers 404)."
	whoStaff    = "**Who:** staff (admin, specialist) and customers, who see their own account's data only (another account's answers 404)."
	whoAdmin    = "**Who:** admins only."
	whoAnyState = "**When:** in any state."
)

// operationDescriptions says, for every operation, who may call it and in
// which states; op sets it on the operation. TestOperationDescriptions
// keeps it in step with the registered operations.
var operationDescriptions = map[string]string{
	"create-account": whoAdmin + " The account's first customer key is created with create-api-key.",
	"list-accounts":  "**Who:** staff (admin, specialist); customers get 403 and read their own account with get-account. Oldest first; page with cursor and next_cursor.",
	"get-account":    whoStaff,

	"create-api-key": "**Who:** admins, for any account; customers, for their own account. A key created with a key that expires may not outlive it. " +
		"The secret is in the answer only; store it then. An account holds at most 20 keys that are not revoked (409 beyond).",
	"list-account-api-keys": "**Who:** admins, for any account; customers, for their own account (another account answers 404). Specialists may not list keys.",
	"create-staff-api-key":  whoAdmin + " The key is an admin or specialist key, bound to no account; the secret is in the answer only.",
	"list-api-keys":         "**Who:** admins (every key that is not revoked) and customers (their own account's keys). Specialists may not list keys.",
	"revoke-api-key": "**Who:** admins, any key; customers, their own account's keys (another key answers 404). " +
		"Revoking a revoked key answers it unchanged. The key answers 401 from the next request on, on every replica.",

	"create-invitation": "**Who:** admins invite anyone (a customer user names its account_id); customers invite customers of their own account " +
		"(another account answers 404); specialists invite nobody (403). The token is in the answer only: the person accepts the invitation " +
		"with it in the web console within 7 days, once, choosing a name and a password. No email is sent yet; pass the token on yourself.",

	"list-events": "**Who:** any API key: staff see every event, customers their own account's. " +
		"Page with after and next_cursor; events are never changed or removed.",

	"create-instance": "**Who:** customers, in their own account; staff, naming the account in account_id.",
	"list-instances": "**Who:** staff (admin, specialist) see every account's instances (account_id= narrows them); customers see their own account's, " +
		"and an account_id naming another account still lists only their own. Oldest first; page with cursor and next_cursor.",
	"get-instance":                whoStaff,
	"create-contact-flow":         whoStaff,
	"list-contact-flows":          whoStaff,
	"list-instance-phone-numbers": whoStaff + " The instance's numbers with their status, including those ported orders loaded.",
	"get-instance-quotas": whoStaff + " " + whoAnyState + " Each quota with its value and, for phone_numbers, what is in use: the inventory and the numbers of " +
		"active port orders heading to the instance, each number once. An order whose numbers would not fit shows the blocking QUOTA_SHORTFALL finding.",
	"create-quota-request": "**Who:** customers, for their own account's instances (another account's answers 404); staff, for any. " + whoAnyState +
		" The value must raise the quota (phone_numbers up to 100000, concurrent_calls up to 10000; outbound_countries adds countries). " +
		"An instance holds at most 20 open requests (409 beyond). Send an Idempotency-Key to retry safely.",
	"list-quota-requests": whoStaff + " Newest first, at most limit; status= narrows them.",
	"approve-quota-request": "**Who:** staff (admin, specialist); customers get 403 (another account's request answers 404). " +
		"**When:** while the request is open; a decided request answers 409. The instance's quota is raised to the value (never lowered) with the events, " +
		"and orders whose quota deadline failed try it again.",
	"deny-quota-request": "**Who:** staff (admin, specialist); customers get 403 (another account's request answers 404). " +
		"**When:** while the request is open; a decided request answers 409. The reason is kept on the request for the customer.",

	"check-portability": "**Who:** any API key; nothing is stored. A number already on an active order is reported as already_on_active_order. " +
		"**Large lists:** a JSON body holds at most 100,000 numbers (8 MiB). A `text/csv` body (CSV, one number per line, or XLSX, found from the content; " +
		"default_country and current_carrier as query parameters) holds up to 1,000,000 numbers and 128 MiB, 413 beyond. " +
		"The whole list is read before the answer starts, so a bad line answers 422 naming it; then the answer streams as `application/x-ndjson`: " +
		"one result object per line, in list order, with the fields and reasons of the JSON answer (a number repeated anywhere in the list is duplicate_in_request), " +
		"then one `{\"summary\": {\"numbers\", \"portable\", \"groups\"}}` line whose groups count the numbers of each order an intake would create " +
		"(the numbers themselves are in the result lines). Should the check fail after the answer began, the last line is `{\"error\": problem}` instead.",
	"create-port-request": "**Who:** customers, for their own account; staff, naming the account in account_id. " +
		"Premium accounts file technical cases (instance_id, severity, subject); basic accounts file limit-increase cases (limit_requests). " +
		"Every new order starts in review.",
	"list-port-requests": "**Who:** staff (admin, specialist) see every account's requests (account_id= narrows them); customers see their own account's, " +
		"and an account_id naming another account still lists only their own. Oldest first, without their orders and messages (get-port-request has them); page with cursor and next_cursor.",
	"get-port-request": whoStaff,
	"create-message":   whoStaff + " Whatever the state of the request's orders. A customer's message counts as an answer: it resets the answer deadline (respond_by).",

	"list-port-orders": "**Who:** staff (admin, specialist) see every account's orders (account_id= narrows them); customers see their own account's, " +
		"and an account_id naming another account still lists only their own. " +
		"Every state; filter with status, waiting_on, country, attention and due_before (a pending deadline due before that time), all of which must hold. " +
		"sort=created (the default) lists the oldest first; sort=next_deadline lists the order whose next pending deadline is due first, orders without one last: the team's work queue. " +
		"Page with cursor and next_cursor; a cursor belongs to the filters and sort that returned it.",
	"get-port-order": whoStaff + " " + whoAnyState +
		" allowed_actions lists what the caller may do now; the ETag is the order's version, for If-Match. " +
		"phone_number_counts and phone_numbers_total count all the order's numbers; phone_numbers lists at most the first 100. " +
		"An order with more says phone_numbers_truncated: true and names list-order-numbers in phone_numbers_url; every answer that carries an order (and every event, hence every webhook) does the same.",
	"list-order-numbers": whoStaff + " " + whoAnyState + " The order's numbers in their order, 100 at most a page; filter with status; page with cursor and next_cursor " +
		"(a cursor belongs to the status that returned it). Another account's order is 404 for a customer, as with get-port-order.",
	"update-port-order": "Sets, in one change, any of the fields sent; a field left out keeps its value. Send If-Match with the ETag to refuse the change (412) if the order changed meanwhile.\n\n" +
		"| field | who | states |\n|---|---|---|\n" +
		"| instance_id | customers, staff | until the numbers are loaded: review, awaiting_loa, loa_review, submitted, exception, foc_confirmed |\n" +
		"| requested_foc_at | customers, staff | before submission: review, awaiting_loa, loa_review, exception (after that, use the reschedule action) |\n" +
		"| loa, pin | customers | awaiting_loa, exception |\n" +
		"| loa, pin | staff | review, awaiting_loa, loa_review, exception |\n" +
		"| csr | customers (unless the CSR on file was recorded by staff or the carrier) | awaiting_loa, exception |\n" +
		"| csr, confirm_csr | staff | review, awaiting_loa, loa_review, exception |\n" +
		"| attestation | staff | loa_review |\n\n" +
		"A field sent outside its states answers 409; a staff-only field sent by a customer answers 403. The answer carries the order's findings against the new data.",
	"act-on-port-order":       actionsDescription(),
	"get-port-order-timeline": whoStaff + " " + whoAnyState + " The order's events, oldest first; page with after.",
	"get-deadlines":           whoStaff + " " + whoAnyState + " Each deadline says what happens when it passes (on_miss).",
	"list-foc-windows": whoStaff + " " + whoAnyState + " The windows the porting rules accept from the given time on, late enough to load the numbers before them: " +
		"the dates requested_foc_at, record_foc and reschedule accept.",

	"get-findings": whoStaff + " " + whoAnyState + " Before submission (review, awaiting_loa, loa_review, exception) the LOA is checked " +
		"against the CSR, the documents and the country's requirements now; afterwards only the order's own items remain.",
	"get-loa-pdf":      whoStaff + " " + whoAnyState + " The LOA is generated from the data on file; blank fields print as lines to fill in by hand. ",
	"get-loa-xlsx":     whoStaff + " " + whoAnyState + " The order's numbers as a spreadsheet, for carriers that want the list attached.",
	"get-loa-csv":      whoStaff + " " + whoAnyState + " The order's numbers as CSV, for carriers that want the list attached.",
	"get-requirements": "**Who:** any API key. What an order from this country and number kind must provide: documents, who may port, porting windows.",

	"upload-document": whoStaff + " Any state but the terminal ones (completed, not_portable, cancelled: 409). " +
		"The content is checked for what it is, whatever its name says. A new signed LOA clears the attestation of the previous one.",
	"list-documents":    whoStaff + " " + whoAnyState,
	"download-document": whoStaff + " " + whoAnyState + " The download is recorded on the order's timeline.",

	"associate-phone-numbers": "**Who:** customers, for their own instances; staff, any. All or nothing: a number not in the instance (numbers join it when they are loaded, " +
		"a few business days before the port) or a flow of another instance is 422 naming the entry. An empty contact_flow_id takes the number's flow away. " +
		"A number without a flow receives no calls; numbers keep their flow when the port completes.",
	"associate-phone-number":  "**Who:** customers, for their own instances; staff, any. The flow must be one of the instance's.",
	"dissociate-phone-number": "**Who:** customers, for their own instances; staff, any. The number then receives no calls.",
	"update-instance":         "**Who:** customers, for their own instances; staff, any. sip_target is where test calls go; empty for the desk's built-in SIP ingress.",
	"report-call-records": "**Who:** customers, for their own instances' numbers; staff, any. For platforms with their own SIP edge: up to 1,000 calls per request, " +
		"all or none; they feed the port-day checklist's traffic item as the built-in ingress's calls do. source is an address or a platform name, never the caller's number.",
	"place-test-calls": "**Who:** staff, and customers for their own orders. **When:** porting, ported, awaiting_verification. Calls each number " +
		"(a sample of at most 20, spread over a large order) at the instance's sip_target or the built-in ingress, and records per number the SIP answer and the flow " +
		"that answered against the expected one (pass, misrouted, failed). Test calls are also placed by themselves when the carrier confirms the port.",
	"get-test-calls": whoStaff + " The latest run of test calls.",
	"get-checklist": whoStaff + " " + whoAnyState + " Each item (instance_set, numbers_associated, quotas_in_place, old_traffic_stopped, test_calls_routed, " +
		"agents_ready, traffic_at_expected_level) is pass, fail, pending or attested, with its owner, evidence and due time; reminders go to the owners of open items " +
		"a day before the FOC and on the port's morning.",
	"attest-checklist-item": "**Who:** customers, for their own orders; staff. **When:** from the FOC to completion. Confirms old_traffic_stopped or agents_ready, " +
		"which portdesk cannot observe.",
	"list-carriers": "**Who:** staff (admin, specialist). Every entry of the carrier registry, oldest first; secrets are never returned (secrets_set names them).",
	"create-carrier": whoAdmin + " A name or alias another entry already has is 409. The http gateway needs settings.base_url and secrets.signing_secret; " +
		"the twilio gateway settings.account_sid and secrets.auth_token. Routes name countries of the entry; an order goes to the entry whose route names " +
		"its country and losing carrier, else its country alone, else the manual gateway.",
	"get-carrier":    "**Who:** staff (admin, specialist).",
	"update-carrier": whoAdmin + " Only the fields sent change; in settings and secrets an empty value removes the key. Orders already submitted stay with the entry that submitted them.",
	"carrier-callback": "**Who:** a carrier, without an API key: the body is signed with the carrier's secret (Standard Webhooks headers for the http gateway, " +
		"X-Twilio-Signature for the twilio gateway); a bad signature is 401, an unknown or disabled carrier 404, a body that cannot be read 400 or 422. " +
		"An answer already taken (same id) is a duplicate and changes nothing; one older than the newest applied (lower sequence) is stale: recorded, not applied. " +
		"An FOC the porting rules refuse, or an answer that does not fit the order's state, is recorded and flags the order for the team. " +
		"503 asks the carrier to send the answer again shortly (the submission it answers is still being recorded).",
	"get-carrier-document": "**Who:** a carrier, without an API key, through a link portdesk put in a submission: the link is signed for that carrier " +
		"and expires after 7 days. Any refusal is 404.",
	"retry-carrier-call": "**Who:** staff (admin, specialist). **When:** submitted (the submission or supplement), cancelled after submission (the cancel), porting (the activation). " +
		"Queues the call again after it failed for good (an attention flag carrier_call_failed); the flag clears when it succeeds. " +
		"Changing the carrier's registry entry queues the failed calls of its orders by itself.",
	"fetch-csr": "**Who:** staff (admin, specialist). **When:** before the order is at the carrier (review, awaiting_loa, loa_review, exception). " +
		"Asks the carrier the order's route names for the CSR of the LOA's account number (with its PIN) and records it as the carrier's; " +
		"409 when that carrier gives no CSR by API (the manual gateway: record it with PATCH csr).",
	"enter-carrier-answer": "**Who:** staff (admin, specialist). **When:** the order is at the carrier (submitted) for accepted, foc and rejected; porting for activated. " +
		"The same path as a carrier's callback: an FOC is checked against the porting rules (refused as 422 with next_windows; " +
		"use record_foc with override_reason to accept it anyway), a rejection puts the order in exception with each reason as a finding.",
	"create-webhook-endpoint": "**Who:** customers, for their own account's events; admins, for every account's. Specialists may not. " +
		"The URL must be an absolute http(s) URL on a public address (loopback and private networks only where the server allows them, as in the sandbox).",
	"list-webhook-endpoints": "**Who:** customers see their own account's endpoints, specialists every account's, admins all, including the staff's.",
	"update-webhook-endpoint": "**Who:** customers, their own account's endpoints; admins, any. Specialists may not. " +
		"Enabling an endpoint disabled after repeated failures clears its failure count.",
	"replay-webhooks":         "**Who:** customers, their own account's endpoints; admins, any. Specialists may not. Events are sent again under their original webhook-id.",
	"list-webhook-deliveries": "**Who:** whoever may see the endpoint: customers their own account's, specialists every account's, admins all. The 100 most recent deliveries.",

	"get-sandbox-clock":     "**Who:** any API key, on a server started with --sandbox; elsewhere 404.",
	"advance-sandbox-clock": "**Who:** admins, on a server started with --sandbox; elsewhere 404. Deadlines that fall due fire in due order before the answer.",
}

// actionsDescription states who may take each action in which states,
// from the domain's transition table, so that it cannot drift from it.
func actionsDescription() string {
	var b strings.Builder
	b.WriteString("Moves the order to the action's next state. Send If-Match with the ETag to refuse the action (412) if the order changed meanwhile. " +
		"An action the caller's role may never take answers 403; an action not allowed in the order's state answers 409 with allowed_actions.\n\n")
	b.WriteString("| action | from | to | who |\n|---|---|---|---|\n")
	for _, t := range porting.Transitions {
		var from []string
		for _, s := range t.From {
			from = append(from, string(s))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", t.Action, strings.Join(from, ", "), t.To, actionRoles(t.Roles))
	}
	b.WriteString("\nrestart leaves the cancelled order as it is and answers a new order in review, linked to it by previous_order_id.")
	return b.String()
}

// actionRoles names the API roles among roles; system (the deadline
// sweeper) and carrier (the carrier gateway) take actions too, but no API
// key has their role.
func actionRoles(roles []porting.Role) string {
	var out []string
	for _, r := range roles {
		switch r {
		case porting.RoleSystem:
			out = append(out, "the desk itself (deadlines)")
		case porting.RoleCarrier:
			out = append(out, "the carrier gateway")
		default:
			out = append(out, string(r))
		}
	}
	return strings.Join(out, ", ")
}
