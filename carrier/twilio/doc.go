// Package twilio is the carrier gateway that ports numbers to Twilio
// through its Port In API (numbers.twilio.com/v1/Porting/PortIn, a public
// beta), using github.com/twilio/twilio-go for the Port In calls and the
// webhook signature, and the Documents API (numbers-upload.twilio.com) for
// the utility bills a port-in request needs.
//
// Twilio keeps a status on the port-in request and one on each of its
// phone numbers. Status (a poll) and ParseWebhook (a notification) map
// them onto portdesk's carrier answers with one table, so the same state
// yields the same answer ID whichever way it arrives:
//
//	Twilio (request / number)            answer     ID                   sequence
//	in_review                            accepted   {sid}:in_review          1
//	waiting_for_signature                accepted   {sid}:waiting_for_signature 2
//	in_progress / number submitted       accepted   {sid}:in_progress        3
//	number pending, no port date         accepted   {sid}:pending            4
//	number pending with port_date (FOC)  foc        {sid}:foc:{port date}    5
//	number rejected                      rejected   {sid}:rejected:{PU sid}  6
//	action_required, no number rejected  rejected   {sid}:action_required    6
//	expired                              rejected   {sid}:expired            7
//	completed (a number ported)          activated  {sid}:completed          8
//	canceled (or completed, none ported) cancelled  {sid}:canceled           8
//
// The sequence is the state's rank in the lifecycle, so a webhook for an
// earlier state arriving after a later one is recognised as stale.
// Rejection reasons are free text from the losing carrier; the ones that
// clearly name a field of the LOA map to its exception code (a name
// mismatch to ENTITY_NAME_MISMATCH, a PIN to PASSCODE_PIN_INVALID, …), the
// others to OTHER with Twilio's text as the message. An expired request is
// FOC_EXPIRED.
//
// Twilio has no supplement for a port-in request: Supplement cancels the
// request and creates a new one, whose SID becomes the order's reference.
// Twilio activates the numbers itself on the port date, so Activate does
// nothing.
package twilio
