package io.wsgateway.upstream;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code weighted}: smooth weighted round-robin (as in nginx). Over any run of handshakes
 * each target gets its share of weight, and a heavy target's turns are spread out
 * instead of coming in a block.
 */
final class WeightedBalancer implements LoadBalancer {

	private final Map<UpstreamTarget, Integer> current = new HashMap<>();

	@Override
	public synchronized List<UpstreamTarget> order(List<UpstreamTarget> available, String key) {
		int total = 0;
		int best = 0;
		for (int i = 0; i < available.size(); i++) {
			UpstreamTarget target = available.get(i);
			total += target.weight();
			int weight = this.current.merge(target, target.weight(), Integer::sum);
			if (weight > this.current.get(available.get(best))) {
				best = i;
			}
		}
		this.current.merge(available.get(best), -total, Integer::sum);
		return LoadBalancer.rotate(available, best);
	}

}
