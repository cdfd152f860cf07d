package portal

import (
	"fmt"
	"html/template"
	"strings"
)

// bar is one bar of a chart.
type bar struct {
	Label string
	Value int
}

// chart is an SVG bar chart drawn on the server: no script, readable by
// screen readers through its title and the table beside it.
type chart struct {
	Title string
	SVG   template.HTML
}

// barChart draws horizontal bars, one per label, scaled to the largest.
func barChart(title string, bars []bar) chart {
	const width, rowHeight, labelWidth = 640, 24, 200
	largest := 1
	for _, b := range bars {
		largest = max(largest, b.Value)
	}
	var sb strings.Builder
	height := rowHeight*len(bars) + 8
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title" width="%d" height="%d" viewBox="0 0 %d %d">`, width, height, width, height)
	fmt.Fprintf(&sb, `<title id="chart-title">%s</title>`, template.HTMLEscapeString(title))
	for i, b := range bars {
		y := i*rowHeight + 4
		w := (width - labelWidth - 40) * b.Value / largest
		fmt.Fprintf(&sb, `<text x="0" y="%d" class="label">%s</text>`, y+16, template.HTMLEscapeString(b.Label))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" class="bar"/>`, labelWidth, y+2, w, rowHeight-6)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" class="value">%d</text>`, labelWidth+w+6, y+16, b.Value)
	}
	sb.WriteString(`</svg>`)
	return chart{Title: title, SVG: template.HTML(sb.String())} // #nosec: every label is escaped above
}
