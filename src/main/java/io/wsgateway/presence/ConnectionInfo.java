package io.wsgateway.presence;

import java.time.Instant;
import java.util.List;

/**
 * One connection somewhere in the cluster, as the server API shows it.
 *
 * @param connectionId the connection id (the {@code connectionId} of its {@code connected} frame)
 * @param userId the user it belongs to
 * @param node the {@code gateway.node-id} of the node holding it
 * @param ip the client IP after trusted-proxy resolution
 * @param userAgent the handshake's {@code User-Agent}, or {@code null}
 * @param connectedAt when it was accepted
 * @param lastActiveAt when the client last sent anything: exact for this node's
 * connections, as of the holding node's last heartbeat for the others'
 * @param rooms the rooms it is a member of, sorted
 */
public record ConnectionInfo(String connectionId, String userId, String node, String ip, String userAgent,
		Instant connectedAt, Instant lastActiveAt, List<String> rooms) {

}
