// Package crd embeds the generated CustomResourceDefinitions (bases/, written by
// `make manifests`), so a tool that works without an API server, the plan command,
// applies exactly the defaults the API server would.
package crd

import "embed"

// Bases holds bases/*.yaml.
//
//go:embed bases/*.yaml
var Bases embed.FS
