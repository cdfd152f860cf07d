// Package registry decides, without a client, what the province's register
// says: which agency holds a namespace, whether a focal point's appointment
// is in effect, which focal point is an agency's primary, and whether an
// agency and a focal point are Ready. Reconcilers, and later the catalog,
// call these functions with what they read.
package registry
