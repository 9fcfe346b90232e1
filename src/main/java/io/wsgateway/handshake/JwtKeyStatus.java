package io.wsgateway.handshake;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where the token keys come from and, for a JSON Web Key Set, how its fetches went: the
 * {@code jwt} health contributor's details.
 *
 * @param source {@code secret}, {@code public-key}, {@code jwks-uri}, {@code issuer-uri},
 * or {@code none} (anonymous access only)
 * @param keyIds the {@code kid}s of the cached key set; empty for a configured key
 * @param fetchedAt when the cached key set was fetched, {@code null} if it never was
 * @param age how old the cached key set is, {@code null} if it never was fetched
 * @param lastAttemptAt when a fetch was last tried, {@code null} if never
 * @param lastError why the last fetch failed, {@code null} if it did not
 */
public record JwtKeyStatus(String source, List<String> keyIds, Instant fetchedAt, Duration age,
		Instant lastAttemptAt, String lastError) {

	/** Returns the status of a key taken from the configuration. */
	static JwtKeyStatus configured(String source) {
		return new JwtKeyStatus(source, List.of(), null, null, null, null);
	}

	/** Returns whether the last fetch failed: the cached keys, if any, are kept. */
	public boolean failing() {
		return this.lastError != null;
	}

	/** Returns whether a key set is expected but none was fetched yet. */
	public boolean awaitingKeys() {
		return (this.source.equals("jwks-uri") || this.source.equals("issuer-uri")) && this.keyIds.isEmpty();
	}

}
