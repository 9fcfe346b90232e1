package io.wsgateway.upstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The upstream services of the end-to-end tests, started once per JVM and shared by every
 * test class (they all run in one gateway context), and the routes that point at them.
 * A test that stops a server starts it again before it ends.
 *
 * <ul>
 * <li>{@code a}, {@code b}, {@code c}: load-balancing routes, one path per route</li>
 * <li>{@code d}, {@code e}: {@code failover}, consistent hash on user with fast health checks</li>
 * <li>{@code f}: {@code circuit}, no health checks, a small circuit breaker</li>
 * <li>{@code h}: {@code echo}, {@code token}, {@code idle}, {@code small} and {@code reject}: frames, closes, headers</li>
 * <li>a port nobody listens on ({@code dead}) and one that accepts but never answers ({@code silent})</li>
 * <li>{@link RawTarget}s: {@code redirect} (3xx to {@link #LOCATION}), {@code guarded} and
 * {@code hang} (silent, counting connections), {@code rogue} (frames that break RFC 6455)</li>
 * </ul>
 */
final class UpstreamFixtures {

	static final UpstreamServer A = UpstreamServer.start("a");

	static final UpstreamServer B = UpstreamServer.start("b");

	static final UpstreamServer C = UpstreamServer.start("c");

	static final UpstreamServer D = UpstreamServer.start("d");

	static final UpstreamServer E = UpstreamServer.start("e");

	static final UpstreamServer F = UpstreamServer.start("f");

	static final UpstreamServer H = UpstreamServer.start("h");

	static final int DEAD_PORT = freePort();

	static final ServerSocket SILENT = silentServer();

	/** Where the redirecting target sends the gateway: must never see a connection. */
	static final RawTarget LOCATION = RawTarget.start(RawTarget.Mode.SILENT);

	static final RawTarget REDIRECTING = RawTarget.start(RawTarget.Mode.REDIRECT).redirectingTo(LOCATION);

	/** Target of route {@code guarded}: counts the connections that reach it. */
	static final RawTarget GUARDED = RawTarget.start(RawTarget.Mode.SILENT);

	/** Target of route {@code hang}: accepts and never answers. */
	static final RawTarget HANGING = RawTarget.start(RawTarget.Mode.SILENT);

	static final RawTarget ROGUE = RawTarget.start(RawTarget.Mode.ROGUE);

	/** Handshakes route {@code hang} lets wait at once. */
	static final int HANG_PENDING = 1000;

	/** Circuit of route {@code circuit}: how long it stays open. */
	static final String CIRCUIT_OPEN_FOR = "1s";

	private static final Map<String, String> ROUTES = routes();

	private UpstreamFixtures() {
	}

	/** Returns the {@code gateway.upstreams.*} properties of the test context. */
	static Map<String, String> properties() {
		return ROUTES;
	}

	private static Map<String, String> routes() {
		Map<String, String> properties = new LinkedHashMap<>();
		int[] index = { 0 };
		for (String strategy : List.of("round-robin", "least-connections", "random")) {
			route(properties, index, strategy, "/up/" + strategy, Map.of("strategy", strategy), A, B, C);
		}
		Map<String, String> weighted = route(properties, index, "weighted", "/up/weighted", Map.of("strategy", "weighted"),
				A, B, C);
		weighted.put("targets[1].weight", "2");
		weighted.put("targets[2].weight", "3");
		for (String hashOn : List.of("ip", "user", "header:X-Session", "cookie:sid")) {
			String id = "hash-" + hashOn.replaceAll(":.*", "");
			route(properties, index, id, "/up/" + id, Map.of("strategy", "consistent-hash", "hash-on", hashOn), A, B, C);
		}
		route(properties, index, "failover", "/up/failover",
				Map.of("strategy", "consistent-hash", "hash-on", "user", "health-check.enabled", "true",
						"health-check.interval", "150ms", "health-check.timeout", "1s",
						"health-check.unhealthy-threshold", "2", "health-check.healthy-threshold", "2"),
				D, E);
		route(properties, index, "circuit", "/up/circuit",
				Map.of("circuit-breaker.sliding-window-size", "2", "circuit-breaker.minimum-number-of-calls", "2",
						"circuit-breaker.failure-rate-threshold", "50",
						"circuit-breaker.wait-duration-in-open-state", CIRCUIT_OPEN_FOR,
						"circuit-breaker.permitted-calls-in-half-open-state", "2"),
				F);
		Map<String, String> dead = route(properties, index, "dead", "/up/dead",
				Map.of("circuit-breaker.minimum-number-of-calls", "1000"));
		dead.put("targets[0].url", "ws://127.0.0.1:" + DEAD_PORT + "/dead");
		Map<String, String> silent = route(properties, index, "silent", "/up/silent",
				Map.of("connect-timeout", "300ms", "circuit-breaker.minimum-number-of-calls", "1000"));
		silent.put("targets[0].url", "ws://127.0.0.1:" + SILENT.getLocalPort() + "/silent");
		route(properties, index, "echo", "/up/echo/**",
				Map.of("forward-headers", "X-Trace,Cookie", "forward-query-parameters", "x,y"), H);
		route(properties, index, "token", "/up/token", Map.of("forward-token", "true", "forward-query-parameters", "x"),
				H);
		route(properties, index, "idle", "/up/idle", Map.of("idle-timeout", "300ms"), H);
		route(properties, index, "small", "/up/small", Map.of("max-frame-size", "1KB"), H);
		route(properties, index, "reject", "/up/reject", Map.of(), H).put("targets[0].url",
				H.url("/reject-403").toString());
		raw(route(properties, index, "redirect", "/up/redirect/**", Map.of("circuit-breaker.minimum-number-of-calls",
				"1000")), "redirect", REDIRECTING);
		raw(route(properties, index, "guarded", "/up/guarded",
				Map.of("connect-timeout", "300ms", "circuit-breaker.minimum-number-of-calls", "1000")), "guarded", GUARDED);
		raw(route(properties, index, "hang", "/up/hang",
				Map.of("connect-timeout", "2m", "max-pending-handshakes", Integer.toString(HANG_PENDING),
						"circuit-breaker.minimum-number-of-calls", "100000")), "hang",
				HANGING);
		raw(route(properties, index, "rogue", "/up/rogue/**", Map.of("circuit-breaker.minimum-number-of-calls", "1000")), "rogue",
				ROGUE);
		return properties;
	}

	/**
	 * Adds route {@code id} on {@code path} over {@code servers} (target path {@code /<id>},
	 * target name the server's), health checks off unless {@code settings} turns them on.
	 * Returns a live view for more settings of this route.
	 */
	private static Map<String, String> route(Map<String, String> properties, int[] index, String id, String path,
			Map<String, String> settings, UpstreamServer... servers) {
		String prefix = "gateway.upstreams.routes[" + index[0]++ + "].";
		Map<String, String> route = new PrefixedView(properties, prefix);
		route.put("id", id);
		route.put("path", path);
		route.put("health-check.enabled", "false");
		for (int i = 0; i < servers.length; i++) {
			route.put("targets[" + i + "].url", servers[i].url("/" + id).toString());
			route.put("targets[" + i + "].name", servers[i].name());
		}
		if (servers.length == 0) {
			route.put("targets[0].name", id);
		}
		route.putAll(settings);
		return route;
	}

	private static void raw(Map<String, String> route, String id, RawTarget target) {
		route.put("targets[0].url", "ws://127.0.0.1:" + target.port() + "/" + id);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	// Accepts connections and never answers: an upstream that hangs in its handshake.
	private static ServerSocket silentServer() {
		try {
			ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			Thread acceptor = new Thread(() -> {
				List<Socket> held = new ArrayList<>();
				while (!socket.isClosed()) {
					try {
						held.add(socket.accept());
					}
					catch (IOException ex) {
						return;
					}
				}
			}, "silent-upstream");
			acceptor.setDaemon(true);
			acceptor.start();
			return socket;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Writes through to the shared map under a prefix. */
	private static final class PrefixedView extends AbstractMap<String, String> {

		private final Map<String, String> target;

		private final String prefix;

		PrefixedView(Map<String, String> target, String prefix) {
			this.target = target;
			this.prefix = prefix;
		}

		@Override
		public String put(String key, String value) {
			return this.target.put(this.prefix + key, value);
		}

		@Override
		public Set<Entry<String, String>> entrySet() {
			return Set.of();
		}

	}

}
