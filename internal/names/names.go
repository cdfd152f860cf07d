// Package names holds the names the operator gives what it makes and
// publishes — object and Secret names, path prefixes and URLs, the client
// ids the gateway forwards — in one place, for the rules (publishing,
// consent) and the renderer alike.
package names

import (
	"regexp"
	"strconv"
	"strings"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// ServiceObjectName is the name of every object generated for a
// DataService: its HTTPRoute, SecurityPolicy, BackendTrafficPolicy and
// NetworkPolicy.
func ServiceObjectName(ds *v1alpha1.DataService) string {
	return "datashare-" + ds.Name
}

// PathPrefix is the path at which a service is published under the LGSP's
// public base URL: spec.route.pathPrefix, or /<agency>/<service>/<version>.
func PathPrefix(ds *v1alpha1.DataService, agency string) string {
	if ds.Spec.Route.PathPrefix != "" {
		return ds.Spec.Route.PathPrefix
	}
	return "/" + agency + "/" + ds.Name + "/" + ds.Spec.Version
}

// ServiceURL is the public URL of a service.
func ServiceURL(baseURL, pathPrefix string) string {
	return strings.TrimSuffix(baseURL, "/") + pathPrefix
}

// ConsumerPattern is the regular expression that matches, in
// X-LGSP-Consumer, the client id of every key issued to an agency. Agency
// names are DNS labels, which have nothing to quote; the name is quoted
// all the same, so that no name can widen the match.
func ConsumerPattern(agency string) string {
	return "^" + regexp.QuoteMeta(agency) + `\..+$`
}

// ConsumerSecretName is the Secret, in the consumer's namespace, that holds
// an agreement's key for its workloads.
func ConsumerSecretName(sa *v1alpha1.SharingAgreement) string {
	return "datashare-" + sa.Name
}

// GatewayKeyName is the gateway-side Secret, in the provider's namespace,
// that holds one key of an agreement.
func GatewayKeyName(sa *v1alpha1.SharingAgreement, keyID string) string {
	return "datashare-key-" + sa.Namespace + "-" + sa.Name + "-" + keyID
}

// ClientID is the id under which the gateway knows one key, and which it
// forwards to the backend: "<consumer agency>.<agreement>.<key id>".
func ClientID(consumerAgency string, sa *v1alpha1.SharingAgreement, keyID string) string {
	return consumerAgency + "." + sa.Name + "." + keyID
}

// SentinelClientID is the client id of a service's sentinel key. It has no
// dot, so no agency's rate-limit pattern matches it.
const SentinelClientID = "lgsp-sentinel"

// SentinelName is the Secret, in a protected service's namespace, that
// holds its sentinel key. Its dot keeps it apart from every consumer
// Secret, whose names are DNS labels.
func SentinelName(ds *v1alpha1.DataService) string {
	return "datashare-sentinel." + ds.Name
}

// KeyGroupName is the Secret, in a protected service's namespace, that
// holds its key group number i. Its dot keeps it apart from every consumer
// Secret, as the sentinel's does.
func KeyGroupName(ds *v1alpha1.DataService, i int) string {
	return keyGroupPrefix + strconv.Itoa(i) + "." + ds.Name
}

const keyGroupPrefix = "datashare-keys-"

// KeyGroupNumber reads the number i of a Secret that KeyGroupName(ds, i)
// names; false for any other name.
func KeyGroupNumber(ds *v1alpha1.DataService, secret string) (int, bool) {
	digits, ok := strings.CutSuffix(strings.TrimPrefix(secret, keyGroupPrefix), "."+ds.Name)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 0 || KeyGroupName(ds, n) != secret {
		return 0, false
	}
	return n, true
}
