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
// id names the chart on its page.
func barChart(id, title string, bars []bar) chart {
	// Agencies are named by their display names: the label column takes
	// the long name of a city's People's Committee on one line.
	const width, rowHeight, labelWidth = 760, 24, 300
	largest := 1
	for _, b := range bars {
		largest = max(largest, b.Value)
	}
	var sb strings.Builder
	height := rowHeight*len(bars) + 8
	openSVG(&sb, id, title, width, height)
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

// series is one kind of column in a column chart, drawn in its class.
type series struct {
	Name, Class string
}

// columnChart draws, for each label from left to right, one column per
// series side by side, all scaled to the largest value; a legend names
// the series. values[i][j] is label i's value of series j.
func columnChart(id, title string, labels []string, ss []series, values [][]int) chart {
	// The legend takes the top 24 pixels; a full column's value label
	// sits below it, never on a swatch.
	const plotTop, plotHeight, groupWidth, columnWidth = 44, 180, 64, 18
	const height = plotTop + plotHeight + 24
	largest := 1
	for _, row := range values {
		for _, v := range row {
			largest = max(largest, v)
		}
	}
	width := max(groupWidth*len(labels)+16, 320)
	var sb strings.Builder
	openSVG(&sb, id, title, width, height)
	for j, s := range ss {
		x := 8 + j*140
		fmt.Fprintf(&sb, `<rect x="%d" y="6" width="12" height="12" class="%s"/><text x="%d" y="17" class="label">%s</text>`,
			x, s.Class, x+16, template.HTMLEscapeString(s.Name))
	}
	base := plotTop + plotHeight
	for i, label := range labels {
		x := 8 + i*groupWidth
		for j, s := range ss {
			v := values[i][j]
			h := plotHeight * v / largest
			fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" class="%s"><title>%s %s: %d</title></rect>`,
				x+j*(columnWidth+2), base-h, columnWidth, h, s.Class, template.HTMLEscapeString(label), template.HTMLEscapeString(s.Name), v)
			fmt.Fprintf(&sb, `<text x="%d" y="%d" class="value" aria-hidden="true">%d</text>`, x+j*(columnWidth+2)+2, base-h-4, v)
		}
		fmt.Fprintf(&sb, `<text x="%d" y="%d" class="label">%s</text>`, x, base+16, template.HTMLEscapeString(label))
	}
	sb.WriteString(`</svg>`)
	return chart{Title: title, SVG: template.HTML(sb.String())} // #nosec: every label is escaped above
}

// openSVG starts a chart's svg element, labelled by its title.
func openSVG(sb *strings.Builder, id, title string, width, height int) {
	fmt.Fprintf(sb, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%s-title" width="%d" height="%d" viewBox="0 0 %d %d">`,
		id, width, height, width, height)
	fmt.Fprintf(sb, `<title id="%s-title">%s</title>`, id, template.HTMLEscapeString(title))
}
