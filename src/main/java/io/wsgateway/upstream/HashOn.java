package io.wsgateway.upstream;

import java.util.List;
import java.util.Locale;

import io.wsgateway.session.ClientIdentity;

import org.springframework.http.HttpHeaders;

/**
 * What a {@code consistent-hash} route hashes to keep a client on the same target across
 * reconnects: {@code ip}, {@code user}, {@code header:<name>} or {@code cookie:<name>}.
 *
 * @param source where the key comes from
 * @param name the header or cookie name; {@code null} for {@code ip} and {@code user}
 */
record HashOn(Source source, String name) {

	/** Where the hash key comes from. */
	enum Source {

		/** The client IP, after trusted-proxy resolution. */
		IP,

		/** The verified user id. */
		USER,

		/** A handshake header. */
		HEADER,

		/** A cookie of the handshake request. */
		COOKIE

	}

	/**
	 * Parses a {@code hash-on} setting; called when the configuration is bound.
	 * @throws IllegalArgumentException for anything but the four forms
	 */
	static HashOn parse(String spec) {
		String value = (spec != null) ? spec.trim() : "";
		String lower = value.toLowerCase(Locale.ROOT);
		if (lower.equals("ip")) {
			return new HashOn(Source.IP, null);
		}
		if (lower.equals("user")) {
			return new HashOn(Source.USER, null);
		}
		if (lower.startsWith("header:") && value.length() > "header:".length()) {
			return new HashOn(Source.HEADER, value.substring("header:".length()).trim());
		}
		if (lower.startsWith("cookie:") && value.length() > "cookie:".length()) {
			return new HashOn(Source.COOKIE, value.substring("cookie:".length()).trim());
		}
		throw new IllegalArgumentException(
				"hash-on must be ip, user, header:<name> or cookie:<name>, got '" + spec + "'");
	}

	/**
	 * Returns the key of one handshake; called once per handshake of a consistent-hash
	 * route. A missing header or cookie falls back to the client IP, so that such clients
	 * still stick to a target.
	 */
	String key(HttpHeaders headers, String clientIp, ClientIdentity identity) {
		String key = switch (this.source) {
			case IP -> clientIp;
			case USER -> (identity != null) ? identity.userId() : null;
			case HEADER -> headers.getFirst(this.name);
			case COOKIE -> cookie(headers.getOrEmpty(HttpHeaders.COOKIE), this.name);
		};
		return (key != null && !key.isEmpty()) ? key : clientIp;
	}

	/** Returns the value of the first cookie called {@code name} in {@code Cookie} header values, or {@code null}. */
	static String cookie(List<String> cookieHeaders, String name) {
		for (String header : cookieHeaders) {
			for (String pair : header.split(";")) {
				int equals = pair.indexOf('=');
				if (equals > 0 && pair.substring(0, equals).trim().equals(name)) {
					String value = pair.substring(equals + 1).trim();
					return (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\""))
							? value.substring(1, value.length() - 1) : value;
				}
			}
		}
		return null;
	}

}
