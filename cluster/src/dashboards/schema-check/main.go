// Command schema-check checks dashboards against Grafana's dashboard schema as
// Grafana's Foundation SDK generates it from Grafana's own schemas: strict
// decoding, where an unknown or mistyped field is an error (each panel's
// options and field config against its plugin's schema, each query against
// its data source's), then the schema's constraints (Validate).
//
//	go run . <dashboard.json>...
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// problems is err, or nil when err is an empty cog.BuildErrors: the SDK
// returns its (nil) error list typed, which is never a nil error.
func problems(err error) error {
	var errs cog.BuildErrors
	if errors.As(err, &errs) && len(errs) == 0 {
		return nil
	}
	return err
}

func check(file string) error {
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var d dashboard.Dashboard
	if err := problems(d.UnmarshalJSONStrict(raw)); err != nil {
		return err
	}
	return problems(d.Validate())
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: schema-check <dashboard.json>...")
		os.Exit(2)
	}
	plugins.RegisterDefaultPlugins()
	failed := false
	for _, file := range os.Args[1:] {
		if err := check(file); err != nil {
			fmt.Printf("%s: %v\n", file, err)
			failed = true
			continue
		}
		fmt.Printf("%s: valid\n", file)
	}
	if failed {
		os.Exit(1)
	}
}
