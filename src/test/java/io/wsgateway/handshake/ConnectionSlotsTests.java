package io.wsgateway.handshake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionSlotsTests {

	private static ConnectionSlots slots(int max, int perIp) {
		return new ConnectionSlots(new AdmissionProperties(max, perIp, 60, List.of(), Duration.ofSeconds(5), Duration.ofSeconds(10), 16));
	}

	@Test
	void grantsSlotsUpToThePerIpLimit() {
		ConnectionSlots slots = slots(10, 2);
		HandshakeOutcome[] refusal = new HandshakeOutcome[1];
		assertThat(slots.tryAcquire("198.51.100.1", refusal)).isNotNull();
		assertThat(slots.tryAcquire("198.51.100.1", refusal)).isNotNull();
		assertThat(slots.tryAcquire("198.51.100.1", refusal)).isNull();
		assertThat(refusal[0]).isEqualTo(HandshakeOutcome.IP_LIMIT);
		assertThat(slots.taken()).isEqualTo(2);
		assertThat(slots.tryAcquire("198.51.100.2", refusal)).isNotNull();
		assertThat(slots.taken()).isEqualTo(3);
	}

	@Test
	void grantsSlotsUpToTheNodeLimit() {
		ConnectionSlots slots = slots(2, 10);
		HandshakeOutcome[] refusal = new HandshakeOutcome[1];
		assertThat(slots.tryAcquire("198.51.100.1", refusal)).isNotNull();
		assertThat(slots.atCapacity()).isFalse();
		assertThat(slots.tryAcquire("198.51.100.2", refusal)).isNotNull();
		assertThat(slots.atCapacity()).isTrue();
		assertThat(slots.tryAcquire("198.51.100.3", refusal)).isNull();
		assertThat(refusal[0]).isEqualTo(HandshakeOutcome.AT_CAPACITY);
		assertThat(slots.taken()).isEqualTo(2);
		assertThat(slots.capacity()).isEqualTo(2);
	}

	@Test
	void closingALeaseGivesTheSlotBackExactlyOnce() {
		ConnectionSlots slots = slots(10, 1);
		HandshakeOutcome[] refusal = new HandshakeOutcome[1];
		ConnectionSlots.Lease lease = slots.tryAcquire("198.51.100.1", refusal);
		ConnectionSlots.Lease other = slots.tryAcquire("198.51.100.2", refusal);
		lease.close();
		lease.close();
		assertThat(slots.taken()).isEqualTo(1);
		assertThat(slots.topIps(10)).containsOnlyKeys("198.51.100.2");
		assertThat(slots.tryAcquire("198.51.100.1", refusal)).isNotNull();
		other.close();
		assertThat(slots.taken()).isEqualTo(1);
	}

	@Test
	void refusedIpLimitDoesNotLeakANodeSlot() {
		ConnectionSlots slots = slots(2, 1);
		HandshakeOutcome[] refusal = new HandshakeOutcome[1];
		slots.tryAcquire("198.51.100.1", refusal);
		for (int i = 0; i < 5; i++) {
			assertThat(slots.tryAcquire("198.51.100.1", refusal)).isNull();
		}
		assertThat(slots.taken()).isEqualTo(1);
		assertThat(slots.tryAcquire("198.51.100.2", refusal)).isNotNull();
	}

	@Test
	void reportsTheBusiestIps() {
		ConnectionSlots slots = slots(100, 10);
		HandshakeOutcome[] refusal = new HandshakeOutcome[1];
		for (int i = 0; i < 3; i++) {
			slots.tryAcquire("198.51.100.3", refusal);
		}
		slots.tryAcquire("198.51.100.1", refusal);
		slots.tryAcquire("198.51.100.2", refusal);
		slots.tryAcquire("198.51.100.2", refusal);
		assertThat(slots.topIps(2)).containsExactly(java.util.Map.entry("198.51.100.3", 3),
				java.util.Map.entry("198.51.100.2", 2));
	}

	@Test
	void concurrentHandshakesNeverOvershootEitherLimit() throws Exception {
		ConnectionSlots slots = slots(50, 5);
		int threads = 8;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		ConcurrentLinkedQueue<ConnectionSlots.Lease> granted = new ConcurrentLinkedQueue<>();
		List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			futures.add(pool.submit(() -> {
				start.await();
				HandshakeOutcome[] refusal = new HandshakeOutcome[1];
				for (int i = 0; i < 200; i++) {
					ConnectionSlots.Lease lease = slots.tryAcquire("198.51.100." + (i % 20), refusal);
					if (lease != null) {
						granted.add(lease);
					}
				}
				return null;
			}));
		}
		start.countDown();
		for (java.util.concurrent.Future<?> future : futures) {
			future.get(30, TimeUnit.SECONDS);
		}
		pool.shutdown();
		assertThat(granted).hasSize(50);
		assertThat(slots.taken()).isEqualTo(50);
		assertThat(slots.topIps(100).values()).allSatisfy((count) -> assertThat(count).isLessThanOrEqualTo(5));
		granted.forEach(ConnectionSlots.Lease::close);
		assertThat(slots.taken()).isZero();
		assertThat(slots.topIps(100)).isEmpty();
	}

}
