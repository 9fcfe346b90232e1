package io.wsgateway.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.jsonwebtoken.security.SecureDigestAlgorithm;

/**
 * Mints JWTs for tests.
 *
 * <p>Gateway contexts under test use {@link #SECRET} as {@code gateway.security.jwt.secret}:
 * <pre>{@code
 * @SpringBootTest(webEnvironment = RANDOM_PORT,
 *         properties = "gateway.security.jwt.secret=" + TestTokens.SECRET)
 * }</pre>
 * Typical use:
 * <pre>{@code
 * String t = TestTokens.token("alice");
 * String admin = TestTokens.token("root", List.of("admin"), List.of("clan-1"));
 * String expired = TestTokens.forUser("bob").expiresAt(Instant.now().minusSeconds(60)).build();
 * String rsa = TestTokens.forUser("carol").signedWith(keyPair.getPrivate()).build();
 * String forged = TestTokens.unsigned("{\"sub\":\"mallory\"}");
 * }</pre>
 */
public final class TestTokens {

	/** HMAC-SHA256 secret of the gateways under test: 40 ASCII bytes, above the 32-byte minimum. */
	public static final String SECRET = "websocket-gateway-test-secret-0123456789";

	/** Default lifetime of minted tokens. */
	public static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);

	private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

	private TestTokens() {
	}

	/** Returns the {@link #SECRET} as a jjwt HMAC key. */
	public static SecretKey secretKey() {
		return hmacKey(SECRET);
	}

	/** Returns an HMAC key over the UTF-8 bytes of {@code secret} (at least 32 bytes). */
	public static SecretKey hmacKey(String secret) {
		return Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8));
	}

	/** A valid HS256 token for {@code userId}, signed with {@link #SECRET}, expiring in an hour. */
	public static String token(String userId) {
		return forUser(userId).build();
	}

	/** As {@link #token(String)}, with {@code roles} and {@code clans} claims. */
	public static String token(String userId, List<String> roles, List<String> clans) {
		return forUser(userId).roles(roles).clans(clans).build();
	}

	/** Starts a token for {@code userId} ({@code sub}); {@code null} leaves {@code sub} out. */
	public static Builder forUser(String userId) {
		return new Builder(userId);
	}

	/** Returns a new RSA key pair (2048 bits) for RS256 tokens. */
	public static KeyPair rsaKeyPair() {
		return Jwts.SIG.RS256.keyPair().build();
	}

	/** Returns a new EC P-256 key pair for ES256 tokens. */
	public static KeyPair ecKeyPair() {
		return Jwts.SIG.ES256.keyPair().build();
	}

	/** Returns a public key as PEM text, the form of {@code gateway.security.jwt.public-key}. */
	public static String pem(PublicKey key) {
		String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
			.encodeToString(key.getEncoded());
		return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
	}

	/** An unsecured token, {@code {"alg":"none"}}, with the given claims JSON and an empty signature. */
	public static String unsigned(String claimsJson) {
		return encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + encode(claimsJson) + ".";
	}

	/**
	 * A token assembled by hand and signed with an HMAC over {@code key}: for forgeries a
	 * library would refuse to make, such as HS256 keyed with an RSA public key.
	 * @param headerJson the header, whose {@code alg} may say anything
	 * @param claimsJson the claims
	 * @param macAlgorithm the JCA MAC name, such as {@code HmacSHA256}
	 * @param key the raw MAC key bytes
	 */
	public static String hmacForged(String headerJson, String claimsJson, String macAlgorithm, byte[] key) {
		String signingInput = encode(headerJson) + "." + encode(claimsJson);
		try {
			Mac mac = Mac.getInstance(macAlgorithm);
			mac.init(new SecretKeySpec(key, macAlgorithm));
			byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
			return signingInput + "." + BASE64URL.encodeToString(signature);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Returns claims JSON {@code {"sub":..., "exp": now + 1h}} for hand-made tokens. */
	public static String claimsJson(String userId) {
		return "{\"sub\":\"" + userId + "\",\"exp\":" + Instant.now().plus(DEFAULT_LIFETIME).getEpochSecond() + "}";
	}

	private static String encode(String json) {
		return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

	/** A token under construction; {@link #build()} signs it. */
	public static final class Builder {

		private final String subject;

		private final Map<String, Object> claims = new LinkedHashMap<>();

		private Instant issuedAt = Instant.now();

		private Instant expiresAt = this.issuedAt.plus(DEFAULT_LIFETIME);

		private Instant notBefore;

		private Key key = secretKey();

		private SecureDigestAlgorithm<?, ?> algorithm;

		private Builder(String subject) {
			this.subject = subject;
		}

		/** Sets the {@code roles} claim. */
		public Builder roles(List<String> roles) {
			return claim("roles", new ArrayList<>(roles));
		}

		/** Sets the {@code roles} claim. */
		public Builder roles(String... roles) {
			return roles(List.of(roles));
		}

		/** Sets the {@code clans} claim. */
		public Builder clans(List<String> clans) {
			return claim("clans", new ArrayList<>(clans));
		}

		/** Sets the {@code clans} claim. */
		public Builder clans(String... clans) {
			return clans(List.of(clans));
		}

		/** Sets any claim; {@code null} removes it. */
		public Builder claim(String name, Object value) {
			if (value == null) {
				this.claims.remove(name);
			}
			else {
				this.claims.put(name, value);
			}
			return this;
		}

		/** Sets {@code exp}; {@code null} leaves it out. */
		public Builder expiresAt(Instant expiresAt) {
			this.expiresAt = expiresAt;
			return this;
		}

		/** Sets {@code exp} relative to now (negative for an expired token). */
		public Builder expiresIn(Duration lifetime) {
			return expiresAt(Instant.now().plus(lifetime));
		}

		/** Leaves {@code exp} out. */
		public Builder noExpiry() {
			return expiresAt(null);
		}

		/** Sets {@code nbf}. */
		public Builder notBefore(Instant notBefore) {
			this.notBefore = notBefore;
			return this;
		}

		/** Sets {@code iat}; {@code null} leaves it out. */
		public Builder issuedAt(Instant issuedAt) {
			this.issuedAt = issuedAt;
			return this;
		}

		/**
		 * Signs with {@code key}: an HMAC {@link SecretKey} (always HS256, the gateway's only
		 * HMAC algorithm, whatever the key's length), or an RSA or EC {@link PrivateKey} with
		 * the algorithm jjwt picks for it (RS256 for RSA 2048, ES256 for P-256 ...).
		 */
		public Builder signedWith(Key key) {
			this.key = key;
			this.algorithm = null;
			return this;
		}

		/** Signs with {@code key} and an explicit algorithm, such as {@code Jwts.SIG.PS256} or {@code Jwts.SIG.HS512}. */
		public Builder signedWith(Key key, SecureDigestAlgorithm<?, ?> algorithm) {
			this.key = key;
			this.algorithm = algorithm;
			return this;
		}

		/** Returns the compact signed token. */
		@SuppressWarnings({ "unchecked", "rawtypes" })
		public String build() {
			JwtBuilder builder = Jwts.builder().header().type("JWT").and();
			if (this.subject != null) {
				builder.subject(this.subject);
			}
			this.claims.forEach(builder::claim);
			if (this.issuedAt != null) {
				builder.issuedAt(Date.from(this.issuedAt));
			}
			if (this.expiresAt != null) {
				builder.expiration(Date.from(this.expiresAt));
			}
			if (this.notBefore != null) {
				builder.notBefore(Date.from(this.notBefore));
			}
			if (this.algorithm != null) {
				builder.signWith(this.key, (SecureDigestAlgorithm) this.algorithm);
			}
			else if (this.key instanceof SecretKey) {
				builder.signWith(this.key, (SecureDigestAlgorithm) Jwts.SIG.HS256);
			}
			else {
				builder.signWith(this.key);
			}
			return builder.compact();
		}

	}

}
