package policy

import "sort"

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// slicesConcat returns a new slice holding all values of the lists.
func slicesConcat(lists ...StringList) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// sortedCopy returns a sorted copy of the list, so builders never share or
// reorder a caller's slice.
func sortedCopy(l []string) StringList {
	out := make(StringList, len(l))
	copy(out, l)
	sort.Strings(out)
	return out
}
