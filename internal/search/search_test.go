package search

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestMatches(t *testing.T) {
	const title = "Tra cứu thông tin thửa đất"
	decomposed := norm.NFD.String("thửa đất")
	if decomposed == "thửa đất" {
		t.Fatal("the decomposed query is not decomposed")
	}
	for _, tc := range []struct {
		text, query string
		want        bool
	}{
		{title, "thửa đất", true},
		{title, "THỬA ĐẤT", true},
		{title, "thua dat", true},
		{title, "Thua Dat", true},
		{title, decomposed, true},
		{"Hồ sơ sức khỏe điện tử", "suc khoe", true},
		{"Hồ sơ sức khỏe điện tử", "dien tu", true},
		{title, "thưa đát", false}, // other diacritics: other words
		{title, "suc khoe", false},
		{title, "", true},
		{title, "   ", true},
		{"Đăng ký doanh nghiệp", "dang ky", true},
		{"Đăng ký doanh nghiệp", "đăng ký", true},
	} {
		if got := Matches(tc.text, tc.query); got != tc.want {
			t.Errorf("Matches(%q, %q) = %v, want %v", tc.text, tc.query, got, tc.want)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Thửa đất":           "thua dat",
		"ĐĂNG KÝ":            "dang ky",
		norm.NFD.String("ở"): "o",
		"plain":              "plain",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOrder(t *testing.T) {
	order := NewOrder()
	for _, tc := range []struct{ a, b string }{
		{"Dân tộc", "Đăng ký"},
		{"Đăng ký", "Giáo dục"},
		{"an", "ăn"},
		{"ăn", "ân"},
		{"Sở Tài chính", "sở Y tế"},
		{"Sở Y tế", "Ủy ban nhân dân"},
	} {
		if order(tc.a, tc.b) >= 0 || order(tc.b, tc.a) <= 0 {
			t.Errorf("%q should come before %q", tc.a, tc.b)
		}
	}
	if order(norm.NFD.String("Đất"), "Đất") != 0 {
		t.Error("the two Unicode forms of one word differ")
	}
}
