package io.wsgateway.handshake;

import java.security.Key;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Set;

import javax.crypto.SecretKey;

import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.UnsupportedJwtException;

/**
 * Which signature algorithms a verification key allows, and a key locator for one fixed key.
 * The algorithm is checked against the key's own type before the signature is, so a token
 * can never make an RSA public key serve as an HMAC secret, and a key is only ever taken
 * from the gateway's configuration or its JWKS, never from the token's header ({@code jwk},
 * {@code jku}, {@code x5u}, {@code x5c} are ignored).
 */
final class SigningKeys {

	private static final Set<String> HMAC_ALGORITHMS = Set.of("HS256");

	private static final Set<String> RSA_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512");

	private static final Set<String> EC_ALGORITHMS = Set.of("ES256", "ES384", "ES512");

	private static final Set<String> EDDSA_ALGORITHMS = Set.of("EdDSA", "Ed25519");

	private SigningKeys() {
	}

	/** Returns the algorithms a key of this type verifies, empty for a type the gateway does not use. */
	static Set<String> algorithms(Key key) {
		if (key instanceof SecretKey) {
			return HMAC_ALGORITHMS;
		}
		if (key instanceof RSAPublicKey) {
			return RSA_ALGORITHMS;
		}
		if (key instanceof ECPublicKey) {
			return EC_ALGORITHMS;
		}
		return (key instanceof EdECPublicKey) ? EDDSA_ALGORITHMS : Set.of();
	}

	/**
	 * Returns {@code key} if the token's {@code alg} suits it (and equals {@code keyAlgorithm}
	 * when the key set pinned one).
	 * @throws UnsupportedJwtException otherwise
	 */
	static Key checked(Key key, String keyAlgorithm, JwsHeader header) {
		String algorithm = header.getAlgorithm();
		if (algorithm == null || !algorithms(key).contains(algorithm)
				|| (keyAlgorithm != null && !keyAlgorithm.equals(algorithm))) {
			throw new UnsupportedJwtException("algorithm not allowed for the key");
		}
		return key;
	}

	/** A locator that always answers the same configured key. */
	static final class Fixed extends LocatorAdapter<Key> {

		private final Key key;

		Fixed(Key key) {
			this.key = key;
		}

		@Override
		protected Key locate(JwsHeader header) {
			return checked(this.key, null, header);
		}

	}

}
