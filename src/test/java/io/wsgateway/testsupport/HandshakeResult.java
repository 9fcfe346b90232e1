package io.wsgateway.testsupport;

import java.util.List;
import java.util.Map;

/**
 * The outcome of {@link TestClient#handshake}: either an open client (status 101) or the
 * refusal's status and headers. Lets a test assert on either without try/catch.
 *
 * @param status 101 when accepted, else the HTTP status of the refusal
 * @param headers the refusal's response headers (empty when accepted)
 * @param client the open client when accepted, else {@code null}; the caller closes it
 */
public record HandshakeResult(int status, Map<String, List<String>> headers, TestClient client) {

	static HandshakeResult accepted(TestClient client) {
		return new HandshakeResult(101, Map.of(), client);
	}

	static HandshakeResult refused(HandshakeFailure failure) {
		return new HandshakeResult(failure.status(), failure.headers(), null);
	}

	/** Returns whether the handshake succeeded. */
	public boolean accepted() {
		return this.client != null;
	}

	/** Returns the first value of a response header of the refusal, or {@code null}. */
	public String header(String name) {
		return this.headers.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty())
			.map((entry) -> entry.getValue().get(0))
			.findFirst()
			.orElse(null);
	}

}
