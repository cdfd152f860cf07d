package consent

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// CheckState is how one consent an agreement rests on stands now.
type CheckState string

const (
	// CheckHeld: the consent is there, and in effect.
	CheckHeld CheckState = "Held"
	// CheckMissing: nobody has given it yet.
	CheckMissing CheckState = "Missing"
	// CheckNotYetValid: given, from a later moment.
	CheckNotYetValid CheckState = "NotYetValid"
	// CheckEnded: given, and ended.
	CheckEnded CheckState = "Ended"
	// CheckRefused: refused in writing.
	CheckRefused CheckState = "Refused"
)

// Check is one consent the decision consulted, in the order it consulted
// them: what it is, how it stands, its window, and who acts on it.
type Check struct {
	What  string     `json:"what"`
	State CheckState `json:"state"`
	From  *time.Time `json:"from,omitempty"`
	Until *time.Time `json:"until,omitempty"`
	// Who must give it, renew it, or withdraw a refusal; empty when it
	// needs nobody.
	Who string `json:"who,omitempty"`
	// Detail is the decision's own words, when the check is not held.
	Detail string `json:"detail,omitempty"`
}

// Explain is Decide with every consent it consulted: the same decision,
// so that a tool that explains an agreement (the kubectl plugin) says what
// the operator decided, on the same inputs.
func Explain(in Inputs) (Decision, []Check) {
	d, t := decideTraced(in)
	checks := t.checks
	reach := d.Reachable
	state := CheckHeld
	if reach.Status == metav1.ConditionFalse {
		state = CheckMissing
	}
	if in.Service != nil {
		checks = append(checks, Check{What: "the service can be reached now (Gateway, listener, backend, route)", State: state, Detail: reach.Message})
	}
	return d, checks
}

// trace records what decide consulted: the windows (for the next moment
// the decision can change) and every check (for Explain).
type trace struct {
	windows []window
	checks  []Check
}

func (t *trace) held(what, who string) {
	t.checks = append(t.checks, Check{What: what, State: CheckHeld, Who: who})
}

// missing records a consent nobody gave, and returns its decision.
func (t *trace) missing(what, who string, d Decision) Decision {
	t.checks = append(t.checks, Check{What: what, State: CheckMissing, Who: who, Detail: d.Message})
	return d
}

// refused records a written refusal, and returns its decision.
func (t *trace) refused(what, who string, d Decision) Decision {
	t.checks = append(t.checks, Check{What: what, State: CheckRefused, Who: who, Detail: d.Message})
	return d
}

// window records a validity window and says whether now is inside it.
func (t *trace) window(w window, now time.Time) (Decision, bool) {
	t.windows = append(t.windows, w)
	c := Check{What: w.what, State: CheckHeld, Who: w.who}
	if w.from != nil {
		c.From = &w.from.Time
	}
	if w.till != nil {
		c.Until = &w.till.Time
	}
	d, ok := outside(w, now)
	switch d.Reason {
	case "":
	case v1alpha1.ReasonNotYetValid:
		c.State, c.Detail = CheckNotYetValid, d.Message
	default:
		c.State, c.Detail = CheckEnded, d.Message
	}
	t.checks = append(t.checks, c)
	return d, ok
}
