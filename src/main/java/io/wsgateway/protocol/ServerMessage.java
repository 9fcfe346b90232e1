package io.wsgateway.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A message the gateway sends to clients. Implementations are records whose components
 * are the message's fields; {@link MessageCodec} writes {@code type} (and the reply's
 * {@code id}) first.
 */
public interface ServerMessage {

	/** Returns the wire {@code type}. */
	@JsonIgnore
	String type();

}
