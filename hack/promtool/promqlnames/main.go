// Command promqlnames reads PromQL expressions, one per line, and prints
// the name of every metric each reads, one per line. An expression that
// does not parse is an error naming it.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

func main() {
	promql := parser.NewParser(parser.Options{})
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	failed := false
	for in.Scan() {
		expr := strings.TrimSpace(in.Text())
		if expr == "" {
			continue
		}
		parsed, err := promql.ParseExpr(expr)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%q does not parse: %v\n", expr, err)
			failed = true
			continue
		}
		parser.Inspect(parsed, func(node parser.Node, _ []parser.Node) error {
			if vs, ok := node.(*parser.VectorSelector); ok {
				for _, m := range vs.LabelMatchers {
					if m.Name == labels.MetricName {
						fmt.Println(m.Value)
					}
				}
			}
			return nil
		})
	}
	if err := in.Err(); err != nil || failed {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(1)
	}
}
