package io.wsgateway.session;

import java.util.Map;

/**
 * What the handshake checks learn about a connection while they run, typed: Spring's
 * {@code HandshakeInterceptor} contract passes the checks a {@code Map<String, Object>},
 * and this object is the one entry they keep in it. {@link UpgradeChecks#run} turns it
 * into an {@link AcceptedHandshake} when every check passed, and gives its lease back when
 * a check failed after the lease was taken.
 */
public final class HandshakeAttributes {

	private static final String KEY = HandshakeAttributes.class.getName();

	private String connectionId;

	private String clientIp;

	private ClientIdentity identity;

	private AdmissionLease lease;

	private HandshakeAttributes() {
	}

	/** Returns the typed attributes kept in a handshake's attribute map, adding them on first use. */
	public static HandshakeAttributes of(Map<String, Object> attributes) {
		if (attributes.get(KEY) instanceof HandshakeAttributes existing) {
			return existing;
		}
		HandshakeAttributes created = new HandshakeAttributes();
		attributes.put(KEY, created);
		return created;
	}

	/** Names the connection and records its client IP, after trusted-proxy resolution. */
	public void admit(String connectionId, String clientIp) {
		this.connectionId = connectionId;
		this.clientIp = clientIp;
	}

	/** Returns the connection id, or {@code null} before {@link #admit}. */
	public String connectionId() {
		return this.connectionId;
	}

	/** Returns the client IP, or {@code null} before {@link #admit}. */
	public String clientIp() {
		return this.clientIp;
	}

	/** Records the verified identity (or the anonymous one). */
	public void authenticate(ClientIdentity identity) {
		this.identity = identity;
	}

	/** Records the connection's admission slots, which from now on must be given back. */
	public void lease(AdmissionLease lease) {
		this.lease = lease;
	}

	/**
	 * Returns the accepted handshake, which owns the lease from now on.
	 * @throws IllegalStateException if a check that every accepted handshake passes did not
	 * run; the lease, if one was taken, is given back first
	 */
	AcceptedHandshake accept(String userAgent) {
		if (this.connectionId == null || this.identity == null || this.lease == null) {
			releaseLease();
			throw new IllegalStateException("The handshake checks did not admit, authenticate and lease the connection");
		}
		return new AcceptedHandshake(this.connectionId, this.identity, this.clientIp, userAgent, this.lease);
	}

	/** Gives back the lease of a handshake that will not be accepted, if one was taken. */
	void releaseLease() {
		AdmissionLease taken = this.lease;
		this.lease = null;
		if (taken != null) {
			taken.close();
		}
	}

}
