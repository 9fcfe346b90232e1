package io.wsgateway.upstream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/** {@code random}: a target at random in proportion to its weight; the fallbacks in random order. */
final class RandomBalancer implements LoadBalancer {

	private final Supplier<RandomGenerator> random;

	/** @param random returns the generator to use on the calling thread */
	RandomBalancer(Supplier<RandomGenerator> random) {
		this.random = random;
	}

	@Override
	public List<UpstreamTarget> order(List<UpstreamTarget> available, String key) {
		RandomGenerator generator = this.random.get();
		int total = 0;
		for (UpstreamTarget target : available) {
			total += target.weight();
		}
		int ticket = generator.nextInt(total);
		int chosen = 0;
		while (ticket >= available.get(chosen).weight()) {
			ticket -= available.get(chosen).weight();
			chosen++;
		}
		List<UpstreamTarget> rest = new ArrayList<>(available);
		UpstreamTarget first = rest.remove(chosen);
		Collections.shuffle(rest, new Random(generator.nextLong()));
		rest.add(0, first);
		return rest;
	}

}
