package registry

import (
	"cmp"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// olderFirst orders objects by creation time, then by name, so that "the
// one created first keeps it" has one answer even for objects created in
// the same second.
func olderFirst[T metav1.Object](a, b T) int {
	ta, tb := a.GetCreationTimestamp(), b.GetCreationTimestamp()
	if !ta.Equal(&tb) {
		if ta.Before(&tb) {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(a.GetNamespace(), b.GetNamespace()), cmp.Compare(a.GetName(), b.GetName()))
}

// oldest returns the oldest of objs, or the zero value when objs is empty.
func oldest[T metav1.Object](objs []T) T {
	var zero T
	if len(objs) == 0 {
		return zero
	}
	return slices.MinFunc(objs, olderFirst[T])
}
