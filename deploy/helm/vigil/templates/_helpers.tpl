{{/* The chart's name, and the release's full name (at most 63 characters: a DNS label). */}}
{{- define "vigil.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "vigil.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "vigil.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vigil.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "vigil.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "vigil.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "vigil.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "vigil.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
vigil.yaml: what the chart sets from its values, with .Values.config merged over it (the
user's keys win). Keys are docs/CONFIG.md's.
*/}}
{{- define "vigil.config" -}}
{{- $config := dict "json_output" true -}}
{{- if .Values.customRules -}}
{{- $_ := set $config "rules_files" (list "/usr/share/vigil/rules/vigil_rules.yaml" "/etc/vigil/rules.d") -}}
{{- end -}}
{{- if .Values.webserver.enabled -}}
{{- $web := dict "enabled" true "listen_address" "0.0.0.0" "listen_port" (int .Values.webserver.port) -}}
{{- if .Values.webserver.ssl.secretName -}}
{{- $_ := set $web "ssl_enabled" true -}}
{{- $_ := set $web "ssl_certificate" (printf "/etc/vigil-tls/%s" .Values.webserver.ssl.key) -}}
{{- end -}}
{{- $_ := set $config "webserver" $web -}}
{{- end -}}
{{- if .Values.httpOutput.enabled -}}
{{- $http := dict "enabled" true "url" (required "httpOutput.url is required when httpOutput.enabled" .Values.httpOutput.url) -}}
{{- if .Values.httpOutput.spill -}}
{{- $_ := set $http "spill_file" "/var/lib/vigil/spill" -}}
{{- end -}}
{{- $_ := set $config "http_output" $http -}}
{{- end -}}
{{- $config = mergeOverwrite $config (deepCopy .Values.config) -}}
{{- toYaml $config -}}
{{- end -}}
