package search

import (
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// NewOrder returns a comparison of text in Vietnamese alphabetical order
// (a ă â b c d đ e ê …, letters before their tones, case ignored), for
// slices.SortFunc. Code points sort Đ after Z; a reader looks for it after
// D. Each call makes its own collator, which is not safe to share between
// goroutines: make one per sort.
func NewOrder() func(a, b string) int {
	c := collate.New(language.Vietnamese, collate.IgnoreCase)
	return c.CompareString
}
