package io.wsgateway.handshake;

import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;
import io.wsgateway.session.ClientIdentity;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import oidcprovider.OpenIdProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Keys from a JSON Web Key Set: against a real OpenID provider (Spring Authorization
 * Server) for discovery, rotation, a provider that stops, a flood of unknown {@code kid}s and
 * the {@code iss} / {@code aud} checks; against a plain HTTP server for Ed25519 keys, the
 * answers no provider should give, and an attacker's {@code jku}.
 */
class JwksKeySetTests {

	static OpenIdProvider provider;

	@BeforeAll
	static void startProvider() {
		provider = OpenIdProvider.start();
	}

	@AfterAll
	static void stopProvider() {
		provider.close();
	}

	private static void assertRefused(JwtTokenVerifier verifier, String token) {
		assertThatExceptionOfType(InvalidTokenException.class).isThrownBy(() -> verifier.verify(token));
	}

	/** A token of a key the provider never had, naming a made-up kid. */
	private static String madeUpKidToken(KeyPair keys) {
		return Jwts.builder()
			.header()
			.keyId(UUID.randomUUID().toString())
			.and()
			.subject("mallory")
			.issuer(provider.issuer())
			.expiration(new Date(System.currentTimeMillis() + 60_000))
			.signWith(keys.getPrivate(), Jwts.SIG.RS256)
			.compact();
	}

	@Nested
	class FromTheProvider {

		@Test
		void verifiesClientCredentialsTokensFoundThroughDiscovery() throws InvalidTokenException {
			JwtTokenVerifier verifier = TestVerifiers.verifier("jwt.issuer-uri", provider.issuer());
			ClientIdentity identity = verifier.verify(provider.clientToken(OpenIdProvider.LONG_LIVED));
			assertThat(identity.userId()).isEqualTo(OpenIdProvider.LONG_LIVED);
			assertThat(identity.expiresAt()).isNotNull();
			assertThat(verifier.keyStatus().source()).isEqualTo("issuer-uri");
			assertThat(verifier.keyStatus().keyIds()).contains(provider.currentKid());
		}

		@Test
		void verifiesUserTokensSignedWithRsaAndEcKeys() throws InvalidTokenException {
			JwtTokenVerifier verifier = TestVerifiers.verifier("jwt.jwks-uri", provider.jwksUri().toString());
			ClientIdentity alice = verifier.verify(
					provider.userToken(OpenIdProvider.LONG_LIVED, "alice", List.of("admin"), List.of("c1", "c2")));
			assertThat(alice.userId()).isEqualTo("alice");
			assertThat(alice.roles()).containsExactly("admin");
			assertThat(alice.clans()).containsExactlyInAnyOrder("c1", "c2");
			assertThat(verifier.verify(provider.ecToken(OpenIdProvider.LONG_LIVED, "bob")).userId()).isEqualTo("bob");
		}

		@Test
		void acceptsANewKeyAfterARotationWithoutRestartAndOldTokensUntilTheirExpiry() throws InvalidTokenException {
			JwtTokenVerifier verifier = TestVerifiers.verifier("jwt.issuer-uri", provider.issuer(),
					"jwt.jwks-refresh-min", "500ms");
			String before = provider.clientToken(OpenIdProvider.LONG_LIVED);
			verifier.verify(before);
			String newKid = provider.rotate();
			String after = provider.clientToken(OpenIdProvider.LONG_LIVED);
			// The key set may only be fetched again once jwks-refresh-min has passed: until then the
			// new kid is refused.
			await().atMost(Duration.ofSeconds(10))
				.ignoreExceptionsInstanceOf(InvalidTokenException.class)
				.untilAsserted(() -> verifier.verify(after));
			assertThat(verifier.keyStatus().keyIds()).contains(newKid);
			assertThat(verifier.verify(before).userId()).isEqualTo(OpenIdProvider.LONG_LIVED);
		}

		@Test
		void fetchesTheKeySetOncePerIntervalHoweverManyUnknownKidsArrive() throws InvalidTokenException {
			JwtTokenVerifier verifier = TestVerifiers.verifier("jwt.jwks-uri", provider.jwksUri().toString(),
					"jwt.jwks-refresh-min", "1h");
			int before = provider.jwksRequests();
			verifier.verify(provider.clientToken(OpenIdProvider.LONG_LIVED));
			assertThat(provider.jwksRequests()).isEqualTo(before + 1);
			KeyPair mallory = TestTokens.rsaKeyPair();
			for (int i = 0; i < 200; i++) {
				assertRefused(verifier, madeUpKidToken(mallory));
			}
			assertThat(provider.jwksRequests()).isEqualTo(before + 1);
		}

		@Test
		void refusesAnotherIssuerAndAnotherAudience() throws InvalidTokenException {
			String token = provider.clientToken(OpenIdProvider.LONG_LIVED);
			String jwks = provider.jwksUri().toString();
			assertRefused(TestVerifiers.verifier("jwt.jwks-uri", jwks, "jwt.issuer", "https://elsewhere.example"),
					token);
			assertRefused(TestVerifiers.verifier("jwt.jwks-uri", jwks, "jwt.audiences", "chat-gateway,other"), token);
			// the provider's own iss and the client as audience are accepted
			assertThat(TestVerifiers
				.verifier("jwt.jwks-uri", jwks, "jwt.issuer", provider.issuer(), "jwt.audiences",
						"chat-gateway," + OpenIdProvider.LONG_LIVED)
				.verify(token)
				.userId()).isEqualTo(OpenIdProvider.LONG_LIVED);
		}

		@Test
		void refusesTokensOfAnotherIssuerThanIssuerUri() throws InvalidTokenException {
			// The same provider under another name is another issuer: its discovery document
			// and its tokens say http://localhost:port, the gateway's tokens say 127.0.0.1.
			JwtTokenVerifier verifier = TestVerifiers.verifier("jwt.issuer-uri", "http://localhost:" + provider.port());
			assertRefused(verifier, provider.clientToken(OpenIdProvider.LONG_LIVED));
			assertThat(verifier.keyStatus().keyIds()).contains(provider.currentKid());
		}

	}

	@Test
	void keepsTheCachedKeysWhenTheProviderStops() throws InvalidTokenException {
		try (OpenIdProvider own = OpenIdProvider.start()) {
			JwtTokenVerifier verifier = TestVerifiers.verifier("jwt.issuer-uri", own.issuer(), "jwt.jwks-refresh-min",
					"100ms", "jwt.jwks-connect-timeout", "1s", "jwt.jwks-read-timeout", "1s");
			String token = own.userToken(OpenIdProvider.LONG_LIVED, "alice", List.of(), List.of());
			verifier.verify(token);
			own.close();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertRefused(verifier, madeUpKidToken(TestTokens.rsaKeyPair()));
				assertThat(verifier.keyStatus().failing()).isTrue();
			});
			assertThat(verifier.verify(token).userId()).isEqualTo("alice");
			assertThat(verifier.keyStatus().keyIds()).isNotEmpty();
		}
	}

	@Nested
	class FromAPlainServer {

		@Test
		void verifiesEd25519EcAndRsaKeysByKid() throws Exception {
			KeyPair ed = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
			KeyPair ec = TestTokens.ecKeyPair();
			KeyPair rsa = TestTokens.rsaKeyPair();
			try (KeySetServer server = new KeySetServer()) {
				server.answer(200, keySet(jwk("ed", ed.getPublic()), jwk("ec", ec.getPublic()), jwk("rsa", rsa.getPublic())));
				JwtTokenVerifier verifier = TestVerifiers.verifier("jwt.jwks-uri", server.uri().toString());
				assertThat(verifier.verify(signed("ed", ed, "alice")).userId()).isEqualTo("alice");
				assertThat(verifier.verify(signed("ec", ec, "bob")).userId()).isEqualTo("bob");
				assertThat(verifier.verify(signed("rsa", rsa, "carol")).userId()).isEqualTo("carol");
				// a kid that names another key than the one that signed
				assertRefused(verifier, signed("ec", rsa, "mallory"));
				assertThat(server.requests()).isEqualTo(1);
			}
		}

		@Test
		void keepsTheCachedKeysWhenTheAnswerIsGarbageEmptyOrTooLarge() throws Exception {
			KeyPair rsa = TestTokens.rsaKeyPair();
			try (KeySetServer server = new KeySetServer()) {
				server.answer(200, keySet(jwk("rsa", rsa.getPublic())));
				JwtTokenVerifier verifier = TestVerifiers.verifier("jwt.jwks-uri", server.uri().toString(),
						"jwt.jwks-refresh-min", "0s", "jwt.jwks-max-size", "4KB");
				String token = signed("rsa", rsa, "alice");
				verifier.verify(token);
				for (String garbage : List.of("<html>oops</html>", "{\"keys\":[]}", "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"}]}",
						"{\"keys\":[" + "{\"kty\":\"RSA\"},".repeat(400) + "{}]}")) {
					server.answer(200, garbage);
					assertRefused(verifier, madeUpKidToken(rsa));
					assertThat(verifier.keyStatus().failing()).as(garbage).isTrue();
					assertThat(verifier.verify(token).userId()).isEqualTo("alice");
				}
				server.answer(503, "{}");
				assertRefused(verifier, madeUpKidToken(rsa));
				assertThat(verifier.keyStatus().lastError()).contains("503");
				assertThat(verifier.keyStatus().keyIds()).containsExactly("rsa");
			}
		}

		@Test
		void neverTakesAKeyFromTheTokensHeader() throws Exception {
			KeyPair mallory = TestTokens.rsaKeyPair();
			try (KeySetServer attacker = new KeySetServer(); KeySetServer real = new KeySetServer()) {
				attacker.answer(200, keySet(jwk("mallory", mallory.getPublic())));
				real.answer(200, keySet(jwk("rsa", TestTokens.rsaKeyPair().getPublic())));
				JwtTokenVerifier verifier = TestVerifiers.verifier("jwt.jwks-uri", real.uri().toString());
				String withJku = Jwts.builder()
					.header()
					.keyId("mallory")
					.jwkSetUrl(attacker.uri())
					.and()
					.subject("admin")
					.expiration(new Date(System.currentTimeMillis() + 60_000))
					.signWith(mallory.getPrivate(), Jwts.SIG.RS256)
					.compact();
				assertRefused(verifier, withJku);
				String withJwk = Jwts.builder()
					.header()
					.keyId("mallory")
					.jwk(Jwks.builder().key((java.security.interfaces.RSAPublicKey) mallory.getPublic()).build())
					.and()
					.subject("admin")
					.expiration(new Date(System.currentTimeMillis() + 60_000))
					.signWith(mallory.getPrivate(), Jwts.SIG.RS256)
					.compact();
				assertRefused(verifier, withJwk);
				assertThat(attacker.requests()).isZero();
			}
		}

		private static PublicJwk<?> jwk(String kid, PublicKey key) {
			return Jwks.builder().key(key).idFromThumbprint().id(kid).build();
		}

		private static String keySet(PublicJwk<?>... keys) {
			StringBuilder json = new StringBuilder("{\"keys\":[");
			for (int i = 0; i < keys.length; i++) {
				json.append((i > 0) ? "," : "").append(Jwks.json(keys[i]));
			}
			return json.append("]}").toString();
		}

		private static String signed(String kid, KeyPair keys, String subject) {
			return Jwts.builder()
				.header()
				.keyId(kid)
				.and()
				.subject(subject)
				.expiration(new Date(System.currentTimeMillis() + 60_000))
				.signWith(keys.getPrivate())
				.compact();
		}

	}

}
