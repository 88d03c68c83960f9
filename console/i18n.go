package console

import (
	"maps"
	"net/http"
	"strings"
)

// languages the console's chrome speaks; English is complete, the others
// fall back to it key by key.
var languages = []string{"en", "es", "de"}

// language picks the first supported language of Accept-Language (q
// values are read in order of appearance, which browsers sort by).
func language(r *http.Request) string {
	h := r.Header.Get("Accept-Language")
	if len(h) > 512 {
		h = h[:512]
	}
	for _, part := range strings.Split(h, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		for _, l := range languages {
			if base == l {
				return l
			}
		}
	}
	return "en"
}

// translate returns the text of key in lang, else in English, else the key.
func translate(lang, key string) string {
	if s, ok := catalogue[lang][key]; ok {
		return s
	}
	if s, ok := catalogue["en"][key]; ok {
		return s
	}
	return key
}

// addWords adds a page's words, by language, to the catalogue; pages keep
// their words in files of their own.
func addWords(words map[string]map[string]string) {
	for lang, w := range words {
		maps.Copy(catalogue[lang], w)
	}
}
