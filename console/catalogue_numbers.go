package console

// catalogueNumbers words the order's numbers page and the number statuses.
var catalogueNumbers = map[string]map[string]string{
	"en": {
		"numbers.title": "Numbers of the order", "numbers.caption": "The order's numbers, in the order they were listed",
		"numbers.next": "Next numbers", "numbers.first_of": "The first numbers of", "numbers.all": "all numbers, page by page",
		"nstatus.": "Any status", "nstatus.pending": "Pending", "nstatus.portable": "Portable", "nstatus.not_portable": "Not portable",
		"nstatus.in_progress": "In progress", "nstatus.loaded": "Loaded", "nstatus.ported": "Ported", "nstatus.verified": "Verified",
		"nstatus.excluded": "Excluded", "nstatus.cancelled": "Cancelled",
	},
	"es": {
		"numbers.title": "Números del pedido", "numbers.caption": "Los números del pedido, en el orden en que se listaron",
		"numbers.next": "Números siguientes", "numbers.first_of": "Los primeros números de", "numbers.all": "todos los números, página a página",
		"nstatus.": "Cualquier estado", "nstatus.pending": "Pendiente", "nstatus.portable": "Portable", "nstatus.not_portable": "No portable",
		"nstatus.in_progress": "En curso", "nstatus.loaded": "Cargado", "nstatus.ported": "Portado", "nstatus.verified": "Verificado",
		"nstatus.excluded": "Excluido", "nstatus.cancelled": "Cancelado",
	},
	"de": {
		"numbers.title": "Rufnummern des Auftrags", "numbers.caption": "Die Rufnummern des Auftrags in der Reihenfolge der Liste",
		"numbers.next": "Weitere Rufnummern", "numbers.first_of": "Die ersten Rufnummern von", "numbers.all": "alle Rufnummern, Seite für Seite",
		"nstatus.": "Jeder Status", "nstatus.pending": "Ausstehend", "nstatus.portable": "Portierbar", "nstatus.not_portable": "Nicht portierbar",
		"nstatus.in_progress": "In Bearbeitung", "nstatus.loaded": "Geladen", "nstatus.ported": "Portiert", "nstatus.verified": "Bestätigt",
		"nstatus.excluded": "Ausgeschlossen", "nstatus.cancelled": "Storniert",
	},
}

func init() { addWords(catalogueNumbers) }
