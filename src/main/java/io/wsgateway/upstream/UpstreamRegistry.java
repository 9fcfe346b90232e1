package io.wsgateway.upstream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * The configured upstream routes with their live state: target health, circuits, open
 * proxied connections. Registers the {@code gateway.upstream.*} meters (route and target
 * tags come from the configuration, never from clients) and gives operations code a
 * {@link #snapshot()}.
 */
@Component
public class UpstreamRegistry {

	/** The {@code outcome} tag of {@code gateway.upstream.handshakes}. */
	enum Outcome {

		/** Paired with an upstream connection (the client upgrade may still fail). */
		CONNECTED,

		/** 502: no healthy target, or none could be reached. */
		BAD_GATEWAY,

		/** 503: every target's circuit is open. */
		CIRCUIT_OPEN,

		/** 503: {@code max-pending-handshakes} of the route were already waiting for a target. */
		BUSY,

		/** The target refused the handshake with a 4xx, passed on to the client. */
		REFUSED;

		String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	private final List<UpstreamRoute> routes;

	private final Set<UpstreamBridge> bridges = ConcurrentHashMap.newKeySet();

	private final Map<UpstreamRoute, Map<Outcome, Counter>> handshakes = new ConcurrentHashMap<>();

	private final Map<UpstreamTarget, Counter> connectFailures = new ConcurrentHashMap<>();

	UpstreamRegistry(UpstreamProperties properties, MeterRegistry meters) {
		List<UpstreamRoute> routes = new ArrayList<>();
		for (UpstreamProperties.Route settings : properties.routes()) {
			routes.add(new UpstreamRoute(settings));
		}
		this.routes = List.copyOf(routes);
		for (UpstreamRoute route : this.routes) {
			Map<Outcome, Counter> outcomes = new ConcurrentHashMap<>();
			for (Outcome outcome : Outcome.values()) {
				outcomes.put(outcome, Counter.builder("gateway.upstream.handshakes")
					.description("Handshakes on upstream routes that passed the gateway's checks, by outcome")
					.tag("route", route.id())
					.tag("outcome", outcome.tag())
					.register(meters));
			}
			this.handshakes.put(route, outcomes);
			for (UpstreamTarget target : route.targets()) {
				registerTargetMeters(meters, route, target);
			}
		}
	}

	private void registerTargetMeters(MeterRegistry meters, UpstreamRoute route, UpstreamTarget target) {
		Gauge.builder("gateway.upstream.connections", target, UpstreamTarget::connections)
			.description("Open proxied connections to an upstream target")
			.tag("route", route.id())
			.tag("target", target.name())
			.strongReference(true)
			.register(meters);
		Gauge.builder("gateway.upstream.target.healthy", target, (state) -> state.healthy() ? 1 : 0)
			.description("1 while an upstream target takes new connections as far as health checks know, else 0")
			.tag("route", route.id())
			.tag("target", target.name())
			.strongReference(true)
			.register(meters);
		Gauge.builder("gateway.upstream.circuit.state", target, (state) -> circuitLevel(state.circuit().getState()))
			.description("Circuit breaker of an upstream target: 0 closed, 1 half-open, 2 open")
			.tag("route", route.id())
			.tag("target", target.name())
			.strongReference(true)
			.register(meters);
		this.connectFailures.put(target, Counter.builder("gateway.upstream.connect.failures")
			.description("Failed connection attempts to an upstream target (client handshakes, not health checks)")
			.tag("route", route.id())
			.tag("target", target.name())
			.register(meters));
	}

	static int circuitLevel(CircuitBreaker.State state) {
		return switch (state) {
			case HALF_OPEN -> 1;
			case OPEN, FORCED_OPEN -> 2;
			default -> 0;
		};
	}

	/** Returns the routes in configuration order. */
	List<UpstreamRoute> routes() {
		return this.routes;
	}

	/** Returns the route with this id, or {@code null}. */
	UpstreamRoute route(String id) {
		return this.routes.stream().filter((route) -> route.id().equals(id)).findFirst().orElse(null);
	}

	/** Called when a proxied connection's upstream side opened. */
	void opened(UpstreamBridge bridge) {
		this.bridges.add(bridge);
	}

	/** Called when a proxied connection's upstream side closed. */
	void closed(UpstreamBridge bridge) {
		this.bridges.remove(bridge);
	}

	/** Returns the proxied connections whose upstream side is open. */
	Collection<UpstreamBridge> bridges() {
		return List.copyOf(this.bridges);
	}

	/** Counts how a handshake on {@code route} ended. */
	void handshake(UpstreamRoute route, Outcome outcome) {
		this.handshakes.get(route).get(outcome).increment();
	}

	/** Counts a failed connection attempt of a client to {@code target}. */
	void connectFailed(UpstreamTarget target) {
		this.connectFailures.get(target).increment();
	}

	/**
	 * Returns every route with each target's health, circuit and open connections; called
	 * by {@code /actuator/websocket} on each read.
	 */
	public List<RouteSnapshot> snapshot() {
		List<RouteSnapshot> snapshot = new ArrayList<>(this.routes.size());
		for (UpstreamRoute route : this.routes) {
			snapshot.add(new RouteSnapshot(route.id(), route.path(),
					route.settings().strategy().name().toLowerCase(Locale.ROOT).replace('_', '-'),
					route.targets().stream().map(UpstreamTarget::snapshot).toList()));
		}
		return snapshot;
	}

	/**
	 * One route as seen by operators.
	 *
	 * @param id the route id (the metrics tag)
	 * @param path the gateway path
	 * @param strategy the load-balancing strategy
	 * @param targets its targets in configuration order
	 */
	public record RouteSnapshot(String id, String path, String strategy, List<TargetSnapshot> targets) {

	}

	/**
	 * One target as seen by operators.
	 *
	 * @param name the target name (the metrics tag)
	 * @param url its address, without credentials or query
	 * @param weight its weight
	 * @param healthy whether it takes new connections as far as health checks know
	 * @param circuit the circuit breaker state: {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}
	 * @param connections open proxied connections
	 * @param lastCheck when the last active check ended (ISO-8601), or {@code null}
	 * @param lastError why the last check or connection attempt failed, {@code null} after
	 * a successful check
	 */
	public record TargetSnapshot(String name, String url, int weight, boolean healthy, String circuit,
			int connections, String lastCheck, String lastError) {

	}

}
