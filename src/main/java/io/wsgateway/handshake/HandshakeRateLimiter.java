package io.wsgateway.handshake;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A token bucket of handshakes per client IP: {@code handshakes-per-minute-per-ip} tokens,
 * refilled evenly over a minute. Buckets that have refilled completely are forgotten, so
 * the map holds only recently active IPs.
 */
@Component
class HandshakeRateLimiter {

	private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

	private final int perMinute;

	HandshakeRateLimiter(AdmissionProperties properties) {
		this.perMinute = properties.handshakesPerMinutePerIp();
	}

	/**
	 * Takes a token for this IP.
	 * @return {@link Duration#ZERO} if the handshake may go on, else how long until a token is available
	 */
	Duration tryAcquire(String ip) {
		Bucket bucket = this.buckets.computeIfAbsent(ip, (key) -> newBucket());
		ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
		return probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
	}

	@Scheduled(fixedDelayString = "PT1M")
	void forgetRefilledBuckets() {
		this.buckets.entrySet().removeIf((entry) -> entry.getValue().getAvailableTokens() >= this.perMinute);
	}

	int trackedIps() {
		return this.buckets.size();
	}

	private Bucket newBucket() {
		return Bucket.builder()
			.addLimit((limit) -> limit.capacity(this.perMinute).refillGreedy(this.perMinute, Duration.ofMinutes(1)))
			.build();
	}

}
