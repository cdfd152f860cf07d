{{/* The name of every namespaced object of the release. */}}
{{- define "datashare.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "datashare.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "datashare.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The gateway reference as the operator's flag takes it. */}}
{{- define "datashare.gateway" -}}
{{- $g := .Values.lgsp.gateway -}}
{{- if $g.listener -}}{{ printf "%s/%s/%s" $g.namespace $g.name $g.listener }}{{- else -}}{{ printf "%s/%s" $g.namespace $g.name }}{{- end -}}
{{- end -}}

{{/* The proxy selector as key=value,key=value, in a stable order. */}}
{{- define "datashare.proxySelector" -}}
{{- $pairs := list -}}
{{- range $k, $v := .Values.lgsp.proxy.selector -}}
{{- $pairs = append $pairs (printf "%s=%s" $k $v) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end -}}

{{/* The portal's pods: a name of their own, so that the operator's
Deployment and metrics Service never select them. */}}
{{- define "datashare.portalSelectorLabels" -}}
app.kubernetes.io/name: datashare-portal
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "datashare.portalLabels" -}}
{{ include "datashare.portalSelectorLabels" . }}
app.kubernetes.io/part-of: {{ .Chart.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The operator's image, by digest when image.digest is set (a release
pins it), else by tag (image.tag, or the chart's appVersion). */}}
{{- define "datashare.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end -}}
