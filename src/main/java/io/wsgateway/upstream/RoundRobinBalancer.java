package io.wsgateway.upstream;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** {@code round-robin}: each available target in turn, weights ignored. */
final class RoundRobinBalancer implements LoadBalancer {

	private final AtomicLong next = new AtomicLong();

	@Override
	public List<UpstreamTarget> order(List<UpstreamTarget> available, String key) {
		return LoadBalancer.rotate(available, (int) Math.floorMod(this.next.getAndIncrement(), (long) available.size()));
	}

}
