package io.wsgateway.history;

import java.security.SecureRandom;
import java.util.Base64;

/** New epoch names: random, so that an epoch lost with its store is never named again. */
final class Epochs {

	private static final SecureRandom RANDOM = new SecureRandom();

	private Epochs() {
	}

	/** Returns a new epoch: 8 characters of [A-Za-z0-9_-]. */
	static String next() {
		byte[] bytes = new byte[6];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
