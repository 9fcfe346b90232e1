package io.wsgateway.handshake;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HandshakeRateLimiterTests {

	private static HandshakeRateLimiter perMinute(int handshakes) {
		return new HandshakeRateLimiter(new AdmissionProperties(100, 10, handshakes, List.of(), Duration.ofSeconds(5), Duration.ofSeconds(10), 16));
	}

	@Test
	void allowsABurstOfTheMinuteRateThenSaysHowLongToWait() {
		HandshakeRateLimiter limiter = perMinute(3);
		for (int i = 0; i < 3; i++) {
			assertThat(limiter.tryAcquire("198.51.100.1")).isZero();
		}
		Duration wait = limiter.tryAcquire("198.51.100.1");
		// one token every 20 s
		assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(20));
	}

	@Test
	void keepsOneBucketPerIp() {
		HandshakeRateLimiter limiter = perMinute(1);
		assertThat(limiter.tryAcquire("198.51.100.1")).isZero();
		assertThat(limiter.tryAcquire("198.51.100.1")).isPositive();
		assertThat(limiter.tryAcquire("198.51.100.2")).isZero();
		assertThat(limiter.trackedIps()).isEqualTo(2);
	}

	@Test
	void forgetsOnlyBucketsThatHaveRefilled() {
		HandshakeRateLimiter slow = perMinute(3);
		slow.tryAcquire("198.51.100.1");
		slow.forgetRefilledBuckets();
		assertThat(slow.trackedIps()).isEqualTo(1);

		// 60,000 a minute: refilled within a millisecond or so
		HandshakeRateLimiter fast = perMinute(60_000);
		fast.tryAcquire("198.51.100.1");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			fast.forgetRefilledBuckets();
			assertThat(fast.trackedIps()).isZero();
		});
	}

}
