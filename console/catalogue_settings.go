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
		"settings.created": "Creado",
		"webhooks.title":   "Endpoints de webhook", "webhooks.endpoints": "Endpoints", "webhooks.none": "Todavía no hay endpoints de webhook.",
		"webhooks.url": "URL", "webhooks.event_types": "Tipos de evento", "webhooks.event_types_hint": "Separados por comas, por ejemplo port_order.status_changed; déjelo vacío para recibir todos los eventos.",
		"webhooks.all_events": "Todos los eventos", "webhooks.state": "Estado", "webhooks.failures": "Fallos seguidos",
		"webhooks.enabled": "Activado", "webhooks.disabled": "Desactivado", "webhooks.enable": "Activar", "webhooks.disable": "Desactivar",
		"webhooks.add": "Añadir un endpoint", "webhooks.create": "Añadir endpoint", "webhooks.created": "Endpoint añadido",
		"webhooks.secret": "Secreto de firma", "webhooks.secret_once": "Copie el secreto ahora: solo se muestra esta vez.",
		"apikeys.title": "Claves de API", "apikeys.keys": "Claves en uso", "apikeys.none": "Todavía no hay claves de API.", "apikeys.prefix": "La clave empieza por",
		"apikeys.role": "Rol", "apikeys.last_used": "Último uso", "apikeys.expires": "Caduca", "apikeys.revoke": "Revocar",
		"apikeys.add": "Crear una clave", "apikeys.create": "Crear clave", "apikeys.expires_on": "Fecha de caducidad (opcional)",
		"apikeys.expires_hint": "La clave deja de funcionar ese día (UTC); como máximo dentro de dos años.",
		"apikeys.created":      "Clave creada", "apikeys.key": "Clave", "apikeys.secret_once": "Copie la clave ahora: solo se muestra esta vez y solo se guarda su hash.",
		"instances.title": "Instancias", "instances.name": "Instancia", "instances.region": "Región", "instances.none": "No hay instancias.",
		"instances.quotas_of": "Cuotas de",
		"quotas.title":        "Cuotas", "quotas.caption": "Las cuotas y lo que cuenta ahora contra ellas", "quotas.quota": "Cuota",
		"quotas.value": "Límite", "quotas.in_use": "En uso", "quotas.open_requests": "Solicitudes de cuota abiertas", "quotas.no_requests": "No hay solicitudes de cuota abiertas.",
		"quotas.approve": "Aprobar", "quotas.deny": "Denegar", "quotas.deny_reason": "Motivo de la denegación (lo leerá el cliente)",
		"quotas.ask": "Pedir más", "quotas.new_value": "Nuevo límite", "quotas.value_hint": "Para números de teléfono y llamadas simultáneas: el nuevo valor, mayor que el actual.",
		"quotas.countries": "Países a añadir", "quotas.countries_hint": "Para países de salida: códigos ISO separados por comas, por ejemplo DE, FR.",
		"quotas.reason": "Por qué la instancia lo necesita", "quotas.send": "Enviar solicitud",
		"quota.phone_numbers": "Números de teléfono", "quota.concurrent_calls": "Llamadas simultáneas", "quota.outbound_countries": "Países de salida",
	},
	"de": {
		"nav.webhooks": "Webhooks", "nav.api_keys": "API-Schlüssel", "nav.instances": "Instanzen und Kontingente",
		"settings.created": "Erstellt",
		"webhooks.title":   "Webhook-Endpunkte", "webhooks.endpoints": "Endpunkte", "webhooks.none": "Noch keine Webhook-Endpunkte.",
		"webhooks.url": "URL", "webhooks.event_types": "Ereignistypen", "webhooks.event_types_hint": "Durch Kommas getrennt, z. B. port_order.status_changed; leer lassen für alle Ereignisse.",
		"webhooks.all_events": "Alle Ereignisse", "webhooks.state": "Stand", "webhooks.failures": "Fehler in Folge",
		"webhooks.enabled": "Aktiv", "webhooks.disabled": "Inaktiv", "webhooks.enable": "Aktivieren", "webhooks.disable": "Deaktivieren",
		"webhooks.add": "Einen Endpunkt hinzufügen", "webhooks.create": "Endpunkt hinzufügen", "webhooks.created": "Endpunkt hinzugefügt",
		"webhooks.secret": "Signaturgeheimnis", "webhooks.secret_once": "Kopieren Sie das Geheimnis jetzt: es wird nur dieses eine Mal gezeigt.",
		"apikeys.title": "API-Schlüssel", "apikeys.keys": "Schlüssel in Gebrauch", "apikeys.none": "Noch keine API-Schlüssel.", "apikeys.prefix": "Schlüssel beginnt mit",
		"apikeys.role": "Rolle", "apikeys.last_used": "Zuletzt benutzt", "apikeys.expires": "Läuft ab", "apikeys.revoke": "Widerrufen",
		"apikeys.add": "Einen Schlüssel erstellen", "apikeys.create": "Schlüssel erstellen", "apikeys.expires_on": "Ablaufdatum (optional)",
		"apikeys.expires_hint": "Der Schlüssel gilt bis zu diesem Tag (UTC); höchstens zwei Jahre im Voraus.",
		"apikeys.created":      "Schlüssel erstellt", "apikeys.key": "Schlüssel", "apikeys.secret_once": "Kopieren Sie den Schlüssel jetzt: er wird nur dieses eine Mal gezeigt, gespeichert wird nur sein Hash.",
		"instances.title": "Instanzen", "instances.name": "Instanz", "instances.region": "Region", "instances.none": "Keine Instanzen.",
		"instances.quotas_of": "Kontingente von",
		"quotas.title":        "Kontingente", "quotas.caption": "Kontingente und was jetzt darauf angerechnet wird", "quotas.quota": "Kontingent",
		"quotas.value": "Limit", "quotas.in_use": "Belegt", "quotas.open_requests": "Offene Kontingentanfragen", "quotas.no_requests": "Keine offenen Kontingentanfragen.",
		"quotas.approve": "Genehmigen", "quotas.deny": "Ablehnen", "quotas.deny_reason": "Grund der Ablehnung (der Kunde liest ihn)",
		"quotas.ask": "Mehr anfragen", "quotas.new_value": "Neues Limit", "quotas.value_hint": "Für Rufnummern und gleichzeitige Anrufe: der neue Wert, über dem aktuellen.",
		"quotas.countries": "Hinzuzufügende Länder", "quotas.countries_hint": "Für Zielländer abgehender Anrufe: ISO-Codes durch Kommas getrennt, z. B. DE, FR.",
		"quotas.reason": "Wozu die Instanz es braucht", "quotas.send": "Anfrage senden",
		"quota.phone_numbers": "Rufnummern", "quota.concurrent_calls": "Gleichzeitige Anrufe", "quota.outbound_countries": "Zielländer abgehender Anrufe",
	},
}

func init() {
	for lang, words := range catalogueSettings {
		maps.Copy(catalogue[lang], words)
	}
}
