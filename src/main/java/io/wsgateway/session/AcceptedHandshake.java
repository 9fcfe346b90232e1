package io.wsgateway.session;

import java.util.Objects;

/**
 * What the handshake checks established about a connection they let through, produced by
 * {@link UpgradeChecks#run} once every check passed. Whoever receives it owns the lease:
 * the connection (or an upstream route's bridge) closes it once, when it ends or fails to
 * open.
 *
 * @param connectionId the connection id, chosen before the token check so that it can name
 * an anonymous user
 * @param identity the verified identity
 * @param clientIp the client IP after trusted-proxy resolution
 * @param userAgent the handshake's {@code User-Agent}, or {@code null}
 * @param lease the connection's admission slots
 */
public record AcceptedHandshake(String connectionId, ClientIdentity identity, String clientIp, String userAgent,
		AdmissionLease lease) {

	public AcceptedHandshake {
		Objects.requireNonNull(connectionId, "connectionId");
		Objects.requireNonNull(identity, "identity");
		Objects.requireNonNull(clientIp, "clientIp");
		Objects.requireNonNull(lease, "lease");
	}

}
