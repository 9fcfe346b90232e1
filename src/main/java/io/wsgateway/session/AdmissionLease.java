package io.wsgateway.session;

/**
 * A connection's admission slots (the node's and its IP's), taken by the last handshake
 * check and given back by {@link #close()}. The connection that holds it closes it exactly
 * once, however the connection ends.
 */
@FunctionalInterface
public interface AdmissionLease extends AutoCloseable {

	/** Gives the slots back. */
	@Override
	void close();

}
