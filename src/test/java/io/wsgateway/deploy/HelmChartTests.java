package io.wsgateway.deploy;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.marcnuri.helm.LintResult;
import io.wsgateway.NodeProperties;
import io.wsgateway.bus.BusProperties;
import io.wsgateway.handshake.AdmissionProperties;
import io.wsgateway.handshake.GatewaySecurityProperties;
import io.wsgateway.protocol.LimitsProperties;
import io.wsgateway.session.SessionsProperties;
import io.wsgateway.session.WebSocketProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.util.unit.DataSize;

import static io.wsgateway.deploy.HelmChart.ALL_ON_VALUES;
import static io.wsgateway.deploy.HelmChart.MINIMAL_VALUES;
import static io.wsgateway.deploy.HelmChart.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Lints and renders {@code helm/websocket-gateway} (helm-java, no helm binary) and checks
 * the rendered objects against the application: probe paths, configuration binding into
 * the application's properties records, shutdown timing, security settings, validation.
 */
class HelmChartTests {

	private static final String FULLNAME = "gw-websocket-gateway";

	// Properties records that are not public, by name.
	private static final Class<?> PRESENCE = applicationClass("presence.PresenceProperties");

	private static final Class<?> ROOMS = applicationClass("hub.FanOutProperties");

	private static final Class<?> API = applicationClass("api.ApiProperties");

	private static final Class<?> UPSTREAMS = applicationClass("upstream.UpstreamProperties");

	/** The properties records whose every property the chart must expose. */
	private static final List<Class<?>> CHART_RECORDS = List.of(NodeProperties.class, WebSocketProperties.class,
			SessionsProperties.class, GatewaySecurityProperties.class, AdmissionProperties.class,
			LimitsProperties.class, BusProperties.class, PRESENCE, ROOMS, API, UPSTREAMS);

	private static HelmChart.Rendered defaults;

	private static HelmChart.Rendered allOn;

	@BeforeAll
	static void render() {
		defaults = HelmChart.render(List.of(MINIMAL_VALUES));
		allOn = HelmChart.render(List.of(ALL_ON_VALUES));
	}

	@ParameterizedTest
	@ValueSource(strings = { "minimal-values.yaml", "all-on-values.yaml" })
	void lintsCleanInStrictMode(String valuesFile, @TempDir Path work) {
		LintResult result = HelmChart.lint(HelmChart.DIR.resolve("ci").resolve(valuesFile), work);
		assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
		assertThat(result.getMessages()).noneMatch((m) -> m.contains("[ERROR]") || m.contains("[WARNING]"));
	}

	@Test
	void installNotesTellHowToReachTheGateway() {
		assertThat(HelmChart.installDryRun(MINIMAL_VALUES)).contains("ws://gw-websocket-gateway.edge.svc:80/ws")
			.contains("kubectl -n edge port-forward svc/gw-websocket-gateway 8080:80")
			.doesNotContain("WARNING");
		assertThat(HelmChart.installDryRun(ALL_ON_VALUES)).contains("wss://ws.example.com/ws")
			.contains("3 to 12 (autoscaled)");
		assertThat(HelmChart.installDryRun(MINIMAL_VALUES, "gateway.security.anonymous=true", "jwt.secret="))
			.contains("WARNING: gateway.security.anonymous=true");
	}

	@Test
	void defaultsRenderOnlyTheCoreObjects() {
		assertThat(defaults.kinds()).containsExactly("ConfigMap", "Deployment", "PodDisruptionBudget", "Secret",
				"Service", "Service", "ServiceAccount");
	}

	@Test
	void everyOptionalObjectRendersWhenEnabled() {
		assertThat(allOn.kinds()).containsExactly("ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Ingress",
				"NetworkPolicy", "PodDisruptionBudget", "PrometheusRule", "Service", "Service", "ServiceAccount",
				"ServiceMonitor");
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void probesPointAtTheApplicationsActuatorHealthGroups(boolean everythingOn) {
		HelmChart.Rendered rendered = everythingOn ? allOn : defaults;
		GatewayConfig config = GatewayConfig.overApplicationDefaults(rendered.applicationYml());
		assertThat(config.bind("management.endpoint.health.probes.enabled", Boolean.class)).isTrue();
		assertThat(config.get("management.endpoints.web.exposure.include")).satisfiesAnyOf(
				(include) -> assertThat(include.split(",")).contains("health", "prometheus"),
				(include) -> assertThat(include).isEqualTo("*"));
		String basePath = orDefault(config.get("management.endpoints.web.base-path"), "/actuator");
		Integer managementPort = config.bind("management.server.port", Integer.class);
		int actuatorPort = (managementPort != null) ? managementPort : config.bind("server.port", Integer.class);

		Map<String, Object> container = rendered.gatewayContainer();
		assertThat(probePath(container, "startupProbe")).isEqualTo(basePath + "/health/liveness");
		assertThat(probePath(container, "livenessProbe")).isEqualTo(basePath + "/health/liveness");
		assertThat(probePath(container, "readinessProbe")).isEqualTo(basePath + "/health/readiness");
		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			assertThat(containerPort(container, at(container, probe + ".httpGet.port"))).as(probe)
				.isEqualTo(actuatorPort);
		}
		assertThat(containerPort(container, "http")).isEqualTo(config.bind("server.port", Integer.class));
	}

	@Test
	void configMapBindsToTheApplicationsPropertiesRecords() {
		GatewayConfig config = GatewayConfig.of(allOn.applicationYml());

		WebSocketProperties websocket = config.bind(WebSocketProperties.class);
		assertThat(websocket.path()).isEqualTo("/ws");
		assertThat(websocket.allowedOrigins()).containsExactly("https://*.example.com", "https://example.com");
		assertThat(websocket.maxMessageSize()).isEqualTo(DataSize.ofKilobytes(256));
		assertThat(websocket.heartbeatInterval()).isEqualTo(Duration.ofSeconds(20));
		assertThat(websocket.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
		assertThat(websocket.sendBufferLimit()).isEqualTo(DataSize.ofMegabytes(2));
		assertThat(websocket.sendTimeLimit()).isEqualTo(Duration.ofSeconds(5));
		assertThat(websocket.compression()).isTrue();

		GatewaySecurityProperties security = config.bind(GatewaySecurityProperties.class);
		assertThat(security.anonymous()).isFalse();
		assertThat(security.jwt().clockSkew()).isEqualTo(Duration.ofSeconds(10));
		assertThat(security.jwt().secret()).as("secrets stay out of the ConfigMap").isNull();
		assertThat(security.jwt().publicKey()).isNull();

		AdmissionProperties admission = config.bind(AdmissionProperties.class);
		assertThat(admission.maxConnections()).isEqualTo(8000);
		assertThat(admission.maxConnectionsPerIp()).isEqualTo(20);
		assertThat(admission.handshakesPerMinutePerIp()).isEqualTo(120);
		assertThat(admission.trustedProxies()).containsExactly("10.42.0.0/16");
		assertThat(admission.retryAfter()).isEqualTo(Duration.ofSeconds(3));

		LimitsProperties limits = config.bind(LimitsProperties.class);
		assertThat(limits.messagesPerSecond()).isEqualTo(25);
		assertThat(limits.maxViolations()).isEqualTo(5);

		assertThat(config.bind(SessionsProperties.class).perUser()).isEqualTo(SessionsProperties.PerUserPolicy.SINGLE);

		BusProperties bus = config.bind(BusProperties.class);
		assertThat(bus.type()).isEqualTo(BusProperties.Type.RABBITMQ);
		assertThat(bus.exchange()).isEqualTo("edge.events");
		assertThat(bus.clientExchange()).isEqualTo("edge.client-events");
		assertThat(bus.confirmTimeout()).isEqualTo(Duration.ofSeconds(3));
		assertThat(bus.circuitOpenDuration()).isEqualTo(Duration.ofSeconds(15));
		assertThat(bus.prefetch()).isEqualTo(100);
		assertThat(bus.routingKeyPrefix()).isEqualTo("edge.");

		assertThat(config.bind(NodeProperties.class).nodeId()).isEqualTo("edge-gw");

		assertThat(config.get("spring.rabbitmq.host")).isEqualTo("rabbitmq.messaging.svc");
		assertThat(config.bind("spring.rabbitmq.port", Integer.class)).isEqualTo(5671);
		assertThat(config.get("spring.rabbitmq.username")).isEqualTo("edge-gateway");
		assertThat(config.get("spring.rabbitmq.virtual-host")).isEqualTo("edge");
		assertThat(config.bind("spring.rabbitmq.ssl.enabled", Boolean.class)).isTrue();
		assertThat(config.get("spring.rabbitmq.password")).as("secrets stay out of the ConfigMap").isNull();
		assertThat(config.get("logging.level.io.wsgateway")).as("extraConfig").isEqualTo("INFO");
	}

	@Test
	void defaultConfigMapBindsToTheDocumentedDefaults() {
		GatewayConfig config = GatewayConfig.of(defaults.applicationYml());
		WebSocketProperties websocket = config.bind(WebSocketProperties.class);
		assertThat(websocket.maxMessageSize()).isEqualTo(DataSize.ofKilobytes(512));
		assertThat(websocket.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
		assertThat(websocket.allowedOrigins()).isEmpty();
		assertThat(config.bind(GatewaySecurityProperties.class).anonymous()).as("anonymous off by default").isFalse();
		assertThat(config.bind(BusProperties.class).type()).as("RabbitMQ bus on by default")
			.isEqualTo(BusProperties.Type.RABBITMQ);
		assertThat(config.bind(AdmissionProperties.class).maxConnections()).isEqualTo(10000);
		assertThat(config.bind(SessionsProperties.class).perUser()).isEqualTo(SessionsProperties.PerUserPolicy.MULTIPLE);
		assertThat(config.names()).doesNotContain("gateway.node-id");
	}

	@Test
	void configMapHasNoUnknownGatewayProperties() {
		Map<String, Class<?>> known = new TreeMap<>();
		GatewayConfig.gatewayRecords()
			.forEach((record) -> known.putAll(GatewayConfig.properties(GatewayConfig.prefixOf(record), record)));
		assertThat(known).as("properties records found by scanning").containsKey("gateway.websocket.path");
		for (HelmChart.Rendered rendered : List.of(defaults, allOn)) {
			Set<String> gatewayNames = GatewayConfig.of(rendered.applicationYml())
				.names()
				.stream()
				.filter((name) -> name.startsWith("gateway."))
				.collect(Collectors.toSet());
			assertThat(gatewayNames).as("gateway.* properties no record binds")
				.allMatch((name) -> GatewayConfig.isKnown(name, known));
		}
	}

	@Test
	void chartExposesEveryPropertyOfTheGatewayRecords() {
		// in the ConfigMap, or (keys) in environment variables from the Secret
		Set<String> rendered = GatewayConfig.of(allOn.applicationYml())
			.names()
			.stream()
			.map(HelmChartTests::uniform)
			.collect(Collectors.toSet());
		envNames(allOn.gatewayContainer()).forEach((env) -> rendered.add(env.toLowerCase().replace('_', '.')));
		for (Class<?> record : CHART_RECORDS) {
			Set<String> properties = GatewayConfig.properties(GatewayConfig.prefixOf(record), record).keySet();
			assertThat(properties).as("properties of %s the chart does not set (add them to values.yaml, "
					+ "values.schema.json and templates/configmap.yaml)", record.getSimpleName())
				.allMatch((property) -> rendered.contains(uniform(property)));
		}
	}

	@Test
	void secretEnvironmentVariablesBindToTheRecords() {
		Map<String, Object> env = new TreeMap<>();
		envNames(defaults.gatewayContainer()).forEach((name) -> env.put(name, "from-env-" + name));
		GatewayConfig config = GatewayConfig.of(defaults.applicationYml()).withEnvironment(env);
		GatewaySecurityProperties.Jwt jwt = config.bind(GatewaySecurityProperties.class).jwt();
		assertThat(jwt.secret()).isEqualTo("from-env-GATEWAY_SECURITY_JWT_SECRET");
		assertThat(jwt.publicKey()).isEqualTo("from-env-GATEWAY_SECURITY_JWT_PUBLICKEY");
		assertThat(config.get("spring.rabbitmq.password")).isEqualTo("from-env-SPRING_RABBITMQ_PASSWORD");
		assertThat(config.get("spring.config.additional-location")).isEqualTo("from-env-SPRING_CONFIG_ADDITIONAL_LOCATION");
	}

	@Test
	void chartDefaultsAreTheApplicationsDefaults() {
		GatewayConfig chart = GatewayConfig.of(defaults.applicationYml());
		GatewayConfig none = GatewayConfig.of("");
		for (Class<?> record : CHART_RECORDS) {
			if (record != BusProperties.class) { // the chart's bus is RabbitMQ, the application's local
				assertThat(chart.bind(record)).as(record.getSimpleName()).isEqualTo(none.bind(record));
			}
		}
	}

	@Test
	void rendersPresenceSettings() {
		assertThat(bound(allOn, PRESENCE)).containsEntry("gracePeriod", Duration.ofSeconds(10))
			.containsEntry("nodeHeartbeat", Duration.ofSeconds(10))
			.containsEntry("nodeTimeout", Duration.ofSeconds(30));
		HelmChart.Rendered atOnce = HelmChart.render(List.of(MINIMAL_VALUES), "gateway.presence.gracePeriod=0s");
		assertThat(bound(atOnce, PRESENCE)).containsEntry("gracePeriod", Duration.ZERO)
			.containsEntry("nodeTimeout", Duration.ofSeconds(15));
	}

	@Test
	void rendersRoomsSettings() {
		assertThat(bound(allOn, ROOMS)).containsEntry("fanOutThreads", 4).containsEntry("fanOutBacklog", 32);
		assertThat(bound(defaults, ROOMS)).containsEntry("fanOutThreads", 2).containsEntry("fanOutBacklog", 64);
	}

	@Test
	void rendersApiSettingsWithTheKeysInTheSecret() {
		assertThat(bound(allOn, API)).containsEntry("maxBodySize", DataSize.ofKilobytes(128))
			.containsEntry("keys", List.of());

		HelmChart.Rendered rendered = HelmChart.render(List.of(MINIMAL_VALUES), "api.keys[0]=key-one", "api.keys[1]=key-two");
		Map<String, Object> data = at(rendered.one("Secret"), "data");
		String keys = new String(Base64.getDecoder().decode((String) data.get("api-keys")), StandardCharsets.UTF_8);
		assertThat(keys).isEqualTo("key-one,key-two");
		assertThat(envSecretRef(rendered.gatewayContainer(), "GATEWAY_API_KEYS")).containsEntry("name", FULLNAME)
			.containsEntry("key", "api-keys");
		assertThat(rendered.applicationYml()).as("secrets stay out of the ConfigMap").doesNotContain("key-one");
		// as in the pod: the Secret's value in the environment, over the chart's and the image's application.yml
		GatewayConfig pod = GatewayConfig.overApplicationDefaults(rendered.applicationYml())
			.withEnvironment(Map.of("GATEWAY_API_KEYS", keys));
		assertThat(components(pod.bind(API))).containsEntry("keys", List.of("key-one", "key-two"));

		assertThat(envNames(defaults.gatewayContainer())).as("no keys, no variable").doesNotContain("GATEWAY_API_KEYS");
		assertThat(envSecretRef(allOn.gatewayContainer(), "GATEWAY_API_KEYS"))
			.containsEntry("name", "edge-gateway-secrets")
			.containsEntry("key", "api-keys")
			.containsEntry("optional", true);
	}

	@Test
	void rendersUpstreamRoutes() {
		assertThat(GatewayConfig.of(allOn.applicationYml()).names()).as("keys in the application's kebab case")
			.contains("gateway.upstreams.routes.hash-on", "gateway.upstreams.routes.health-check.unhealthy-threshold",
					"gateway.upstreams.routes.circuit-breaker.wait-duration-in-open-state")
			.noneMatch((name) -> name.startsWith("gateway.upstreams.") && !name.equals(name.toLowerCase()));
		Map<String, Object> legacy = at(bound(allOn, UPSTREAMS), "routes[0]");
		assertThat(legacy).containsEntry("id", "legacy")
			.containsEntry("path", "/ws/legacy/**")
			.containsEntry("hashOn", "header:X-Tenant")
			.containsEntry("connectTimeout", Duration.ofSeconds(2))
			.containsEntry("idleTimeout", Duration.ofMinutes(10))
			.containsEntry("forwardToken", true)
			.containsEntry("forwardHeaders", List.of("User-Agent", "Cookie"))
			.containsEntry("maxFrameSize", DataSize.ofMegabytes(1));
		assertThat(legacy.get("strategy")).hasToString("CONSISTENT_HASH");
		Map<String, Object> legacyA = at(legacy, "targets[0]");
		Map<String, Object> legacyB = at(legacy, "targets[1]");
		Map<String, Object> healthCheck = at(legacy, "healthCheck");
		Map<String, Object> circuitBreaker = at(legacy, "circuitBreaker");
		assertThat(legacyA).containsEntry("url", URI.create("ws://legacy-a.apps.svc:9000/socket"))
			.containsEntry("weight", 3)
			.containsEntry("name", "legacy-a");
		assertThat(legacyB).containsEntry("weight", 1)
			.containsEntry("name", "legacy-b.apps.svc:9000/socket");
		assertThat(healthCheck).containsEntry("enabled", true)
			.containsEntry("interval", Duration.ofSeconds(15))
			.containsEntry("timeout", Duration.ofSeconds(2))
			.containsEntry("unhealthyThreshold", 4)
			.containsEntry("healthyThreshold", 3)
			.containsEntry("path", "/health");
		assertThat(circuitBreaker).containsEntry("failureRateThreshold", 40f)
			.containsEntry("slidingWindowSize", 20)
			.containsEntry("minimumNumberOfCalls", 8)
			.containsEntry("waitDurationInOpenState", Duration.ofSeconds(45))
			.containsEntry("permittedCallsInHalfOpenState", 2);
		Map<String, Object> feed = at(bound(allOn, UPSTREAMS), "routes[1]");
		assertThat(feed).as("omitted settings keep the application's defaults")
			.containsEntry("id", "/ws/feed")
			.containsEntry("connectTimeout", Duration.ofSeconds(5));
		assertThat(feed.get("strategy")).hasToString("ROUND_ROBIN");
		Map<String, Object> feedHealthCheck = at(feed, "healthCheck");
		assertThat(feedHealthCheck).containsEntry("enabled", false)
			.containsEntry("interval", Duration.ofSeconds(10));

		assertThat(bound(defaults, UPSTREAMS)).containsEntry("routes", List.of());
		HelmChart.Rendered viaExtraConfig = HelmChart.render(List.of(MINIMAL_VALUES),
				"extraConfig.gateway.upstreams.routes[0].path=/ws/old",
				"extraConfig.gateway.upstreams.routes[0].targets[0].url=ws://old.apps.svc:9000");
		assertThat((String) at(bound(viaExtraConfig, UPSTREAMS), "routes[0].path")).as("extraConfig still wins")
			.isEqualTo("/ws/old");
	}

	/** Spring's uniform form of a property name: no dashes, lower case. */
	private static String uniform(String name) {
		return name.replace("-", "").toLowerCase();
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void gracePeriodCoversPreStopPauseAndShutdownPhase(boolean everythingOn) {
		HelmChart.Rendered rendered = everythingOn ? allOn : defaults;
		GatewayConfig config = GatewayConfig.of(rendered.applicationYml());
		assertThat(config.get("server.shutdown")).isEqualTo("graceful");
		Duration phase = config.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class);
		Map<String, Object> pod = at(rendered.one("Deployment"), "spec.template.spec");
		int grace = at(pod, "terminationGracePeriodSeconds");
		int preStop = at(rendered.gatewayContainer(), "lifecycle.preStop.sleep.seconds");
		assertThat(preStop).isPositive();
		assertThat(phase).isPositive();
		assertThat(Duration.ofSeconds(grace)).isGreaterThan(Duration.ofSeconds(preStop).plus(phase));
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void podRunsLockedDown(boolean everythingOn) {
		HelmChart.Rendered rendered = everythingOn ? allOn : defaults;
		Map<String, Object> pod = at(rendered.one("Deployment"), "spec.template.spec");
		assertThat((Boolean) at(pod, "securityContext.runAsNonRoot")).isTrue();
		assertThat((Integer) at(pod, "securityContext.runAsUser")).isEqualTo(65532);
		assertThat((String) at(pod, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
		assertThat((Boolean) at(pod, "automountServiceAccountToken")).isFalse();

		Map<String, Object> container = rendered.gatewayContainer();
		assertThat((Boolean) at(container, "securityContext.runAsNonRoot")).isTrue();
		assertThat((Integer) at(container, "securityContext.runAsUser")).isEqualTo(65532);
		assertThat((Boolean) at(container, "securityContext.readOnlyRootFilesystem")).isTrue();
		assertThat((Boolean) at(container, "securityContext.allowPrivilegeEscalation")).isFalse();
		List<String> dropped = at(container, "securityContext.capabilities.drop");
		Map<String, Object> requests = at(container, "resources.requests");
		Map<String, Object> limits = at(container, "resources.limits");
		assertThat(dropped).containsExactly("ALL");
		assertThat(requests).containsKeys("cpu", "memory");
		assertThat(limits).containsKeys("cpu", "memory");

		List<Map<String, Object>> mounts = at(container, "volumeMounts");
		assertThat(mounts).anySatisfy((mount) -> {
			assertThat(mount).containsEntry("name", "tmp").containsEntry("mountPath", "/tmp");
		});
		List<Map<String, Object>> volumes = at(pod, "volumes");
		assertThat(volumes).anySatisfy((volume) -> assertThat(volume).containsEntry("name", "tmp").containsKey("emptyDir"));
	}

	@Test
	void secretsReachTheApplicationThroughEnvironmentVariables() {
		assertThat(envSecretRef(defaults.gatewayContainer(), "GATEWAY_SECURITY_JWT_SECRET"))
			.containsEntry("name", FULLNAME)
			.containsEntry("key", "jwt-secret");
		assertThat(envSecretRef(defaults.gatewayContainer(), "GATEWAY_SECURITY_JWT_PUBLICKEY"))
			.containsEntry("key", "jwt-public-key");
		assertThat(envSecretRef(defaults.gatewayContainer(), "SPRING_RABBITMQ_PASSWORD"))
			.containsEntry("key", "rabbitmq-password");
		Map<String, Object> data = at(defaults.one("Secret"), "data");
		assertThat(data).containsOnlyKeys("jwt-secret", "rabbitmq-password");

		assertThat(allOn.all("Secret")).as("existingSecret: the chart creates none").isEmpty();
		assertThat(envSecretRef(allOn.gatewayContainer(), "SPRING_RABBITMQ_PASSWORD"))
			.containsEntry("name", "edge-gateway-secrets");
		assertThat(envValue(allOn.gatewayContainer(), "SPRING_CONFIG_ADDITIONAL_LOCATION"))
			.isEqualTo("optional:file:/etc/websocket-gateway/");
		assertThat(envValue(allOn.gatewayContainer(), "JDK_JAVA_OPTIONS")).isEqualTo("-Xlog:gc");
		assertThat((String) at(allOn.gatewayContainer(), "image")).isEqualTo(
				"registry.example.com/edge/websocket-gateway@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	}

	@Test
	void publicKeyInsteadOfSecret() {
		HelmChart.Rendered rendered = HelmChart.render(List.of(MINIMAL_VALUES), "jwt.secret=",
				"jwt.publicKey=-----BEGIN PUBLIC KEY-----");
		Map<String, Object> data = at(rendered.one("Secret"), "data");
		assertThat(data).containsOnlyKeys("jwt-public-key", "rabbitmq-password");
	}

	@Test
	void openIdProviderKeysReachTheConfigAndTheNetworkPolicy() {
		HelmChart.Rendered rendered = HelmChart.render(List.of(MINIMAL_VALUES), "jwt.secret=",
				"jwt.issuerUri=https://id.example.com:8443/realms/game", "jwt.audiences[0]=chat-gateway",
				"networkPolicy.enabled=true", "networkPolicy.egress.jwtProviderTo[0].ipBlock.cidr=203.0.113.0/24");
		GatewaySecurityProperties.Jwt jwt = GatewayConfig.of(rendered.applicationYml())
			.bind(GatewaySecurityProperties.class)
			.jwt();
		assertThat(jwt.issuerUri()).hasToString("https://id.example.com:8443/realms/game");
		assertThat(jwt.requiredIssuer()).isEqualTo("https://id.example.com:8443/realms/game");
		assertThat(jwt.audiences()).containsExactly("chat-gateway");
		assertThat(jwt.jwksUri()).isNull();
		Map<String, Object> data = at(rendered.one("Secret"), "data");
		assertThat(data).containsOnlyKeys("rabbitmq-password");
		List<Map<String, Object>> egress = at(rendered.one("NetworkPolicy"), "spec.egress");
		assertThat(egress).anySatisfy((rule) -> {
			assertThat((Integer) at(rule, "ports[0].port")).isEqualTo(8443);
			assertThat((String) at(rule, "to[0].ipBlock.cidr")).isEqualTo("203.0.113.0/24");
		});

		HelmChart.Rendered jwks = HelmChart.render(List.of(MINIMAL_VALUES), "jwt.secret=",
				"jwt.jwksUri=https://keys.example.com/jwks.json", "jwt.issuer=https://keys.example.com",
				"networkPolicy.enabled=true");
		GatewaySecurityProperties.Jwt fromJwks = GatewayConfig.of(jwks.applicationYml())
			.bind(GatewaySecurityProperties.class)
			.jwt();
		assertThat(fromJwks.jwksUri()).hasToString("https://keys.example.com/jwks.json");
		assertThat(fromJwks.issuer()).isEqualTo("https://keys.example.com");
		List<Map<String, Object>> jwksEgress = at(jwks.one("NetworkPolicy"), "spec.egress");
		assertThat(jwksEgress).anySatisfy((rule) -> assertThat((Integer) at(rule, "ports[0].port")).isEqualTo(443));
		assertThat(defaults.applicationYml()).doesNotContain("jwks-uri", "issuer-uri");
	}

	@Test
	void previousSecretGoesToTheSecretBesideTheSecret() {
		HelmChart.Rendered rendered = HelmChart.render(List.of(MINIMAL_VALUES),
				"jwt.previousSecret=the-secret-being-rotated-out-0123456789");
		Map<String, Object> data = at(rendered.one("Secret"), "data");
		assertThat(data).containsKeys("jwt-secret", "jwt-previous-secret");
		assertThat(envSecretRef(rendered.gatewayContainer(), "GATEWAY_SECURITY_JWT_PREVIOUSSECRET"))
			.containsEntry("key", "jwt-previous-secret");
	}

	@Test
	void localBusRunsOnePodWithoutBroker() {
		HelmChart.Rendered rendered = HelmChart.render(List.of(MINIMAL_VALUES), "gateway.bus.type=local",
				"replicaCount=1", "rabbitmq.host=", "rabbitmq.password=", "metrics.prometheusRule.enabled=true");
		GatewayConfig config = GatewayConfig.of(rendered.applicationYml());
		assertThat(config.bind(BusProperties.class).type()).isEqualTo(BusProperties.Type.LOCAL);
		assertThat(config.names()).noneMatch((name) -> name.startsWith("spring.rabbitmq"));
		assertThat(envNames(rendered.gatewayContainer())).doesNotContain("SPRING_RABBITMQ_PASSWORD");
		assertThat(rendered.yaml).doesNotContain("GatewayBrokerDown");
	}

	@Test
	void managementOnTheApplicationPortWhenNotSeparated() {
		HelmChart.Rendered rendered = HelmChart.render(List.of(MINIMAL_VALUES), "management.port=null",
				"metrics.serviceMonitor.enabled=true");
		assertThat(GatewayConfig.of(rendered.applicationYml()).names()).doesNotContain("management.server.port");
		assertThat((String) at(rendered.gatewayContainer(), "readinessProbe.httpGet.port")).isEqualTo("http");
		assertThat(rendered.all("Service")).hasSize(1);
		assertThat((String) at(rendered.one("ServiceMonitor"), "spec.endpoints[0].port")).isEqualTo("http");
	}

	@Test
	void ingressKeepsWebSocketsOpenAndCanStick() {
		Map<String, Object> ingress = allOn.one("Ingress");
		Map<String, String> annotations = at(ingress, "metadata.annotations");
		assertThat(annotations).containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600")
			.containsEntry("nginx.ingress.kubernetes.io/proxy-send-timeout", "3600")
			.containsEntry("nginx.ingress.kubernetes.io/affinity", "cookie")
			.containsEntry("nginx.ingress.kubernetes.io/session-cookie-name", "WSGW_AFFINITY")
			.containsEntry("cert-manager.io/cluster-issuer", "letsencrypt");
		assertThat((String) at(ingress, "spec.ingressClassName")).isEqualTo("nginx");
		assertThat((String) at(ingress, "spec.rules[0].http.paths[0].backend.service.port.name")).isEqualTo("http");
		assertThat((String) at(ingress, "spec.rules[0].http.paths[0].backend.service.name")).isEqualTo(FULLNAME);

		HelmChart.Rendered notSticky = HelmChart.render(List.of(ALL_ON_VALUES), "ingress.stickySessions.enabled=false");
		Map<String, String> plain = at(notSticky.one("Ingress"), "metadata.annotations");
		assertThat(plain).doesNotContainKey("nginx.ingress.kubernetes.io/affinity");
	}

	@Test
	void autoscalerScalesOnCpuAndOpenConnections() {
		Map<String, Object> hpa = allOn.one("HorizontalPodAutoscaler");
		assertThat((String) at(hpa, "spec.scaleTargetRef.name")).isEqualTo(FULLNAME);
		assertThat((Integer) at(hpa, "spec.minReplicas")).isEqualTo(3);
		assertThat((Integer) at(hpa, "spec.maxReplicas")).isEqualTo(12);
		assertThat((String) at(hpa, "spec.metrics[0].resource.name")).isEqualTo("cpu");
		assertThat((String) at(hpa, "spec.metrics[1].pods.metric.name")).isEqualTo("gateway_connections_active");
		assertThat((String) at(hpa, "spec.metrics[1].pods.target.averageValue")).isEqualTo("6000");
		Map<String, Object> deploymentSpec = at(allOn.one("Deployment"), "spec");
		assertThat(deploymentSpec).as("replicas left to the autoscaler").doesNotContainKey("replicas");
	}

	@Test
	void monitoringUsesTheContractMetrics() {
		Map<String, Object> monitor = allOn.one("ServiceMonitor");
		assertThat((String) at(monitor, "spec.endpoints[0].path")).isEqualTo("/actuator/prometheus");
		assertThat((String) at(monitor, "spec.endpoints[0].port")).isEqualTo("management");
		Map<String, Object> service = allOn.named("Service", FULLNAME + "-management");
		assertThat((String) at(service, "spec.type")).as("actuator never on a load balancer").isEqualTo("ClusterIP");
		Map<String, String> serviceLabels = at(service, "metadata.labels");
		assertThat(serviceLabels).as("the ServiceMonitor selects the management Service")
			.containsAllEntriesOf(at(monitor, "spec.selector.matchLabels"));
		assertThat(allOn.named("Service", FULLNAME).get("metadata")).asString()
			.as("and not the main one")
			.doesNotContain("component=management");

		List<Map<String, Object>> rules = at(allOn.one("PrometheusRule"), "spec.groups[0].rules");
		Map<String, String> expressions = rules.stream()
			.collect(Collectors.toMap((rule) -> (String) rule.get("alert"), (rule) -> (String) rule.get("expr")));
		assertThat(expressions).containsOnlyKeys("GatewayTargetDown", "GatewayNodeNearCapacity", "GatewayBrokerDown",
				"GatewayHandshakeRejectionsHigh", "GatewaySendOverflows", "GatewayNoUsers");
		assertThat(expressions.get("GatewayNodeNearCapacity")).contains("gateway_connections_active")
			.endsWith("> 7200");
		assertThat(expressions.get("GatewayBrokerDown")).contains("gateway_bus_connected").endsWith("== 0");
		assertThat(expressions.get("GatewayHandshakeRejectionsHigh")).contains("gateway_handshakes_total")
			.contains("outcome!=\"accepted\"");
		assertThat(expressions.get("GatewaySendOverflows")).contains("gateway_send_overflows_total");
		assertThat(expressions.values()).allMatch((expr) -> !expr.contains("gateway_")
				|| expr.contains("job=\"" + FULLNAME + "-management\"") || expr.startsWith("sum(gateway_users_active)"));
	}

	@Test
	void networkPolicyOpensOnlyWhatTheGatewayUses() {
		Map<String, Object> policy = allOn.one("NetworkPolicy");
		List<String> policyTypes = at(policy, "spec.policyTypes");
		assertThat(policyTypes).containsExactly("Ingress", "Egress");
		assertThat((Object) at(policy, "spec.ingress[0].ports[0].port")).isEqualTo("http");
		assertThat((Object) at(policy, "spec.ingress[1].ports[0].port")).isEqualTo("management");
		List<Map<String, Object>> egress = at(policy, "spec.egress");
		assertThat(egress).hasSize(5);
		assertThat((Integer) at(egress.get(0), "ports[0].port")).isEqualTo(53);
		assertThat((Integer) at(egress.get(1), "ports[0].port")).isEqualTo(5671);
		assertThat((Integer) at(egress.get(2), "ports[0].port")).as("the OpenID provider").isEqualTo(443);
		assertThat((Integer) at(egress.get(3), "ports[0].port")).as("extra: the upstream targets").isEqualTo(9000);
	}

	static List<Arguments> badValues() {
		return List.of(
				Arguments.of(List.of(), new String[] { "gateway.bus.type=rabbitmq needs rabbitmq.host",
						"no JWT key: set jwt.secret or jwt.publicKey" }),
				Arguments.of(List.of("rabbitmq.host="), new String[] { "gateway.bus.type=rabbitmq needs rabbitmq.host" }),
				Arguments.of(List.of("rabbitmq.password="),
						new String[] { "needs rabbitmq.password or secrets.existingSecret" }),
				Arguments.of(List.of("jwt.secret="), new String[] { "no JWT key" }),
				Arguments.of(List.of("jwt.publicKey=pem"), new String[] { "set only one of jwt.secret and jwt.publicKey" }),
				Arguments.of(List.of("jwt.secret=too-short"), new String[] { "jwt.secret must be at least 32 bytes" }),
				Arguments.of(List.of("jwt.jwksUri=https://id.example.com/jwks"),
						new String[] { "set only one key source" }),
				Arguments.of(List.of("jwt.secret=", "jwt.issuerUri=https://id.example.com", "jwt.issuer=https://other"),
						new String[] { "jwt.issuer differs from jwt.issuerUri" }),
				Arguments.of(List.of("jwt.secret=", "jwt.previousSecret=the-secret-being-rotated-out-0123456789",
						"jwt.issuerUri=https://id.example.com"), new String[] { "jwt.previousSecret needs jwt.secret" }),
				Arguments.of(List.of("jwt.secret=", "jwt.issuerUri=ftp://id.example.com"), new String[] { "issuerUri" }),
				Arguments.of(List.of("secrets.existingSecret=mine"), new String[] { "leave jwt.secret" }),
				Arguments.of(List.of("shutdown.terminationGracePeriodSeconds=30"),
						new String[] { "shutdown.terminationGracePeriodSeconds (30) must exceed" }),
				Arguments.of(List.of("gateway.bus.type=local"),
						new String[] { "gateway.bus.type=local serves one pod only" }),
				Arguments.of(List.of("ingress.enabled=true"),
						new String[] { "ingress.enabled needs gateway.admission.trustedProxies" }),
				Arguments.of(List.of("autoscaling.enabled=true", "autoscaling.connections.enabled=true",
						"autoscaling.connections.targetAverageValue=10000"),
						new String[] { "targetAverageValue must be below gateway.admission.maxConnections" }),
				Arguments.of(List.of("management.port=8080"), new String[] { "management.port must differ" }),
				Arguments.of(List.of("podDisruptionBudget.minAvailable=1"),
						new String[] { "exactly one of minAvailable and maxUnavailable" }),
				Arguments.of(List.of("gateway.bus.type=kafka"), new String[] { "/gateway/bus/type" }),
				Arguments.of(List.of("gateway.sessions.perUser=many"), new String[] { "/gateway/sessions/perUser" }),
				Arguments.of(List.of("gateway.websocket.heartbeatInterval=30 seconds"),
						new String[] { "/gateway/websocket/heartbeatInterval" }),
				Arguments.of(List.of("gateway.admission.maxConectons=5"), new String[] { "maxConectons" }),
				Arguments.of(List.of("gateway.presence.nodeTimeout=15"), new String[] { "/gateway/presence/nodeTimeout" }),
				Arguments.of(List.of("gateway.rooms.fanOutThreads=0"), new String[] { "/gateway/rooms/fanOutThreads" }),
				Arguments.of(List.of("gateway.api.maxBodySize=64kb"), new String[] { "/gateway/api/maxBodySize" }),
				Arguments.of(List.of("gateway.api.keys[0]=secret"), new String[] { "/gateway/api", "keys" }),
				Arguments.of(List.of("api.keys[0]=two words"), new String[] { "/api/keys/0" }),
				Arguments.of(List.of("jwt.secret=", "rabbitmq.password=", "secrets.existingSecret=mine", "api.keys[0]=k"),
						new String[] { "leave jwt.secret, jwt.previousSecret, jwt.publicKey, rabbitmq.password and api.keys empty" }),
				Arguments.of(List.of("gateway.upstreams.routes[0].path=/ws/legacy"),
						new String[] { "/gateway/upstreams/routes/0", "targets" }),
				Arguments.of(List.of("gateway.upstreams.routes[0].path=/ws/legacy",
						"gateway.upstreams.routes[0].targets[0].url=http://legacy:9000"),
						new String[] { "/gateway/upstreams/routes/0/targets/0/url" }),
				Arguments.of(List.of("gateway.upstreams.routes[0].path=/ws/legacy",
						"gateway.upstreams.routes[0].targets[0].url=ws://legacy:9000",
						"gateway.upstreams.routes[0].strategy=sticky"),
						new String[] { "/gateway/upstreams/routes/0/strategy" }),
				Arguments.of(List.of("gateway.upstreams.routes[0].path=/ws/legacy",
						"gateway.upstreams.routes[0].targets[0].url=ws://legacy:9000",
						"gateway.upstreams.routes[0].hash-on=ip"), new String[] { "hash-on" }),
				Arguments.of(List.of("gateway.upstreams.routes[0].path=/ws/legacy",
						"gateway.upstreams.routes[0].targets[0].url=ws://legacy:9000", "networkPolicy.enabled=true"),
						new String[] { "gateway.upstreams.routes with networkPolicy.egress.enabled needs "
								+ "networkPolicy.egress.extra" }));
	}

	@ParameterizedTest
	@MethodSource("badValues")
	void inconsistentValuesFailWithTheirMessage(List<String> sets, String[] messages) {
		List<Path> files = sets.isEmpty() ? List.of() : List.of(MINIMAL_VALUES);
		assertThatIllegalStateException().isThrownBy(() -> HelmChart.render(files, sets.toArray(String[]::new)))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains(messages));
	}

	private static String probePath(Map<String, Object> container, String probe) {
		return at(container, probe + ".httpGet.path");
	}

	private static int containerPort(Map<String, Object> container, String name) {
		List<Map<String, Object>> ports = at(container, "ports");
		return ports.stream()
			.filter((port) -> name.equals(port.get("name")))
			.map((port) -> (Integer) port.get("containerPort"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no container port named " + name));
	}

	private static List<String> envNames(Map<String, Object> container) {
		List<Map<String, Object>> env = at(container, "env");
		return env.stream().map((e) -> (String) e.get("name")).toList();
	}

	private static Map<String, Object> envEntry(Map<String, Object> container, String name) {
		List<Map<String, Object>> env = at(container, "env");
		return env.stream()
			.filter((e) -> name.equals(e.get("name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no env " + name));
	}

	private static String envValue(Map<String, Object> container, String name) {
		return (String) envEntry(container, name).get("value");
	}

	private static Map<String, Object> envSecretRef(Map<String, Object> container, String name) {
		return at(envEntry(container, name), "valueFrom.secretKeyRef");
	}

	/** The record a rendered ConfigMap binds to, as {@link #components}. */
	private static Map<String, Object> bound(HelmChart.Rendered rendered, Class<?> record) {
		return components(GatewayConfig.of(rendered.applicationYml()).bind(record));
	}

	/**
	 * A bound record (most are not public) as a map from component name to value, nested
	 * records and lists of them likewise, for {@link HelmChart#at}.
	 */
	@SuppressWarnings("unchecked")
	private static Map<String, Object> components(Object record) {
		return (Map<String, Object>) tree(record);
	}

	private static Object tree(Object value) {
		if (value instanceof Record record) {
			Map<String, Object> components = new LinkedHashMap<>();
			for (RecordComponent component : record.getClass().getRecordComponents()) {
				try {
					Method accessor = component.getAccessor();
					accessor.setAccessible(true);
					components.put(component.getName(), tree(accessor.invoke(record)));
				}
				catch (ReflectiveOperationException ex) {
					throw new IllegalStateException(ex);
				}
			}
			return components;
		}
		if (value instanceof List<?> list) {
			return list.stream().map(HelmChartTests::tree).toList();
		}
		return value;
	}

	private static Class<?> applicationClass(String name) {
		try {
			return Class.forName("io.wsgateway." + name);
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String orDefault(String value, String fallback) {
		return (value != null) ? value : fallback;
	}

}
