package porting

// Limits on what one input may hold. The workflow checks them; the API's
// schema tags repeat the numbers, because a struct tag cannot name a
// constant, and httpapi's TestSchemaLimits fails when a tag and its limit
// drift apart.
const (
	// MaxNameLength bounds a name: an account, instance, contact flow or
	// contact, a case subject, an entity or carrier name, a filename.
	MaxNameLength = 200
	// MaxShortNameLength bounds a city, a region or a person's title.
	MaxShortNameLength = 100
	// MaxTextLength bounds free text: a description, a message.
	MaxTextLength = 10_000
	// MaxNumberInput bounds one written phone number, account number or
	// PIN (E.164 has at most 16 characters; written forms with spaces,
	// punctuation and an extension need more).
	MaxNumberInput = 64
	// MaxNumbersPerRequest bounds the numbers of one request, check, CSR
	// or order action.
	MaxNumbersPerRequest = 100_000
	// MaxEventTypes bounds the event types one webhook endpoint names.
	MaxEventTypes = 100
)
