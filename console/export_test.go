package console

import (
	"maps"
	"slices"
)

// CatalogueHas reports whether the catalogue of lang has its own text for
// key (no fallback); for the external tests.
func CatalogueHas(lang, key string) bool { _, ok := catalogue[lang][key]; return ok }

// CatalogueKeys lists the keys lang has its own text for, sorted.
func CatalogueKeys(lang string) []string { return slices.Sorted(maps.Keys(catalogue[lang])) }

// Translate is translate, for the external tests.
func Translate(lang, key string) string { return translate(lang, key) }
