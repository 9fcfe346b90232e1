{{/*
Expand the name of the chart.
*/}}
{{- define "websocket-gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
We truncate at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "websocket-gateway.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "websocket-gateway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "websocket-gateway.labels" -}}
helm.sh/chart: {{ include "websocket-gateway.chart" . }}
{{ include "websocket-gateway.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels
*/}}
{{- define "websocket-gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "websocket-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Create the name of the service account to use
*/}}
{{- define "websocket-gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "websocket-gateway.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The image reference: repository@digest when a digest is given, else repository:tag.
*/}}
{{- define "websocket-gateway.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag | toString) }}
{{- end }}
{{- end }}

{{/*
Name of the Secret holding the JWT key, the RabbitMQ password and the API keys.
*/}}
{{- define "websocket-gateway.secretName" -}}
{{- default (include "websocket-gateway.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/*
Whether the gateway pods talk to RabbitMQ.
*/}}
{{- define "websocket-gateway.rabbitmqBus" -}}
{{- if eq (toString .Values.gateway.bus.type) "rabbitmq" }}true{{- end }}
{{- end }}

{{/*
Name of the container port the Actuator endpoints (probes, metrics) are served on.
*/}}
{{- define "websocket-gateway.managementPortName" -}}
{{- if .Values.management.port }}management{{- else }}http{{- end }}
{{- end }}

{{/*
A value with the keys of its maps, at any depth, turned from camelCase into the kebab-case
of the application's property names (hashOn -> hash-on); everything else as given. As JSON
{"value": ...}, since fromJson reads only objects.
*/}}
{{- define "websocket-gateway.kebabKeys" -}}
{{- $value := . }}
{{- if kindIs "map" . }}
{{- $value = dict }}
{{- range $key, $v := . }}
{{- $_ := set $value (kebabcase $key) (fromJson (include "websocket-gateway.kebabKeys" $v)).value }}
{{- end }}
{{- else if kindIs "slice" . }}
{{- $value = list }}
{{- range . }}
{{- $value = append $value (fromJson (include "websocket-gateway.kebabKeys" .)).value }}
{{- end }}
{{- end }}
{{- toJson (dict "value" $value) }}
{{- end }}

{{/*
Checks values that the schema cannot relate to each other. Every problem found is
reported at once, one per line.
*/}}
{{/*
The non-secret token settings of jwt.*, as JSON in gateway.security.jwt's kebab case: the
key set's address, issuer and audiences when set.
*/}}
{{- define "websocket-gateway.jwtConfig" -}}
{{- $jwt := dict }}
{{- with .Values.jwt.jwksUri }}{{- $_ := set $jwt "jwks-uri" . }}{{- end }}
{{- with .Values.jwt.issuerUri }}{{- $_ := set $jwt "issuer-uri" . }}{{- end }}
{{- with .Values.jwt.issuer }}{{- $_ := set $jwt "issuer" . }}{{- end }}
{{- with .Values.jwt.audiences }}{{- $_ := set $jwt "audiences" . }}{{- end }}
{{- toJson $jwt }}
{{- end }}

{{/*
The TCP port of the OpenID provider (jwt.jwksUri, else jwt.issuerUri), or nothing: its
explicit port, else 443 for https and 80 for http.
*/}}
{{- define "websocket-gateway.jwtProviderPort" -}}
{{- $uri := .Values.jwt.jwksUri | default .Values.jwt.issuerUri }}
{{- if $uri }}
{{- $url := urlParse $uri }}
{{- $host := $url.host }}
{{- if regexMatch ":[0-9]+$" $host }}
{{- regexFind "[0-9]+$" $host }}
{{- else if eq $url.scheme "http" }}80
{{- else }}443
{{- end }}
{{- end }}
{{- end }}

{{- define "websocket-gateway.validateValues" -}}
{{- $errors := list }}
{{- $rabbit := eq (include "websocket-gateway.rabbitmqBus" .) "true" }}
{{- $existing := .Values.secrets.existingSecret }}
{{- if and $rabbit (not .Values.rabbitmq.host) }}
{{- $errors = append $errors "gateway.bus.type=rabbitmq needs rabbitmq.host (or set gateway.bus.type=local for a single pod)" }}
{{- end }}
{{- if and $rabbit (not .Values.rabbitmq.password) (not $existing) }}
{{- $errors = append $errors "gateway.bus.type=rabbitmq needs rabbitmq.password or secrets.existingSecret holding it" }}
{{- end }}
{{- if not $rabbit }}
{{- if or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1) }}
{{- $errors = append $errors "gateway.bus.type=local serves one pod only: set replicaCount=1 and autoscaling.enabled=false, or use gateway.bus.type=rabbitmq" }}
{{- end }}
{{- end }}
{{- $keySet := or .Values.jwt.jwksUri .Values.jwt.issuerUri }}
{{- if and (not .Values.gateway.security.anonymous) (not .Values.jwt.secret) (not .Values.jwt.publicKey) (not $keySet) (not $existing) }}
{{- $errors = append $errors "no JWT key: set jwt.secret or jwt.publicKey (or secrets.existingSecret holding one), jwt.jwksUri or jwt.issuerUri, or gateway.security.anonymous=true" }}
{{- end }}
{{- if and .Values.jwt.secret .Values.jwt.publicKey }}
{{- $errors = append $errors "set only one of jwt.secret and jwt.publicKey" }}
{{- end }}
{{- if and $keySet (or .Values.jwt.secret .Values.jwt.publicKey) }}
{{- $errors = append $errors "jwt.jwksUri / jwt.issuerUri replace jwt.secret and jwt.publicKey: set only one key source" }}
{{- end }}
{{- if and .Values.jwt.previousSecret (not .Values.jwt.secret) (not $existing) }}
{{- $errors = append $errors "jwt.previousSecret needs jwt.secret" }}
{{- end }}
{{- if and .Values.jwt.issuer .Values.jwt.issuerUri (ne .Values.jwt.issuer .Values.jwt.issuerUri) }}
{{- $errors = append $errors "jwt.issuer differs from jwt.issuerUri: set only jwt.issuerUri, which every token's iss must equal" }}
{{- end }}
{{- if and .Values.jwt.secret (lt (len .Values.jwt.secret) 32) }}
{{- $errors = append $errors "jwt.secret must be at least 32 bytes (HMAC-SHA256)" }}
{{- end }}
{{- if and $existing (or .Values.jwt.secret .Values.jwt.previousSecret .Values.jwt.publicKey .Values.rabbitmq.password .Values.api.keys) }}
{{- $errors = append $errors "secrets.existingSecret is set: leave jwt.secret, jwt.previousSecret, jwt.publicKey, rabbitmq.password and api.keys empty (they would be ignored)" }}
{{- end }}
{{- $s := .Values.shutdown }}
{{- $needed := add (int $s.preStopSleepSeconds) (int $s.shutdownPhaseTimeoutSeconds) }}
{{- if le (int $s.terminationGracePeriodSeconds) $needed }}
{{- $errors = append $errors (printf "shutdown.terminationGracePeriodSeconds (%d) must exceed shutdown.preStopSleepSeconds + shutdown.shutdownPhaseTimeoutSeconds (%d), or pods are killed before they have drained" (int $s.terminationGracePeriodSeconds) $needed) }}
{{- end }}
{{- if and .Values.management.port (eq (int .Values.management.port) (int .Values.containerPort)) }}
{{- $errors = append $errors "management.port must differ from containerPort (or be null to share it)" }}
{{- end }}
{{- if .Values.autoscaling.enabled }}
{{- if gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas) }}
{{- $errors = append $errors "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" }}
{{- end }}
{{- if and (not .Values.autoscaling.connections.enabled) (not .Values.autoscaling.targetCPUUtilizationPercentage) }}
{{- $errors = append $errors "autoscaling.enabled needs autoscaling.targetCPUUtilizationPercentage or autoscaling.connections.enabled" }}
{{- end }}
{{- if and .Values.autoscaling.connections.enabled (ge (int .Values.autoscaling.connections.targetAverageValue) (int .Values.gateway.admission.maxConnections)) }}
{{- $errors = append $errors "autoscaling.connections.targetAverageValue must be below gateway.admission.maxConnections, or pods refuse clients (503) before the autoscaler adds any" }}
{{- end }}
{{- end }}
{{- $np := .Values.networkPolicy }}
{{- if and .Values.gateway.upstreams.routes $np.enabled $np.egress.enabled (not $np.egress.extra) }}
{{- $errors = append $errors "gateway.upstreams.routes with networkPolicy.egress.enabled needs networkPolicy.egress.extra rules that reach the routes' targets: otherwise the pods may only reach DNS and RabbitMQ" }}
{{- end }}
{{- if and .Values.ingress.enabled (not .Values.gateway.admission.trustedProxies) }}
{{- $errors = append $errors "ingress.enabled needs gateway.admission.trustedProxies (the ingress controller's pod CIDRs): otherwise every client shares the controller's IP and its per-IP limits" }}
{{- end }}
{{- if .Values.podDisruptionBudget.enabled }}
{{- $pdb := .Values.podDisruptionBudget }}
{{- if eq (kindIs "invalid" $pdb.minAvailable) (kindIs "invalid" $pdb.maxUnavailable) }}
{{- $errors = append $errors "podDisruptionBudget: set exactly one of minAvailable and maxUnavailable" }}
{{- end }}
{{- end }}
{{- if $errors }}
{{- fail (printf "\n\nwebsocket-gateway: invalid values:\n- %s\n" (join "\n- " $errors)) }}
{{- end }}
{{- end }}

{{/*
The Prometheus job of the gateway's targets: the name of the Service the ServiceMonitor
scrapes (the Prometheus Operator's default job label).
*/}}
{{- define "websocket-gateway.metricsJob" -}}
{{- if .Values.management.port }}
{{- printf "%s-management" (include "websocket-gateway.fullname" .) }}
{{- else }}
{{- include "websocket-gateway.fullname" . }}
{{- end }}
{{- end }}
