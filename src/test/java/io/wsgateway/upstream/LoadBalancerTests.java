package io.wsgateway.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The load-balancing strategies on their own, with no network. */
class LoadBalancerTests {

	private final UpstreamTarget a = target("a", 1);

	private final UpstreamTarget b = target("b", 2);

	private final UpstreamTarget c = target("c", 3);

	private final List<UpstreamTarget> all = List.of(this.a, this.b, this.c);

	@Test
	void roundRobinRotatesAndOffersTheOthersAsFallbacks() {
		LoadBalancer balancer = new RoundRobinBalancer();
		assertThat(balancer.order(this.all, null)).containsExactly(this.a, this.b, this.c);
		assertThat(balancer.order(this.all, null)).containsExactly(this.b, this.c, this.a);
		assertThat(balancer.order(this.all, null)).containsExactly(this.c, this.a, this.b);
		assertThat(new RoundRobinBalancer().order(List.of(this.a, this.c), null)).containsExactly(this.a, this.c);
	}

	@Test
	void weightedIsExactAndSmoothOverACycle() {
		LoadBalancer balancer = new WeightedBalancer();
		List<String> picks = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			picks.add(balancer.order(this.all, null).get(0).name());
		}
		// nginx's smooth weighted round-robin for weights 1, 2, 3
		assertThat(picks).containsExactly("c", "b", "a", "c", "b", "c");
		assertThat(counts(balancer, this.all, 600)).containsEntry("a", 100).containsEntry("b", 200).containsEntry("c", 300);
	}

	@Test
	void leastConnectionsPrefersTheLowestLoadPerWeight() {
		LoadBalancer balancer = new LeastConnectionsBalancer();
		this.a.opened();
		this.b.opened();
		this.b.opened();
		this.c.opened();
		// loads per weight: a 1/1, b 2/2, c 1/3
		assertThat(balancer.order(this.all, null).get(0)).isSameAs(this.c);
		this.c.connecting();
		this.c.connecting();
		this.c.connecting();
		// c is now 4/3; a and b tie at 1 and take turns
		List<UpstreamTarget> first = balancer.order(this.all, null);
		List<UpstreamTarget> second = balancer.order(this.all, null);
		assertThat(List.of(first.get(0), second.get(0))).containsExactlyInAnyOrder(this.a, this.b);
		assertThat(first.get(2)).isSameAs(this.c);
	}

	@Test
	void randomFollowsTheWeights() {
		SplittableRandom random = new SplittableRandom(7);
		LoadBalancer balancer = new RandomBalancer(() -> random);
		Map<String, Integer> counts = counts(balancer, this.all, 6000);
		assertThat(counts.get("a")).isBetween(800, 1200);
		assertThat(counts.get("b")).isBetween(1700, 2300);
		assertThat(counts.get("c")).isBetween(2600, 3400);
		assertThat(balancer.order(this.all, null)).containsExactlyInAnyOrderElementsOf(this.all);
	}

	@Test
	void consistentHashIsStableAndMovesOnlyTheKeysOfAMissingTarget() {
		ConsistentHashBalancer balancer = new ConsistentHashBalancer(this.all);
		Map<String, Integer> perTarget = new HashMap<>();
		for (int i = 0; i < 3000; i++) {
			String key = "user-" + i;
			List<UpstreamTarget> order = balancer.order(this.all, key);
			assertThat(order).containsExactlyInAnyOrderElementsOf(this.all);
			assertThat(balancer.order(this.all, key)).as("same key, same order").isEqualTo(order);
			perTarget.merge(order.get(0).name(), 1, Integer::sum);
			List<UpstreamTarget> withoutB = balancer.order(List.of(this.a, this.c), key);
			if (order.get(0) != this.b) {
				assertThat(withoutB.get(0)).as("keys of other targets stay").isSameAs(order.get(0));
			}
			else {
				assertThat(withoutB.get(0)).as("b's keys go to the next target on the ring").isSameAs(order.get(1));
			}
		}
		// weights 1, 2, 3 over 3000 keys: about 500, 1000, 1500
		assertThat(perTarget.get("a")).isBetween(350, 650);
		assertThat(perTarget.get("b")).isBetween(800, 1200);
		assertThat(perTarget.get("c")).isBetween(1250, 1750);
	}

	@Test
	void consistentHashDependsOnTargetNamesOnly() {
		UpstreamTarget otherA = new UpstreamTarget("r", new UpstreamProperties.Target(URI.create("ws://elsewhere:1/x"), 1, "a"),
				health(), circuit());
		ConsistentHashBalancer first = new ConsistentHashBalancer(this.all);
		ConsistentHashBalancer second = new ConsistentHashBalancer(List.of(otherA, this.b, this.c));
		for (int i = 0; i < 100; i++) {
			assertThat(second.order(List.of(otherA, this.b, this.c), "k" + i).get(0).name())
				.isEqualTo(first.order(this.all, "k" + i).get(0).name());
		}
	}

	private static Map<String, Integer> counts(LoadBalancer balancer, List<UpstreamTarget> targets, int picks) {
		Map<String, Integer> counts = new HashMap<>();
		for (int i = 0; i < picks; i++) {
			counts.merge(balancer.order(targets, null).get(0).name(), 1, Integer::sum);
		}
		return counts;
	}

	static UpstreamTarget target(String name, int weight) {
		return new UpstreamTarget("r", new UpstreamProperties.Target(URI.create("ws://" + name + ":9000/ws"), weight, name),
				health(), circuit());
	}

	static UpstreamProperties.HealthCheck health() {
		return new UpstreamProperties.HealthCheck(true, Duration.ofSeconds(10), Duration.ofSeconds(3), 3,
				2, null);
	}

	static UpstreamProperties.CircuitBreakerSettings circuit() {
		return new UpstreamProperties.CircuitBreakerSettings(50, 10, 5, Duration.ofSeconds(30), 1);
	}

}
