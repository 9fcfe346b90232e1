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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.Locator;
import io.jsonwebtoken.security.Keys;
import io.jsonwebtoken.security.SignatureException;
import io.wsgateway.session.ClientIdentity;
import io.wsgateway.session.TokenExpiryGrace;

import org.springframework.stereotype.Component;

/**
 * Verifies the gateway's JWTs, for the WebSocket handshake, {@code refresh}, the server API
 * and Actuator alike: the signature with the configured HMAC secret (or the previous one
 * during a rotation), RSA/EC public key, or a key of the JSON Web Key Set chosen by
 * {@code kid}, and only with the algorithms of that key's type; {@code exp} and {@code nbf}
 * with the configured clock skew; {@code iss} and {@code aud} when configured; and a
 * {@code sub} of 1 to {@value #MAX_SUBJECT_LENGTH} characters, not blank and without control
 * characters (PROTOCOL.md section 12), since it becomes the {@code userId} that other users,
 * logs and backends see. Unsigned tokens ({@code alg: none}) are always refused.
 */
@Component
public class JwtTokenVerifier implements TokenExpiryGrace {

	private static final int MIN_SECRET_BYTES = 32;

	static final int MAX_SUBJECT_LENGTH = 256;

	// Tried in turn while the signature does not match: the secret, then the previous one.
	private final List<JwtParser> parsers;

	private final JwksKeySet keySet;

	private final JwtKeyStatus configuredStatus;

	private final String issuer;

	private final Set<String> audiences;

	private final Duration clockSkew;

	JwtTokenVerifier(GatewaySecurityProperties properties) {
		GatewaySecurityProperties.Jwt jwt = properties.jwt();
		this.clockSkew = jwt.clockSkew();
		this.issuer = issuer(jwt);
		this.audiences = Set.copyOf(jwt.audiences());
		List<Locator<Key>> locators = new ArrayList<>();
		this.keySet = keySource(jwt, properties.anonymous(), locators);
		this.configuredStatus = JwtKeyStatus.configured(sourceName(jwt));
		List<JwtParser> parsers = new ArrayList<>();
		for (Locator<Key> locator : locators) {
			parsers.add(Jwts.parser().clockSkewSeconds(jwt.clockSkew().toSeconds()).keyLocator(locator).build());
		}
		this.parsers = List.copyOf(parsers);
	}

	/** Returns {@code gateway.security.jwt.clock-skew}, the tolerance on {@code exp}. */
	@Override
	public Duration afterExpiry() {
		return this.clockSkew;
	}

	/** Returns whether a key is configured; without one every token is refused. */
	public boolean canVerify() {
		return !this.parsers.isEmpty();
	}

	/** Returns where the keys come from and, for a key set, how its fetches went. */
	public JwtKeyStatus keyStatus() {
		return (this.keySet != null) ? this.keySet.status() : this.configuredStatus;
	}

	/**
	 * Returns the identity a valid token carries. May fetch the key set (bounded by its
	 * timeouts) when the token names a key not yet known.
	 * @throws InvalidTokenException if the token is not valid now
	 */
	public ClientIdentity verify(String token) throws InvalidTokenException {
		if (this.parsers.isEmpty()) {
			throw new InvalidTokenException("no JWT key is configured", null);
		}
		Claims claims = null;
		for (int i = 0; claims == null; i++) {
			try {
				claims = this.parsers.get(i).parseSignedClaims(token).getPayload();
			}
			catch (SignatureException ex) {
				if (i == this.parsers.size() - 1) {
					throw new InvalidTokenException(ex.getClass().getSimpleName(), ex);
				}
			}
			catch (JwtException | IllegalArgumentException ex) {
				throw new InvalidTokenException(ex.getClass().getSimpleName(), ex);
			}
		}
		return identity(claims);
	}

	// The one place where the claims of a correctly signed, current token are checked.
	private ClientIdentity identity(Claims claims) throws InvalidTokenException {
		if (this.issuer != null && !this.issuer.equals(claims.getIssuer())) {
			throw new InvalidTokenException("token has another issuer", null);
		}
		if (!this.audiences.isEmpty() && Collections.disjoint(this.audiences, audience(claims))) {
			throw new InvalidTokenException("token is not for an accepted audience", null);
		}
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
		Instant expiresAt = (expiration != null) ? expiration.toInstant() : null;
		return new ClientIdentity(subject, strings(claims.get("roles")), strings(claims.get("clans")), expiresAt,
				false);
	}

	private static Set<String> audience(Claims claims) {
		Set<String> audience = claims.getAudience();
		return (audience != null) ? audience : Set.of();
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

	private static String issuer(GatewaySecurityProperties.Jwt jwt) {
		if (GatewaySecurityProperties.Jwt.hasText(jwt.issuer()) && jwt.issuerUri() != null
				&& !jwt.issuer().equals(jwt.issuerUri().toString())) {
			throw new IllegalStateException("gateway.security.jwt.issuer and gateway.security.jwt.issuer-uri differ; "
					+ "set only issuer-uri, whose value every token's iss must equal");
		}
		return jwt.requiredIssuer();
	}

	private static String sourceName(GatewaySecurityProperties.Jwt jwt) {
		if (jwt.secret() != null && !jwt.secret().isEmpty()) {
			return "secret";
		}
		return GatewaySecurityProperties.Jwt.hasText(jwt.publicKey()) ? "public-key" : "none";
	}

	// Adds the locators to try, in order, and returns the key set when keys come from one.
	private static JwksKeySet keySource(GatewaySecurityProperties.Jwt jwt, boolean anonymous,
			List<Locator<Key>> locators) {
		boolean hasSecret = jwt.secret() != null && !jwt.secret().isEmpty();
		boolean hasPublicKey = GatewaySecurityProperties.Jwt.hasText(jwt.publicKey());
		boolean hasKeySet = jwt.jwksUri() != null || jwt.issuerUri() != null;
		if ((hasSecret ? 1 : 0) + (hasPublicKey ? 1 : 0) + (hasKeySet ? 1 : 0) > 1) {
			throw new IllegalStateException("Set only one key source: gateway.security.jwt.secret, "
					+ "gateway.security.jwt.public-key, or gateway.security.jwt.jwks-uri / issuer-uri");
		}
		if (GatewaySecurityProperties.Jwt.hasText(jwt.previousSecret()) && !hasSecret) {
			throw new IllegalStateException("gateway.security.jwt.previous-secret needs gateway.security.jwt.secret");
		}
		if (hasSecret) {
			locators.add(new SigningKeys.Fixed(hmacKey("secret", jwt.secret())));
			if (GatewaySecurityProperties.Jwt.hasText(jwt.previousSecret())) {
				locators.add(new SigningKeys.Fixed(hmacKey("previous-secret", jwt.previousSecret())));
			}
			return null;
		}
		if (hasPublicKey) {
			locators.add(new SigningKeys.Fixed(publicKey(jwt.publicKey())));
			return null;
		}
		if (hasKeySet) {
			JwksKeySet keySet = new JwksKeySet(jwt);
			locators.add(keySet);
			return keySet;
		}
		if (!anonymous) {
			throw new IllegalStateException("No JWT key: set gateway.security.jwt.secret, public-key, jwks-uri or "
					+ "issuer-uri, or allow anonymous access with gateway.security.anonymous=true");
		}
		return null;
	}

	private static Key hmacKey(String property, String secret) {
		byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
		if (bytes.length < MIN_SECRET_BYTES) {
			throw new IllegalStateException("gateway.security.jwt." + property + " must be at least " + MIN_SECRET_BYTES
					+ " bytes, it has " + bytes.length);
		}
		return Keys.hmacShaKeyFor(bytes);
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
