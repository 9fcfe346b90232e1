package io.wsgateway.upstream;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.wsgateway.handshake.QueryParameters;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * One configured route with its targets and load balancer: decides which targets a new
 * connection may try, in which order, and at which upstream address.
 */
final class UpstreamRoute {

	private final UpstreamProperties.Route settings;

	private final List<UpstreamTarget> targets;

	private final LoadBalancer balancer;

	private final HashOn hashOn;

	private final PathPattern pattern;

	private final AtomicInteger pendingHandshakes = new AtomicInteger();

	UpstreamRoute(UpstreamProperties.Route settings) {
		this.settings = settings;
		List<UpstreamTarget> targets = new ArrayList<>();
		for (UpstreamProperties.Target target : settings.targets()) {
			targets.add(new UpstreamTarget(settings.id(), target, settings.healthCheck(), settings.circuitBreaker()));
		}
		this.targets = List.copyOf(targets);
		this.balancer = LoadBalancer.of(settings.strategy(), this.targets);
		this.hashOn = HashOn.parse(settings.hashOn());
		this.pattern = PathPatternParser.defaultInstance.parse(settings.path());
	}

	String id() {
		return this.settings.id();
	}

	String path() {
		return this.settings.path();
	}

	UpstreamProperties.Route settings() {
		return this.settings;
	}

	List<UpstreamTarget> targets() {
		return this.targets;
	}

	HashOn hashOn() {
		return this.hashOn;
	}

	/**
	 * Called once per handshake: returns the targets a new connection may try, the load
	 * balancer's choice first. Unhealthy targets and targets whose circuit is open (and not
	 * yet due to half-open) are left out; empty when none is left.
	 */
	List<UpstreamTarget> candidates(String hashKey) {
		List<UpstreamTarget> available = new ArrayList<>(this.targets.size());
		for (UpstreamTarget target : this.targets) {
			if (target.healthy() && target.circuitAdmits()) {
				available.add(target);
			}
		}
		return available.isEmpty() ? available : this.balancer.order(available, hashKey);
	}

	/** Returns whether a request for {@code path} (decoded, within the context path) is for this route. */
	boolean matches(String path) {
		return this.pattern.matches(PathContainer.parsePath(path));
	}

	/**
	 * Called before a handshake starts waiting for a target: returns {@code false} when
	 * {@code max-pending-handshakes} already wait, else counts this one until
	 * {@link #handshakeEnded()}.
	 */
	boolean tryStartHandshake() {
		int limit = this.settings.maxPendingHandshakes();
		while (true) {
			int pending = this.pendingHandshakes.get();
			if (pending >= limit) {
				return false;
			}
			if (this.pendingHandshakes.compareAndSet(pending, pending + 1)) {
				return true;
			}
		}
	}

	/** Called once a handshake counted by {@link #tryStartHandshake()} has its answer. */
	void handshakeEnded() {
		this.pendingHandshakes.decrementAndGet();
	}

	/**
	 * Returns the client's query to forward: the route's {@code forward-query-parameters}
	 * only, never the token (it goes on only as a header, and only where the route says so).
	 */
	String forwardedQuery(String rawQuery) {
		return QueryParameters.parse(rawQuery).forwardable(this.settings.forwardQueryParameters());
	}

	/**
	 * Returns the address on {@code target} for a client that asked for {@code rawPath}:
	 * the target URL's path plus what the route's {@code /**} matched, and {@code query}
	 * (from {@link #forwardedQuery}).
	 */
	URI upstreamUri(UpstreamTarget target, String rawPath, String query) {
		String rest = this.pattern.extractPathWithinPattern(PathContainer.parsePath(rawPath)).value();
		return address(target.uri(), rest, query);
	}

	/** Returns the address that active health checks of {@code target} connect to. */
	URI healthCheckUri(UpstreamTarget target) {
		String path = this.settings.healthCheck().path();
		URI base = target.uri();
		return (path != null) ? URI.create(base.getScheme() + "://" + base.getRawAuthority() + path) : base;
	}

	static URI address(URI base, String rest, String query) {
		String path = (base.getRawPath() != null) ? base.getRawPath() : "";
		if (!rest.isEmpty()) {
			path = (path.endsWith("/") ? path : path + "/") + rest;
		}
		if (path.isEmpty()) {
			path = "/";
		}
		String fullQuery = join(base.getRawQuery(), query);
		return URI.create(base.getScheme() + "://" + base.getRawAuthority() + path
				+ ((fullQuery != null) ? "?" + fullQuery : ""));
	}

	private static String join(String first, String second) {
		if (first == null || first.isEmpty()) {
			return second;
		}
		return (second == null) ? first : first + "&" + second;
	}

	@Override
	public String toString() {
		return this.settings.id();
	}

}
