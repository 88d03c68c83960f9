package console

// catalogueAssociations words the bulk association page.
var catalogueAssociations = map[string]map[string]string{
	"en": {
		"assoc.title": "Contact flows of numbers", "assoc.of": "Flows of",
		"assoc.saved": "numbers saved with their contact flows.", "assoc.numbers_in_instance": "numbers in this instance",
		"assoc.without_flow": "without a contact flow", "assoc.flows_caption": "Contact flows and how many numbers go to each",
		"assoc.flow": "Contact flow", "assoc.flow_id": "Flow ID", "assoc.numbers": "Numbers",
		"assoc.no_flows": "This instance has no contact flows yet.", "assoc.give": "Give numbers their contact flows",
		"assoc.lines": "Numbers", "assoc.lines_hint": "One number per line in E.164 (+13125550140), optionally followed by a comma and a flow ID; lines without a flow ID take the flow chosen below. At most 10,000 lines.",
		"assoc.default_flow": "Flow for lines without one", "assoc.no_flow": "No flow (take the flow away)",
		"assoc.all_unassigned": "Also give this flow to every number of the instance without a flow",
		"assoc.save":           "Save flows", "assoc.unassigned": "Numbers without a contact flow", "assoc.more": "more without a flow are not listed.",
	},
	"es": {
		"assoc.title": "Flujos de contacto de los números", "assoc.of": "Flujos de",
		"assoc.saved": "números guardados con sus flujos de contacto.", "assoc.numbers_in_instance": "números en esta instancia",
		"assoc.without_flow": "sin flujo de contacto", "assoc.flows_caption": "Flujos de contacto y cuántos números van a cada uno",
		"assoc.flow": "Flujo de contacto", "assoc.flow_id": "ID del flujo", "assoc.numbers": "Números",
		"assoc.no_flows": "Esta instancia todavía no tiene flujos de contacto.", "assoc.give": "Asignar flujos de contacto a los números",
		"assoc.lines": "Números", "assoc.lines_hint": "Un número por línea en E.164 (+13125550140), opcionalmente seguido de una coma y el ID de un flujo; las líneas sin ID toman el flujo elegido abajo. Como máximo 10.000 líneas.",
		"assoc.default_flow": "Flujo para las líneas sin uno", "assoc.no_flow": "Sin flujo (quitar el flujo)",
		"assoc.all_unassigned": "Dar también este flujo a todos los números de la instancia sin flujo",
		"assoc.save":           "Guardar flujos", "assoc.unassigned": "Números sin flujo de contacto", "assoc.more": "números más sin flujo no se muestran.",
	},
	"de": {
		"assoc.title": "Contact Flows der Rufnummern", "assoc.of": "Flows von",
		"assoc.saved": "Rufnummern mit ihren Contact Flows gespeichert.", "assoc.numbers_in_instance": "Rufnummern in dieser Instanz",
		"assoc.without_flow": "ohne Contact Flow", "assoc.flows_caption": "Contact Flows und wie viele Rufnummern zu jedem gehen",
		"assoc.flow": "Contact Flow", "assoc.flow_id": "Flow-ID", "assoc.numbers": "Rufnummern",
		"assoc.no_flows": "Diese Instanz hat noch keine Contact Flows.", "assoc.give": "Rufnummern ihre Contact Flows zuordnen",
		"assoc.lines": "Rufnummern", "assoc.lines_hint": "Eine Rufnummer pro Zeile in E.164 (+13125550140), optional gefolgt von einem Komma und einer Flow-ID; Zeilen ohne Flow-ID erhalten den unten gewählten Flow. Höchstens 10.000 Zeilen.",
		"assoc.default_flow": "Flow für Zeilen ohne eigenen", "assoc.no_flow": "Kein Flow (Flow entfernen)",
		"assoc.all_unassigned": "Diesen Flow auch allen Rufnummern der Instanz ohne Flow geben",
		"assoc.save":           "Flows speichern", "assoc.unassigned": "Rufnummern ohne Contact Flow", "assoc.more": "weitere ohne Flow werden nicht aufgeführt.",
	},
}

func init() { addWords(catalogueAssociations) }
