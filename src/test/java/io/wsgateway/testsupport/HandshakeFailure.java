package io.wsgateway.testsupport;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A refused WebSocket handshake as the client saw it: the HTTP status and the response
 * headers. Thrown by {@link TestClient#connect} when the server does not answer 101.
 */
public final class HandshakeFailure extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final int status;

	private final transient Map<String, List<String>> headers;

	public HandshakeFailure(int status, Map<String, List<String>> headers) {
		super("handshake refused with HTTP " + status + " " + headers);
		this.status = status;
		Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		copy.putAll(headers);
		this.headers = copy;
	}

	/** Returns the HTTP status, such as 401 or 429. */
	public int status() {
		return this.status;
	}

	/** Returns the response headers; names are case-insensitive. */
	public Map<String, List<String>> headers() {
		return this.headers;
	}

	/** Returns the first value of a response header, or {@code null}. */
	public String header(String name) {
		List<String> values = this.headers.get(name);
		return (values == null || values.isEmpty()) ? null : values.get(0);
	}

}
