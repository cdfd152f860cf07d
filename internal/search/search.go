// Package search matches what a person types against Vietnamese text: the
// same letters whatever Unicode form a keyboard or phone sent them in, and
// with or without diacritics, as people type them when they search.
package search

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Normalize writes s in NFC, lower case: "thửa đất" typed as a base letter
// and combining marks (NFD, as some phones send it) reads as the precomposed
// letters a DataService's title holds.
func Normalize(s string) string {
	return strings.ToLower(norm.NFC.String(s))
}

// Fold removes the diacritics of Normalize(s), đ included, which Unicode
// does not decompose: "Thửa đất" folds to "thua dat".
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, Normalize(s))
	if err != nil {
		return Normalize(s)
	}
	return strings.NewReplacer("đ", "d", "Đ", "d").Replace(folded)
}

// Matches says whether the query is found in text. A query typed without
// diacritics ("thua dat") finds the text with or without them; a query
// with diacritics ("thửa đất") asks for those letters, as typed.
func Matches(text, query string) bool {
	q := Normalize(strings.TrimSpace(query))
	if q == "" {
		return true
	}
	if Fold(q) == q {
		return strings.Contains(Fold(text), q)
	}
	return strings.Contains(Normalize(text), q)
}
