package main

import (
	"bytes"
	"fmt"
	"os"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/yaml"
)

// deploymentManifest is the manager's Deployment as it ships (kustomize base).
const deploymentManifest = "config/manager/manager.yaml"

// deploymentEnv is the literal environment the shipped Deployment gives the manager
// container (GOMEMLIMIT, AWS_REGION, ...), so the benchmark measures the manager as
// it is deployed and not a configuration nobody runs. Values taken from elsewhere
// (valueFrom) are skipped.
func deploymentEnv(path string) ([]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	for _, doc := range bytes.Split(raw, []byte("\n---")) {
		var d appsv1.Deployment
		if err := yaml.Unmarshal(doc, &d); err != nil || d.Kind != "Deployment" {
			continue
		}
		for _, c := range d.Spec.Template.Spec.Containers {
			if c.Name != "manager" {
				continue
			}
			var env []string
			for _, e := range c.Env {
				if e.ValueFrom == nil {
					env = append(env, e.Name+"="+e.Value)
				}
			}
			return env, nil
		}
	}
	return nil, fmt.Errorf("%s: no Deployment with a container named manager", path)
}
