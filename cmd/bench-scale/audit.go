package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
)

// k8sRequests counts the manager's requests from the API server's audit log.
type k8sRequests struct {
	// Writes by "verb resource[/subresource]", e.g. "patch teammembers/status".
	Writes map[string]int
	// SecretReads are GETs of Secrets (the manager reads them uncached).
	SecretReads int
}

func (k k8sRequests) totalWrites() int {
	n := 0
	for _, v := range k.Writes {
		n += v
	}
	return n
}

type auditEvent struct {
	Stage string `json:"stage"`
	Verb  string `json:"verb"`
	User  struct {
		Username string `json:"username"`
	} `json:"user"`
	ObjectRef struct {
		Resource    string `json:"resource"`
		Subresource string `json:"subresource"`
	} `json:"objectRef"`
}

// readAudit counts the manager's requests in the audit log from byte offset on, and
// returns the offset reached, so a phase can be measured on its own.
func readAudit(path string, offset int64) (k8sRequests, int64, error) {
	out := k8sRequests{Writes: map[string]int{}}
	f, err := os.Open(path)
	if err != nil {
		return out, offset, err
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return out, offset, err
	}
	r := bufio.NewReaderSize(f, 1<<20)
	pos := offset
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			// A partial last line is read next time.
			break
		}
		pos += int64(len(line))
		var ev auditEvent
		if json.Unmarshal(line, &ev) != nil || ev.Stage != "ResponseComplete" || ev.User.Username != managerUser {
			continue
		}
		res := ev.ObjectRef.Resource
		if ev.ObjectRef.Subresource != "" {
			res += "/" + ev.ObjectRef.Subresource
		}
		switch ev.Verb {
		case "create", "update", "patch", "delete", "deletecollection":
			out.Writes[ev.Verb+" "+res]++
		case "get":
			if res == "secrets" {
				out.SecretReads++
			}
		}
	}
	return out, pos, nil
}
