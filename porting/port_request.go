package porting

import "time"

// Severity is the severity of a premium technical case.
type Severity string

// Severities of a technical case.
const (
	SeverityLow      Severity = "low"
	SeverityNormal   Severity = "normal"
	SeverityHigh     Severity = "high"
	SeverityUrgent   Severity = "urgent"
	SeverityCritical Severity = "critical"
)

// Severities lists every severity.
var Severities = []Severity{SeverityLow, SeverityNormal, SeverityHigh, SeverityUrgent, SeverityCritical}

// CaseType is the kind of support case a port request files, decided by
// the account's support plan.
type CaseType string

// Case types: premium accounts file a technical case, basic accounts a
// service-limit increase.
const (
	CaseTechnical     CaseType = "technical"
	CaseLimitIncrease CaseType = "limit_increase"
)

// ContactMethods a customer may choose for answers.
var ContactMethods = []string{"email", "phone", "chat", "web"}

// PortRequest is the customer's support ticket asking for a port. It is
// split into port orders at intake.
type PortRequest struct {
	ID                 string             `json:"id"`
	AccountID          string             `json:"account_id"`
	CaseType           CaseType           `json:"case_type"`
	InstanceID         string             `json:"instance_id,omitempty"`
	Severity           Severity           `json:"severity,omitempty"`
	Subject            string             `json:"subject,omitempty"`
	LimitRequests      []LimitRequest     `json:"limit_requests,omitempty"`
	Description        string             `json:"description"`
	CurrentCarrier     string             `json:"current_carrier,omitempty"`
	AuthorizedContact  Contact            `json:"authorized_contact"`
	ContactPreferences ContactPreferences `json:"contact_preferences"`
	RejectedNumbers    []RejectedNumber   `json:"rejected_numbers"`
	CreatedBy          Principal          `json:"-"`
	CreatedAt          time.Time          `json:"created_at"`
}

// LimitRequest is one line of a basic plan's limit-increase case: the number
// of phone numbers to port into one region.
type LimitRequest struct {
	Region        string `json:"region" maxLength:"40"`
	NewLimitValue int    `json:"new_limit_value" maximum:"100000"`
}

// Contact is the person authorized to make changes to the current service.
type Contact struct {
	Name  string `json:"name" maxLength:"200"`
	Email string `json:"email,omitempty" maxLength:"254"`
	Phone string `json:"phone,omitempty" maxLength:"64"`
}

// ContactPreferences are the customer's preferred language, methods and
// time zone.
type ContactPreferences struct {
	Language string   `json:"language" maxLength:"35"`
	Methods  []string `json:"methods" maxItems:"4"`
	// TimeZone is the IANA zone (Europe/Berlin) messages show times in,
	// UTC beside them; blank means the civil zone of each order's country.
	TimeZone string `json:"time_zone,omitempty" maxLength:"50" doc:"IANA time zone (e.g. Europe/Berlin) in which messages show times, with UTC beside them; when omitted, the civil time zone of each order's country."`
}

// RejectedNumber is a number of a request that no order carries, with why.
type RejectedNumber struct {
	PhoneNumber string   `json:"phone_number"`
	Reasons     []string `json:"reasons"`
}

// Message is one entry in a port request's thread.
type Message struct {
	ID            string    `json:"id"`
	PortRequestID string    `json:"port_request_id"`
	Author        Principal `json:"author"`
	Body          string    `json:"body"`
	CreatedAt     time.Time `json:"created_at"`
}
