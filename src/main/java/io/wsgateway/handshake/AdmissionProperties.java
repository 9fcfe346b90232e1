package io.wsgateway.handshake;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may open a connection, and how many ({@code gateway.admission.*}). All limits are
 * per node.
 *
 * @param maxConnections open connections on this node; above it handshakes get 503
 * @param maxConnectionsPerIp open connections from one client IP; above it 429
 * @param handshakesPerMinutePerIp token bucket of handshakes from one client IP (burst of
 * the same size); above it 429
 * @param trustedProxies CIDRs (or single addresses) whose {@code X-Forwarded-For} header is
 * believed for the client IP
 * @param retryAfter the {@code Retry-After} sent with 503 and with the per-IP connection
 * 429; the handshake-rate 429 says when the bucket has a token again
 * @param handshakeTimeout how long after its start a connection may take to send the
 * request line and headers of its first request, on the application port and the
 * management port alike; later it is closed without an answer. Positive.
 * @param maxPendingPerIp connections from one peer address that may be open at once
 * without a completed request; further ones are closed at once. A trusted proxy's address
 * is exempt. At least 1.
 */
@ConfigurationProperties("gateway.admission")
public record AdmissionProperties(
		@DefaultValue("10000") int maxConnections,
		@DefaultValue("10") int maxConnectionsPerIp,
		@DefaultValue("60") int handshakesPerMinutePerIp,
		@DefaultValue List<String> trustedProxies,
		@DefaultValue("5s") Duration retryAfter,
		@DefaultValue("10s") Duration handshakeTimeout,
		@DefaultValue("16") int maxPendingPerIp) {

	public AdmissionProperties {
		if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
			throw new IllegalArgumentException("gateway.admission.handshake-timeout must be positive, was "
					+ handshakeTimeout);
		}
		if (maxPendingPerIp < 1) {
			throw new IllegalArgumentException("gateway.admission.max-pending-per-ip must be at least 1, was "
					+ maxPendingPerIp);
		}
	}

}
