package console

// CatalogueHas reports whether the catalogue of lang has its own text for
// key (no fallback); for the external tests.
func CatalogueHas(lang, key string) bool { _, ok := catalogue[lang][key]; return ok }
