package io.wsgateway.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the target of a new connection. The choice comes first in the returned order,
 * then the fallbacks that a handshake tries when the chosen target cannot be reached.
 */
interface LoadBalancer {

	/**
	 * Called once per handshake of the route.
	 * @param available the targets that may take a new connection (healthy ones), in
	 * configuration order, never empty
	 * @param key the hash key of the handshake; only {@code consistent-hash} uses it
	 * @return the same targets in the order to try them
	 */
	List<UpstreamTarget> order(List<UpstreamTarget> available, String key);

	/** Returns a new balancer of {@code strategy} over a route's {@code targets} (all of them, healthy or not). */
	static LoadBalancer of(UpstreamProperties.Strategy strategy, List<UpstreamTarget> targets) {
		return switch (strategy) {
			case ROUND_ROBIN -> new RoundRobinBalancer();
			case LEAST_CONNECTIONS -> new LeastConnectionsBalancer();
			case RANDOM -> new RandomBalancer(ThreadLocalRandom::current);
			case WEIGHTED -> new WeightedBalancer();
			case CONSISTENT_HASH -> new ConsistentHashBalancer(targets);
		};
	}

	/** Returns {@code targets} starting at {@code first} and wrapping around: the usual order of fallbacks. */
	static List<UpstreamTarget> rotate(List<UpstreamTarget> targets, int first) {
		List<UpstreamTarget> order = new ArrayList<>(targets.size());
		for (int i = 0; i < targets.size(); i++) {
			order.add(targets.get((first + i) % targets.size()));
		}
		return order;
	}

}
