package io.wsgateway.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.wsgateway.session.ClientIdentity;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.HttpHeaders;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Binding of {@code gateway.upstreams.*} with Boot's binder: defaults, relaxed names, refusals. */
class UpstreamPropertiesTests {

	@Test
	void noRoutesByDefault() {
		assertThat(bind(Map.of()).routes()).isEmpty();
	}

	@Test
	void routeWithOnlyPathAndTargetsGetsTheDocumentedDefaults() {
		UpstreamProperties.Route route = bind(Map.of("gateway.upstreams.routes[0].path", "/ws/legacy/**",
				"gateway.upstreams.routes[0].targets[0].url", "ws://legacy:9000/socket")).routes().get(0);
		assertThat(route.id()).isEqualTo("/ws/legacy/**");
		assertThat(route.strategy()).isEqualTo(UpstreamProperties.Strategy.ROUND_ROBIN);
		assertThat(route.hashOn()).isEqualTo("ip");
		assertThat(route.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(route.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
		assertThat(route.forwardToken()).isFalse();
		assertThat(route.forwardHeaders()).isEmpty();
		assertThat(route.forwardQueryParameters()).isEmpty();
		assertThat(route.maxPendingHandshakes()).isEqualTo(256);
		assertThat(route.maxFrameSize()).isEqualTo(DataSize.ofKilobytes(512));
		assertThat(route.healthCheck()).isEqualTo(new UpstreamProperties.HealthCheck(true, Duration.ofSeconds(10),
				Duration.ofSeconds(3), 3, 2, null));
		assertThat(route.circuitBreaker()).isEqualTo(new UpstreamProperties.CircuitBreakerSettings(50, 10, 5,
				Duration.ofSeconds(30), 1));
		assertThat(route.targets()).containsExactly(
				new UpstreamProperties.Target(URI.create("ws://legacy:9000/socket"), 1, "legacy:9000/socket"));
	}

	@Test
	void strategiesBindFromTheirKebabNames() {
		for (String strategy : List.of("round-robin", "least-connections", "random", "weighted", "consistent-hash")) {
			UpstreamProperties properties = bind(Map.of("gateway.upstreams.routes[0].path", "/x",
					"gateway.upstreams.routes[0].targets[0].url", "wss://x", "gateway.upstreams.routes[0].strategy",
					strategy));
			assertThat(properties.routes().get(0).strategy().name()).isEqualTo(strategy.toUpperCase().replace('-', '_'));
		}
	}

	@Test
	void refusesWhatCannotWork() {
		Map<String, String> valid = Map.of("gateway.upstreams.routes[0].path", "/x",
				"gateway.upstreams.routes[0].targets[0].url", "ws://x");
		assertRefused(Map.of("gateway.upstreams.routes[0].path", "/x"), "at least one target");
		assertRefused(with(valid, "gateway.upstreams.routes[0].targets[0].url", "http://x"), "ws:// or wss://");
		assertRefused(with(valid, "gateway.upstreams.routes[0].hash-on", "body"), "hash-on");
		assertRefused(with(valid, "gateway.upstreams.routes[0].forward-headers", "X-User-Id"), "cannot forward");
		assertRefused(with(valid, "gateway.upstreams.routes[0].forward-query-parameters", "Access_Token"),
				"cannot forward query parameter");
		assertRefused(with(valid, "gateway.upstreams.routes[0].max-pending-handshakes", "0"), "max-pending-handshakes");
		assertRefused(with(valid, "gateway.upstreams.routes[0].targets[0].weight", "0"), "weight");
		assertRefused(with(with(valid, "gateway.upstreams.routes[1].path", "/x"), "gateway.upstreams.routes[1].targets[0].url",
				"ws://y"), "two upstream routes");
	}

	@Test
	void hashOnReadsEachSourceAndFallsBackToTheClientIp() {
		HttpHeaders headers = new HttpHeaders();
		headers.add("X-Session", "s-1");
		headers.add(HttpHeaders.COOKIE, "theme=dark; sid=\"c-1\"");
		ClientIdentity alice = new ClientIdentity("alice", Set.of(), Set.of(), null, false);
		assertThat(HashOn.parse("ip").key(headers, "10.0.0.1", alice)).isEqualTo("10.0.0.1");
		assertThat(HashOn.parse("user").key(headers, "10.0.0.1", alice)).isEqualTo("alice");
		assertThat(HashOn.parse("header:X-Session").key(headers, "10.0.0.1", alice)).isEqualTo("s-1");
		assertThat(HashOn.parse("cookie:sid").key(headers, "10.0.0.1", alice)).isEqualTo("c-1");
		assertThat(HashOn.parse("Cookie:missing").key(headers, "10.0.0.1", alice)).isEqualTo("10.0.0.1");
		assertThat(HashOn.parse("header:X-Missing").key(headers, "10.0.0.1", alice)).isEqualTo("10.0.0.1");
	}

	@Test
	void upstreamAddressKeepsTheTargetPathAndAppendsTheRest() {
		URI base = URI.create("ws://legacy:9000/socket?v=2");
		assertThat(UpstreamRoute.address(base, "", null)).hasToString("ws://legacy:9000/socket?v=2");
		assertThat(UpstreamRoute.address(base, "room/7", "x=1")).hasToString("ws://legacy:9000/socket/room/7?v=2&x=1");
		assertThat(UpstreamRoute.address(URI.create("wss://legacy"), "", null)).hasToString("wss://legacy/");
	}

	private static void assertRefused(Map<String, String> properties, String message) {
		assertThatExceptionOfType(BindException.class).isThrownBy(() -> bind(properties))
			.havingRootCause()
			.withMessageContaining(message);
	}

	private static Map<String, String> with(Map<String, String> properties, String name, String value) {
		Map<String, String> copy = new HashMap<>(properties);
		copy.put(name, value);
		return copy;
	}

	private static UpstreamProperties bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties))
			.bindOrCreate("gateway.upstreams", Bindable.of(UpstreamProperties.class));
	}

}
