package io.wsgateway.handshake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Set;

import javax.crypto.SecretKey;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.wsgateway.session.ClientIdentity;

import org.springframework.stereotype.Component;

/**
 * Verifies the gateway's JWTs: signature with the configured HMAC secret or RSA/EC public
 * key and only the algorithms of that key's family, {@code exp} and {@code nbf} with the
 * configured clock skew, and a {@code sub} of 1 to {@value #MAX_SUBJECT_LENGTH} characters,
 * not blank and without control characters (PROTOCOL.md section 12), since it becomes the
 * {@code userId} that other users, logs and backends see. Unsigned tokens
 * ({@code alg: none}) are always refused.
 */
@Component
public class JwtTokenVerifier {

	private static final Set<String> HMAC_ALGORITHMS = Set.of("HS256");

	private static final Set<String> RSA_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512");

	private static final Set<String> EC_ALGORITHMS = Set.of("ES256", "ES384", "ES512");

	private static final int MIN_SECRET_BYTES = 32;

	static final int MAX_SUBJECT_LENGTH = 256;

	private final JwtParser parser;

	private final Set<String> algorithms;

	private final Duration clockSkew;

	JwtTokenVerifier(GatewaySecurityProperties properties) {
		GatewaySecurityProperties.Jwt jwt = properties.jwt();
		this.clockSkew = jwt.clockSkew();
		Key key = key(jwt, properties.anonymous());
		if (key == null) {
			this.parser = null;
			this.algorithms = Set.of();
			return;
		}
		this.algorithms = (key instanceof SecretKey) ? HMAC_ALGORITHMS
				: (key instanceof RSAPublicKey) ? RSA_ALGORITHMS : EC_ALGORITHMS;
		var builder = Jwts.parser().clockSkewSeconds(this.clockSkew.toSeconds());
		this.parser = (key instanceof SecretKey secret) ? builder.verifyWith(secret).build()
				: builder.verifyWith((PublicKey) key).build();
	}

	/** Returns whether a key is configured; without one every token is refused. */
	public boolean canVerify() {
		return this.parser != null;
	}

	/**
	 * Returns the identity a valid token carries.
	 * @throws InvalidTokenException if the token is not valid now
	 */
	public ClientIdentity verify(String token) throws InvalidTokenException {
		if (this.parser == null) {
			throw new InvalidTokenException("no JWT key is configured", null);
		}
		Jws<Claims> jws;
		try {
			jws = this.parser.parseSignedClaims(token);
		}
		catch (JwtException | IllegalArgumentException ex) {
			throw new InvalidTokenException(ex.getClass().getSimpleName(), ex);
		}
		if (!this.algorithms.contains(jws.getHeader().getAlgorithm())) {
			throw new InvalidTokenException("algorithm not allowed for the configured key", null);
		}
		Claims claims = jws.getPayload();
		String subject = claims.getSubject();
		if (subject == null || subject.isBlank()) {
			throw new InvalidTokenException("token has no subject", null);
		}
		if (subject.codePointCount(0, subject.length()) > MAX_SUBJECT_LENGTH
				|| subject.codePoints().anyMatch(Character::isISOControl)) {
			throw new InvalidTokenException("subject is longer than " + MAX_SUBJECT_LENGTH
					+ " characters or has control characters", null);
		}
		Date expiration = claims.getExpiration();
		Instant expiresAt = (expiration != null) ? expiration.toInstant().plus(this.clockSkew) : null;
		return new ClientIdentity(subject, strings(claims.get("roles")), strings(claims.get("clans")), expiresAt,
				false);
	}

	private static Set<String> strings(Object claim) {
		Set<String> values = new LinkedHashSet<>();
		if (claim instanceof Collection<?> collection) {
			for (Object value : collection) {
				if (value != null) {
					values.add(value.toString());
				}
			}
		}
		else if (claim instanceof String single) {
			values.add(single);
		}
		return values;
	}

	private static Key key(GatewaySecurityProperties.Jwt jwt, boolean anonymous) {
		boolean hasSecret = jwt.secret() != null && !jwt.secret().isEmpty();
		boolean hasPublicKey = jwt.publicKey() != null && !jwt.publicKey().isBlank();
		if (hasSecret && hasPublicKey) {
			throw new IllegalStateException(
					"Set only one of gateway.security.jwt.secret and gateway.security.jwt.public-key");
		}
		if (hasSecret) {
			byte[] bytes = jwt.secret().getBytes(StandardCharsets.UTF_8);
			if (bytes.length < MIN_SECRET_BYTES) {
				throw new IllegalStateException("gateway.security.jwt.secret must be at least " + MIN_SECRET_BYTES
						+ " bytes, it has " + bytes.length);
			}
			return Keys.hmacShaKeyFor(bytes);
		}
		if (hasPublicKey) {
			return publicKey(jwt.publicKey());
		}
		if (!anonymous) {
			throw new IllegalStateException("No JWT key: set gateway.security.jwt.secret or "
					+ "gateway.security.jwt.public-key, or allow anonymous access with gateway.security.anonymous=true");
		}
		return null;
	}

	static PublicKey publicKey(String pem) {
		String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
		X509EncodedKeySpec spec;
		try {
			spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("gateway.security.jwt.public-key is not a PEM public key", ex);
		}
		for (String algorithm : new String[] { "RSA", "EC" }) {
			try {
				PublicKey key = KeyFactory.getInstance(algorithm).generatePublic(spec);
				if (key instanceof RSAPublicKey || key instanceof ECPublicKey) {
					return key;
				}
			}
			catch (GeneralSecurityException ex) {
				// try the next key type
			}
		}
		throw new IllegalStateException("gateway.security.jwt.public-key is neither an RSA nor an EC public key");
	}

}
