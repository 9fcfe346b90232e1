package io.wsgateway.session;

/**
 * Names of the WebSocket session attributes that the handshake interceptors fill in and
 * {@link GatewayWebSocketHandler} reads when the connection opens.
 */
public final class HandshakeAttributes {

	/** The connection id, a {@link String} chosen before the handshake so that it can name the anonymous user. */
	public static final String CONNECTION_ID = "gateway.connectionId";

	/** The verified {@link ClientIdentity}. */
	public static final String IDENTITY = "gateway.identity";

	/** The client IP as a {@link String}, after trusted-proxy resolution. */
	public static final String CLIENT_IP = "gateway.clientIp";

	/** An {@link AutoCloseable} that gives the connection's admission slots back; closed once when the connection ends. */
	public static final String ADMISSION_LEASE = "gateway.admissionLease";

	private HandshakeAttributes() {
	}

}
