package io.wsgateway.upstream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code consistent-hash}: a ring with {@value #POINTS_PER_WEIGHT} points per unit of weight
 * for each target, placed by the target's name. A key goes to the first target clockwise
 * from its hash; when that target is unavailable the walk goes on to the next one, so a
 * client fails over and comes back to its own target once it is healthy again, and a
 * target that leaves moves only its own keys.
 */
final class ConsistentHashBalancer implements LoadBalancer {

	static final int POINTS_PER_WEIGHT = 160;

	private final NavigableMap<Long, UpstreamTarget> ring = new TreeMap<>();

	ConsistentHashBalancer(List<UpstreamTarget> targets) {
		for (UpstreamTarget target : targets) {
			for (int i = 0; i < POINTS_PER_WEIGHT * target.weight(); i++) {
				this.ring.put(hash(target.name() + "#" + i), target);
			}
		}
	}

	@Override
	public List<UpstreamTarget> order(List<UpstreamTarget> available, String key) {
		Set<UpstreamTarget> wanted = new HashSet<>(available);
		List<UpstreamTarget> order = new ArrayList<>(available.size());
		long start = hash((key != null) ? key : "");
		for (Map<Long, UpstreamTarget> part : List.of(this.ring.tailMap(start, true), this.ring.headMap(start, false))) {
			for (UpstreamTarget target : part.values()) {
				if (wanted.remove(target)) {
					order.add(target);
					if (wanted.isEmpty()) {
						return order;
					}
				}
			}
		}
		return order;
	}

	// FNV-1a over the UTF-8 bytes, then MurmurHash3's finalizer: the same on every node and
	// after restarts, and well spread over the ring even for names that differ in one character.
	static long hash(String value) {
		long hash = 0xcbf29ce484222325L;
		for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
			hash ^= (b & 0xff);
			hash *= 0x100000001b3L;
		}
		hash ^= hash >>> 33;
		hash *= 0xff51afd7ed558ccdL;
		hash ^= hash >>> 33;
		hash *= 0xc4ceb9fe1a85ec53L;
		hash ^= hash >>> 33;
		return hash;
	}

}
