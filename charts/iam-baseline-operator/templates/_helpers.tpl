{{/* Name of an installed object: namePrefix, a dash and the object's role. */}}
{{- define "iam-baseline-operator.name" -}}
{{- printf "%s-%s" .root.Values.namePrefix .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "iam-baseline-operator.serviceAccountName" -}}
{{- default (include "iam-baseline-operator.name" (dict "root" . "name" "controller-manager")) .Values.serviceAccount.name -}}
{{- end -}}

{{/* The labels config/ puts on the manager, so selectors match both installs. */}}
{{- define "iam-baseline-operator.selectorLabels" -}}
app.kubernetes.io/name: iam-baseline-operator
control-plane: controller-manager
{{- end -}}

{{- define "iam-baseline-operator.labels" -}}
app.kubernetes.io/name: iam-baseline-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* repository:tag, or repository@digest when a digest is set. */}}
{{- define "iam-baseline-operator.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
{{- end -}}
