package io.wsgateway.upstream;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code least-connections}: the target with the fewest open connections (attempts under
 * way included) per unit of weight. Ties go round-robin, so that equal targets share a
 * burst of handshakes instead of the first one taking them all.
 */
final class LeastConnectionsBalancer implements LoadBalancer {

	private final AtomicLong next = new AtomicLong();

	@Override
	public List<UpstreamTarget> order(List<UpstreamTarget> available, String key) {
		List<UpstreamTarget> order = LoadBalancer.rotate(available,
				(int) Math.floorMod(this.next.getAndIncrement(), (long) available.size()));
		// a stable sort keeps the rotation among equals
		order.sort(Comparator.comparingDouble((target) -> (double) target.load() / target.weight()));
		return order;
	}

}
