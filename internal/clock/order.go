package clock

import (
	"cmp"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The one created first keeps it (a namespace, a primary role, a path):
// OlderFirst and Oldest give that rule one answer.

// OlderFirst orders objects by creation time, then by namespace and name,
// so that objects created in the same second still have one order.
func OlderFirst[T metav1.Object](a, b T) int {
	ta, tb := a.GetCreationTimestamp(), b.GetCreationTimestamp()
	if !ta.Equal(&tb) {
		if ta.Before(&tb) {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(a.GetNamespace(), b.GetNamespace()), cmp.Compare(a.GetName(), b.GetName()))
}

// Oldest returns the oldest of objs, or the zero value when objs is empty.
func Oldest[T metav1.Object](objs []T) T {
	var zero T
	if len(objs) == 0 {
		return zero
	}
	return slices.MinFunc(objs, OlderFirst[T])
}
