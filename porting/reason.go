package porting

// Reason codes explain why a number is not portable. They are stable,
// machine-readable strings; new codes are only ever added at the end.
const (
	// ReasonInvalidNumber means the input is empty, too long, or not a valid number.
	ReasonInvalidNumber = "invalid_number"
	// ReasonCountryNotSupported means the number's country is unknown to the
	// porting dataset or does not accept ports. It also refuses a port time
	// in such a country.
	ReasonCountryNotSupported = "country_not_supported"
	// ReasonNumberKindNotSupportedInCountry means the country accepts ports, but
	// not of this number kind (for example toll-free in BR).
	ReasonNumberKindNotSupportedInCountry = "number_kind_not_supported_in_country"
	// ReasonRangeNotPortable means the number lies in a national range that
	// cannot be ported (the country's unportable prefixes).
	ReasonRangeNotPortable = "range_not_portable"
	// ReasonNumberTypeNotSupported means the number's type (premium rate, pager,
	// voicemail…) has no number kind portdesk ports.
	ReasonNumberTypeNotSupported = "number_type_not_supported"
	// ReasonDuplicateInRequest means the same number appears earlier in the input;
	// the first occurrence is kept.
	ReasonDuplicateInRequest = "duplicate_in_request"
	// ReasonAlreadyOnActiveOrder means the number is on another active port
	// order that the caller may see.
	ReasonAlreadyOnActiveOrder = "already_on_active_order"
	// ReasonNotPortableNow means the number cannot be ported now, for a
	// reason the caller may not learn: it is on another account's active
	// order.
	ReasonNotPortableNow = "not_portable_now"
)

// NumberReasons lists every reason a number is not portable.
var NumberReasons = []string{ReasonInvalidNumber, ReasonCountryNotSupported,
	ReasonNumberKindNotSupportedInCountry, ReasonRangeNotPortable, ReasonNumberTypeNotSupported,
	ReasonDuplicateInRequest, ReasonAlreadyOnActiveOrder, ReasonNotPortableNow}

// Reasons a port time is refused: the rule an FOC or requested date breaks
// (FOCOverride.Rule when staff accept it anyway). ReasonCountryNotSupported
// above refuses a port time too.
const (
	// ReasonNotBusinessDay: the port day is not one of the country's weekdays.
	ReasonNotBusinessDay = "not_business_day"
	// ReasonHoliday: the port day is a public holiday in the country.
	ReasonHoliday = "holiday"
	// ReasonOutsideWindow: the time is outside every porting window.
	ReasonOutsideWindow = "outside_window"
	// ReasonTooSoon: the port day is fewer than the lead business days
	// away, or the time is already past.
	ReasonTooSoon = "too_soon"
	// ReasonLOAExpiresFirst: the LOA is no longer valid at the port time.
	ReasonLOAExpiresFirst = "loa_expires_first"
	// ReasonNoWindowPublished: the country ports but publishes no window;
	// the time is agreed with the carrier on each ticket.
	ReasonNoWindowPublished = "no_window_published"
	// ReasonLoadTooLate: the port date is so close that the numbers could
	// not be loaded into the instance the agreed business days before it.
	ReasonLoadTooLate = "load_too_late"
	// ReasonRescheduleNotice: a reschedule asked with less than the notice
	// it needs before the agreed port date.
	ReasonRescheduleNotice = "reschedule_notice"
)

// PortTimeReasons lists every reason a port time is refused.
var PortTimeReasons = []string{ReasonNotBusinessDay, ReasonHoliday, ReasonOutsideWindow,
	ReasonTooSoon, ReasonLOAExpiresFirst, ReasonNoWindowPublished, ReasonCountryNotSupported,
	ReasonLoadTooLate, ReasonRescheduleNotice}
