package io.wsgateway.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.wsgateway.handshake.QueryParameters;

import org.springframework.boot.context.properties.ConfigurationProperties;
import io.wsgateway.handshake.QueryParameters;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Upstream WebSocket routes ({@code gateway.upstreams.*}): paths on the gateway's port whose
 * connections are passed through to backend WebSocket services, after the same handshake
 * checks as the gateway's own endpoint. None by default.
 *
 * @param routes the routes, each on its own path; their settings
 * ({@code gateway.upstreams.routes[i].*}) and defaults are listed in docs/upstream-routes.md
 */
@ConfigurationProperties("gateway.upstreams")
record UpstreamProperties(@DefaultValue List<Route> routes) {

	UpstreamProperties {
		routes = List.copyOf(routes);
		Set<String> paths = new HashSet<>();
		Set<String> ids = new HashSet<>();
		for (Route route : routes) {
			require(paths.add(route.path()), "two upstream routes on path " + route.path());
			require(ids.add(route.id()), "two upstream routes with id " + route.id());
		}
	}

	/**
	 * One upstream route.
	 *
	 * @param id the route's name in metrics and in {@code /actuator/websocket}; defaults to
	 * the path
	 * @param path the gateway path, such as {@code /ws/legacy} or {@code /ws/legacy/**}; with
	 * a trailing {@code /**} the rest of the client's path is appended to the target's path
	 * @param targets the backend WebSocket services, at least one
	 * @param strategy how a new connection picks its target
	 * @param hashOn what {@code consistent-hash} hashes: {@code ip}, {@code user},
	 * {@code header:<name>} or {@code cookie:<name>}; the client IP when the header or
	 * cookie is missing
	 * @param connectTimeout longest wait for one target's WebSocket handshake; a handshake
	 * that tries several targets can take this long for each
	 * @param idleTimeout close both connections after this long without a frame in either
	 * direction of one of them
	 * @param forwardToken send the client's token to the target as
	 * {@code Authorization: Bearer}; the verified {@code X-User-Id} and {@code X-User-Roles}
	 * are always sent
	 * @param forwardHeaders further client handshake headers copied to the target, such as
	 * {@code User-Agent} or {@code Cookie}; no other client header is
	 * @param forwardQueryParameters names (decoded) of the client's query parameters copied
	 * to the target's query; no other parameter is, and {@code access_token} never
	 * @param maxPendingHandshakes handshakes of the route that may wait for a target at once;
	 * beyond them a client gets 503 with {@code Retry-After}
	 * @param maxFrameSize largest frame accepted from either side; frames pass through
	 * unchanged, so messages of any size pass as long as each of their frames fits
	 * @param healthCheck active health checks of each target
	 * @param circuitBreaker the circuit breaker on each target's connection attempts
	 */
	record Route(String id, String path, List<Target> targets, @DefaultValue("round-robin") Strategy strategy,
			@DefaultValue("ip") String hashOn, @DefaultValue("5s") Duration connectTimeout,
			@DefaultValue("5m") Duration idleTimeout, @DefaultValue("false") boolean forwardToken,
			@DefaultValue List<String> forwardHeaders, @DefaultValue List<String> forwardQueryParameters,
			@DefaultValue("256") int maxPendingHandshakes, @DefaultValue("512KB") DataSize maxFrameSize,
			@DefaultValue HealthCheck healthCheck, @DefaultValue CircuitBreakerSettings circuitBreaker) {

		// Headers the gateway sets itself, or that belong to one HTTP hop and not to the client.
		private static final Set<String> NOT_FORWARDABLE = Set.of("x-user-id", "x-user-roles", "authorization",
				"x-forwarded-for", "host", "connection", "upgrade", "content-length", "transfer-encoding", "te",
				"trailer", "keep-alive", "proxy-authorization", "proxy-connection", "sec-websocket-key",
				"sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol",
				"sec-websocket-accept");

		Route {
			require(path != null && path.startsWith("/"), "an upstream route needs a path starting with '/'");
			id = (id == null || id.isBlank()) ? path : id;
			require(targets != null && !targets.isEmpty(), "upstream route " + path + " needs at least one target");
			targets = List.copyOf(targets);
			Set<String> names = new HashSet<>();
			for (Target target : targets) {
				require(names.add(target.name()), "upstream route " + path + " has two targets named " + target.name());
			}
			HashOn.parse(hashOn);
			require(positive(connectTimeout), "upstream route " + path + ": connect-timeout must be positive");
			require(positive(idleTimeout), "upstream route " + path + ": idle-timeout must be positive");
			require(maxFrameSize.toBytes() > 0, "upstream route " + path + ": max-frame-size must be positive");
			forwardHeaders = List.copyOf(forwardHeaders);
			for (String header : forwardHeaders) {
				require(!NOT_FORWARDABLE.contains(header.toLowerCase(Locale.ROOT)), "upstream route " + path
						+ " cannot forward " + header + ": the gateway sets it, or it belongs to one hop only");
			}
			forwardQueryParameters = List.copyOf(forwardQueryParameters);
			for (String parameter : forwardQueryParameters) {
				require(!parameter.isBlank() && !parameter.equalsIgnoreCase(QueryParameters.ACCESS_TOKEN), "upstream route "
						+ path + " cannot forward query parameter '" + parameter + "': the token goes only by forward-token");
			}
			require(maxPendingHandshakes >= 1, "upstream route " + path + ": max-pending-handshakes must be at least 1");
		}

	}

	/**
	 * One backend WebSocket service.
	 *
	 * @param url {@code ws://} or {@code wss://} address of the service
	 * @param weight share of new connections under {@code weighted}, {@code random},
	 * {@code least-connections} and {@code consistent-hash}
	 * @param name the target's name in metrics and {@code /actuator/websocket}, and its
	 * place on the consistent-hash ring; defaults to host, port and path of the URL
	 */
	record Target(URI url, @DefaultValue("1") int weight, String name) {

		Target {
			require(url != null && url.getHost() != null && url.getScheme() != null
					&& ("ws".equalsIgnoreCase(url.getScheme()) || "wss".equalsIgnoreCase(url.getScheme())),
					"upstream target url must be ws:// or wss:// with a host, got " + url);
			require(weight >= 1, "upstream target " + url + ": weight must be at least 1");
			if (name == null || name.isBlank()) {
				name = url.getHost() + ((url.getPort() != -1) ? ":" + url.getPort() : "")
						+ ((url.getRawPath() != null) ? url.getRawPath() : "");
			}
		}

	}

	/**
	 * Active health checks: at every {@code interval} a WebSocket handshake with the target
	 * and a ping that must be answered with a pong, all within {@code timeout}. Failed
	 * connection attempts of clients count as failed checks too.
	 *
	 * @param enabled whether to check; without checks a target is never marked unhealthy and
	 * only its circuit breaker keeps connections away from it
	 * @param interval time between two checks of one target
	 * @param timeout longest a check may take
	 * @param unhealthyThreshold failures in a row that mark a healthy target unhealthy
	 * @param healthyThreshold successful checks in a row that mark an unhealthy target healthy
	 * @param path a path to check instead of the target URL's own
	 */
	record HealthCheck(@DefaultValue("true") boolean enabled, @DefaultValue("10s") Duration interval,
			@DefaultValue("3s") Duration timeout, @DefaultValue("3") int unhealthyThreshold,
			@DefaultValue("2") int healthyThreshold, String path) {

		HealthCheck {
			require(positive(interval) && positive(timeout), "health-check interval and timeout must be positive");
			require(unhealthyThreshold >= 1 && healthyThreshold >= 1, "health-check thresholds must be at least 1");
			require(path == null || path.startsWith("/"), "health-check path must start with '/'");
		}

	}

	/**
	 * Resilience4j circuit breaker over one target's connection attempts (count-based
	 * window). While it is open the target gets no connections; after
	 * {@code waitDurationInOpenState} it lets {@code permittedCallsInHalfOpenState} attempts
	 * through, and their outcome closes or re-opens it.
	 *
	 * @param failureRateThreshold percentage of failed attempts in the window that opens it
	 * @param slidingWindowSize attempts in the window
	 * @param minimumNumberOfCalls attempts before the failure rate counts
	 * @param waitDurationInOpenState how long it stays open; also the longest
	 * {@code Retry-After} of a 503
	 * @param permittedCallsInHalfOpenState trial attempts when half-open
	 */
	record CircuitBreakerSettings(@DefaultValue("50") float failureRateThreshold,
			@DefaultValue("10") int slidingWindowSize, @DefaultValue("5") int minimumNumberOfCalls,
			@DefaultValue("30s") Duration waitDurationInOpenState, @DefaultValue("1") int permittedCallsInHalfOpenState) {

		CircuitBreakerSettings {
			require(failureRateThreshold > 0 && failureRateThreshold <= 100,
					"circuit-breaker failure-rate-threshold must be in (0, 100]");
			require(slidingWindowSize >= 1 && minimumNumberOfCalls >= 1 && permittedCallsInHalfOpenState >= 1,
					"circuit-breaker sizes must be at least 1");
			require(positive(waitDurationInOpenState), "circuit-breaker wait-duration-in-open-state must be positive");
		}

	}

	/** How a route picks the target of a new connection. */
	enum Strategy {

		/** Each target in turn; weights ignored. */
		ROUND_ROBIN,

		/** The target with the fewest open connections per unit of weight. */
		LEAST_CONNECTIONS,

		/** A target at random, in proportion to its weight. */
		RANDOM,

		/** Smooth weighted round-robin: in proportion to weight, evenly interleaved. */
		WEIGHTED,

		/** The target that {@code hash-on} hashes to on a ring: sticky across reconnects. */
		CONSISTENT_HASH

	}

	private static boolean positive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

}
