package console

import "maps"

// catalogueSettings words the settings pages (webhooks, API keys,
// instances and quotas). It lives apart from catalogue.go so the pages can
// be added without touching the other pages' words.
var catalogueSettings = map[string]map[string]string{
	"en": {
		"nav.webhooks": "Webhooks", "nav.api_keys": "API keys", "nav.instances": "Instances and quotas",
		"settings.created": "Created",
		"webhooks.title":   "Webhook endpoints", "webhooks.endpoints": "Endpoints", "webhooks.none": "No webhook endpoints yet.",
		"webhooks.url": "URL", "webhooks.event_types": "Event types", "webhooks.event_types_hint": "Separated by commas, e.g. port_order.status_changed; leave empty for every event.",
		"webhooks.all_events": "All events", "webhooks.state": "State", "webhooks.failures": "Failures in a row",
		"webhooks.enabled": "Enabled", "webhooks.disabled": "Disabled", "webhooks.enable": "Enable", "webhooks.disable": "Disable",
		"webhooks.add": "Add an endpoint", "webhooks.create": "Add endpoint", "webhooks.created": "Endpoint added",
		"webhooks.secret": "Signing secret", "webhooks.secret_once": "Copy the signing secret now: it is shown only this once.",
		"apikeys.title": "API keys", "apikeys.keys": "Keys in use", "apikeys.none": "No API keys yet.", "apikeys.prefix": "Key begins with",
		"apikeys.role": "Role", "apikeys.last_used": "Last used", "apikeys.expires": "Expires", "apikeys.revoke": "Revoke",
		"apikeys.add": "Create a key", "apikeys.create": "Create key", "apikeys.expires_on": "Expiry date (optional)",
		"apikeys.expires_hint": "The key stops working on this day (UTC); at most two years ahead.",
		"apikeys.created":      "Key created", "apikeys.key": "Key", "apikeys.secret_once": "Copy the key now: it is shown only this once, and only its hash is kept.",
		"instances.title": "Instances", "instances.name": "Instance", "instances.region": "Region", "instances.none": "No instances.",
		"instances.quotas_of": "Quotas of",
		"quotas.title":        "Quotas", "quotas.caption": "Quotas and what counts against them now", "quotas.quota": "Quota",
		"quotas.value": "Limit", "quotas.in_use": "In use", "quotas.open_requests": "Open quota requests", "quotas.no_requests": "No open quota requests.",
		"quotas.approve": "Approve", "quotas.deny": "Deny", "quotas.deny_reason": "Why it is denied (the customer reads it)",
		"quotas.ask": "Ask for more", "quotas.new_value": "New limit", "quotas.value_hint": "For phone numbers and concurrent calls: the new value, above the current one.",
		"quotas.countries": "Countries to add", "quotas.countries_hint": "For outbound countries: ISO codes separated by commas, e.g. DE, FR.",
		"quotas.reason": "Why the instance needs it", "quotas.send": "Send request",
		"quota.phone_numbers": "Phone numbers", "quota.concurrent_calls": "Concurrent calls", "quota.outbound_countries": "Outbound countries",
	},
	"es": {
		"nav.webhooks": "Webhooks", "nav.api_keys": "Claves de API", "nav.instances": "Instancias y cuotas",
		"webhooks.title": "Endpoints de webhook", "webhooks.url": "URL", "webhooks.event_types": "Tipos de evento", "webhooks.create": "Añadir endpoint",
		"webhooks.secret": "Secreto de firma", "webhooks.secret_once": "Copie el secreto ahora: solo se muestra esta vez.",
		"apikeys.title": "Claves de API", "apikeys.create": "Crear clave", "apikeys.revoke": "Revocar", "apikeys.expires_on": "Fecha de caducidad (opcional)",
		"apikeys.key": "Clave", "apikeys.secret_once": "Copie la clave ahora: solo se muestra esta vez.",
		"quotas.title": "Cuotas", "quotas.quota": "Cuota", "quotas.new_value": "Nuevo límite", "quotas.countries": "Países a añadir",
		"quotas.reason": "Por qué la instancia lo necesita", "quotas.send": "Enviar solicitud", "quotas.approve": "Aprobar", "quotas.deny": "Denegar",
		"quotas.deny_reason": "Motivo de la denegación",
	},
	"de": {
		"nav.webhooks": "Webhooks", "nav.api_keys": "API-Schlüssel", "nav.instances": "Instanzen und Kontingente",
		"webhooks.title": "Webhook-Endpunkte", "webhooks.url": "URL", "webhooks.event_types": "Ereignistypen", "webhooks.create": "Endpunkt hinzufügen",
		"webhooks.secret": "Signaturgeheimnis", "webhooks.secret_once": "Kopieren Sie das Geheimnis jetzt: es wird nur dieses eine Mal gezeigt.",
		"apikeys.title": "API-Schlüssel", "apikeys.create": "Schlüssel erstellen", "apikeys.revoke": "Widerrufen", "apikeys.expires_on": "Ablaufdatum (optional)",
		"apikeys.key": "Schlüssel", "apikeys.secret_once": "Kopieren Sie den Schlüssel jetzt: er wird nur dieses eine Mal gezeigt.",
		"quotas.title": "Kontingente", "quotas.quota": "Kontingent", "quotas.new_value": "Neues Limit", "quotas.countries": "Hinzuzufügende Länder",
		"quotas.reason": "Wozu die Instanz es braucht", "quotas.send": "Anfrage senden", "quotas.approve": "Genehmigen", "quotas.deny": "Ablehnen",
		"quotas.deny_reason": "Grund der Ablehnung",
	},
}

func init() {
	for lang, words := range catalogueSettings {
		maps.Copy(catalogue[lang], words)
	}
}
