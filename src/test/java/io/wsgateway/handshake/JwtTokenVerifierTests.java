package io.wsgateway.handshake;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.jsonwebtoken.Jwts;
import io.wsgateway.session.ClientIdentity;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class JwtTokenVerifierTests {

	private static final Duration SKEW = Duration.ofSeconds(30);

	private static JwtTokenVerifier withSecret(String secret) {
		return TestVerifiers.verifier("jwt.secret", secret, "jwt.clock-skew", SKEW.toString());
	}

	private static JwtTokenVerifier withPublicKey(String pem) {
		return TestVerifiers.verifier("jwt.public-key", pem, "jwt.clock-skew", SKEW.toString());
	}

	private static void assertRefused(JwtTokenVerifier verifier, String token) {
		assertThatExceptionOfType(InvalidTokenException.class).isThrownBy(() -> verifier.verify(token))
			.satisfies((ex) -> {
				if (!token.isBlank()) {
					assertThat(String.valueOf(ex.getMessage())).doesNotContain(token);
				}
			});
	}

	@Nested
	class HmacRotation {

		private static final String OLD = "the-secret-being-rotated-out-0123456789";

		private static final String OTHER = "a-secret-the-gateway-never-had-0123456789";

		@Test
		void acceptsTokensOfTheSecretAndOfThePreviousSecret() throws InvalidTokenException {
			JwtTokenVerifier verifier = TestVerifiers.verifier("jwt.secret", TestTokens.SECRET, "jwt.previous-secret",
					OLD);
			assertThat(verifier.verify(TestTokens.token("alice")).userId()).isEqualTo("alice");
			assertThat(verifier.verify(TestTokens.forUser("bob").signedWith(TestTokens.hmacKey(OLD)).build()).userId())
				.isEqualTo("bob");
			assertRefused(verifier, TestTokens.forUser("mallory").signedWith(TestTokens.hmacKey(OTHER)).build());
			assertRefused(verifier, TestTokens.forUser("carol").signedWith(TestTokens.hmacKey(OLD)).expiresIn(Duration.ofMinutes(-5)).build());
		}

		@Test
		void refusesThePreviousSecretWithoutTheCurrentOneOrTooShort() {
			assertThatIllegalStateException().isThrownBy(() -> TestVerifiers.verifier("jwt.previous-secret", OLD))
				.withMessageContaining("needs gateway.security.jwt.secret");
			assertThatIllegalStateException()
				.isThrownBy(() -> TestVerifiers.verifier("jwt.secret", TestTokens.SECRET, "jwt.previous-secret", "short"))
				.withMessageContaining("previous-secret must be at least 32 bytes");
		}

		@Test
		void refusesIssuerDifferentFromIssuerUriAndTwoKeySources() {
			assertThatIllegalStateException()
				.isThrownBy(() -> TestVerifiers.verifier("jwt.issuer-uri", "https://id.example.com/realms/game",
						"jwt.issuer", "https://other.example.com"))
				.withMessageContaining("differ");
			assertThatIllegalStateException()
				.isThrownBy(() -> TestVerifiers.verifier("jwt.secret", TestTokens.SECRET, "jwt.jwks-uri",
						"https://id.example.com/jwks"))
				.withMessageContaining("only one");
		}

	}

	@Nested
	class HmacSecret {

		private final JwtTokenVerifier verifier = withSecret(TestTokens.SECRET);

		@Test
		void acceptsValidToken() throws InvalidTokenException {
			Instant exp = Instant.now().plus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
			String token = TestTokens.forUser("alice").roles("admin", "mod").clans("c1").expiresAt(exp).build();
			ClientIdentity identity = this.verifier.verify(token);
			assertThat(identity.userId()).isEqualTo("alice");
			assertThat(identity.roles()).containsExactlyInAnyOrder("admin", "mod");
			assertThat(identity.clans()).containsExactly("c1");
			assertThat(identity.hasRole("admin")).isTrue();
			assertThat(identity.anonymous()).isFalse();
			assertThat(identity.expiresAt()).isEqualTo(exp);
		}

		@Test
		void acceptsTokenWithoutExpiryAndKeepsItsExpiryOpen() throws InvalidTokenException {
			assertThat(this.verifier.verify(TestTokens.forUser("alice").noExpiry().build()).expiresAt()).isNull();
		}

		@Test
		void rejectsExpiredToken() {
			assertRefused(this.verifier, TestTokens.forUser("alice").expiresIn(Duration.ofMinutes(-2)).build());
		}

		@Test
		void toleratesExpiryWithinClockSkew() throws InvalidTokenException {
			String token = TestTokens.forUser("alice").expiresIn(Duration.ofSeconds(-10)).build();
			assertThat(this.verifier.verify(token).userId()).isEqualTo("alice");
		}

		@Test
		void rejectsNotYetValidToken() {
			assertRefused(this.verifier, TestTokens.forUser("alice").notBefore(Instant.now().plus(Duration.ofMinutes(2))).build());
		}

		@Test
		void toleratesNotBeforeWithinClockSkew() throws InvalidTokenException {
			String token = TestTokens.forUser("alice").notBefore(Instant.now().plusSeconds(10)).build();
			assertThat(this.verifier.verify(token).userId()).isEqualTo("alice");
		}

		@Test
		void rejectsTokenSignedWithAnotherSecret() {
			assertRefused(this.verifier,
					TestTokens.forUser("alice").signedWith(TestTokens.hmacKey("some-other-secret-that-is-32-bytes-long")).build());
		}

		@Test
		void rejectsTamperedPayload() {
			String[] parts = TestTokens.token("alice").split("\\.");
			String forgedPayload = java.util.Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(TestTokens.claimsJson("root").getBytes(StandardCharsets.UTF_8));
			assertRefused(this.verifier, parts[0] + "." + forgedPayload + "." + parts[2]);
		}

		@Test
		void rejectsUnsignedAlgNoneToken() {
			assertRefused(this.verifier, TestTokens.unsigned(TestTokens.claimsJson("alice")));
		}

		@Test
		void rejectsAlgNoneTokenCarryingASignature() {
			String valid = TestTokens.token("alice");
			String unsigned = TestTokens.unsigned(TestTokens.claimsJson("alice"));
			assertRefused(this.verifier, unsigned + valid.substring(valid.lastIndexOf('.') + 1));
		}

		@Test
		void rejectsOtherHmacAlgorithmsEvenWithTheRightSecret() {
			String longSecret = "a-secret-long-enough-for-hs512-0123456789-0123456789-0123456789!";
			JwtTokenVerifier verifier = withSecret(longSecret);
			assertRefused(verifier,
					TestTokens.forUser("alice").signedWith(TestTokens.hmacKey(longSecret), Jwts.SIG.HS512).build());
			assertRefused(verifier,
					TestTokens.forUser("alice").signedWith(TestTokens.hmacKey(longSecret), Jwts.SIG.HS384).build());
		}

		@Test
		void rejectsRsaSignedTokenWhenConfiguredWithSecret() {
			assertRefused(this.verifier, TestTokens.forUser("alice").signedWith(TestTokens.rsaKeyPair().getPrivate()).build());
		}

		@Test
		void rejectsTokenWithoutSubject() {
			assertRefused(this.verifier, TestTokens.forUser(null).build());
		}

		@Test
		void rejectsTokenWithBlankSubject() {
			assertRefused(this.verifier, TestTokens.forUser(" ").build());
		}

		@ParameterizedTest
		@ValueSource(strings = { "alice\nbob", "alice\u0000", "\u0007", "tab\there", "del\u007f", "c1\u0085" })
		void rejectsSubjectWithControlCharacters(String subject) {
			assertRefused(this.verifier, TestTokens.forUser(subject).build());
		}

		@Test
		void rejectsSubjectLongerThan256Characters() {
			assertRefused(this.verifier, TestTokens.forUser("a".repeat(257)).build());
			assertRefused(this.verifier, TestTokens.forUser("x".repeat(10 * 1024)).build());
		}

		@Test
		void acceptsSubjectOf256CharactersCountedAsCodePoints() throws InvalidTokenException {
			String emoji = "\uD83D\uDE00".repeat(256);
			assertThat(this.verifier.verify(TestTokens.forUser(emoji).build()).userId()).isEqualTo(emoji);
			assertThat(this.verifier.verify(TestTokens.forUser("a".repeat(256)).build()).userId()).hasSize(256);
			assertThat(this.verifier.verify(TestTokens.forUser("Zoë O'Brien-李").build()).userId()).isEqualTo("Zoë O'Brien-李");
		}

		@ParameterizedTest
		@ValueSource(strings = { "", " ", "garbage", "a.b", "a.b.c", "eyJhbGciOiJIUzI1NiJ9..", "....." })
		void rejectsMalformedTokens(String token) {
			assertRefused(this.verifier, token);
		}

		@Test
		void readsRolesAndClansClaims() throws InvalidTokenException {
			ClientIdentity identity = this.verifier
				.verify(TestTokens.token("alice", List.of("admin", "admin", "ops"), List.of("clan-1", "clan-2")));
			assertThat(identity.roles()).containsExactlyInAnyOrder("admin", "ops");
			assertThat(identity.clans()).containsExactlyInAnyOrder("clan-1", "clan-2");
		}

		@Test
		void readsSingleStringRoleAndIgnoresMissingOrOddClaims() throws InvalidTokenException {
			ClientIdentity single = this.verifier.verify(TestTokens.forUser("alice").claim("roles", "admin").build());
			assertThat(single.roles()).containsExactly("admin");
			assertThat(single.clans()).isEmpty();
			ClientIdentity odd = this.verifier
				.verify(TestTokens.forUser("bob").claim("roles", java.util.Map.of("admin", true)).claim("clans", 42).build());
			assertThat(odd.roles()).isEmpty();
			assertThat(odd.clans()).isEmpty();
			ClientIdentity withNull = this.verifier
				.verify(TestTokens.forUser("carol").claim("clans", java.util.Arrays.asList("a", null, "c")).build());
			assertThat(withNull.clans()).containsExactlyInAnyOrder("a", "c");
		}

		@Test
		void acceptsSecretOfExactly32Bytes() throws InvalidTokenException {
			String secret = "0123456789abcdef0123456789abcdef";
			String token = TestTokens.forUser("alice").signedWith(TestTokens.hmacKey(secret)).build();
			assertThat(withSecret(secret).verify(token).userId()).isEqualTo("alice");
		}

	}

	@Nested
	class RsaPublicKey {

		private final KeyPair keys = TestTokens.rsaKeyPair();

		private final JwtTokenVerifier verifier = withPublicKey(TestTokens.pem(this.keys.getPublic()));

		@Test
		void acceptsRs256AndPs256Tokens() throws InvalidTokenException {
			assertThat(this.verifier.verify(TestTokens.forUser("alice").signedWith(this.keys.getPrivate()).build()).userId())
				.isEqualTo("alice");
			assertThat(this.verifier
				.verify(TestTokens.forUser("bob").signedWith(this.keys.getPrivate(), Jwts.SIG.PS256).build())
				.userId()).isEqualTo("bob");
		}

		@Test
		void rejectsTokenOfAnotherRsaKey() {
			assertRefused(this.verifier, TestTokens.forUser("alice").signedWith(TestTokens.rsaKeyPair().getPrivate()).build());
		}

		@Test
		void rejectsHmacTokenSignedWithTheTestSecret() {
			assertRefused(this.verifier, TestTokens.token("alice"));
		}

		@Test
		void rejectsAlgorithmConfusionHs256KeyedWithThePublicKey() {
			String claims = TestTokens.claimsJson("mallory");
			String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
			assertRefused(this.verifier,
					TestTokens.hmacForged(header, claims, "HmacSHA256", this.keys.getPublic().getEncoded()));
			assertRefused(this.verifier, TestTokens.hmacForged(header, claims, "HmacSHA256",
					TestTokens.pem(this.keys.getPublic()).getBytes(StandardCharsets.US_ASCII)));
		}

		@Test
		void rejectsExpiredRsaToken() {
			assertRefused(this.verifier,
					TestTokens.forUser("alice").signedWith(this.keys.getPrivate()).expiresIn(Duration.ofHours(-1)).build());
		}

		@Test
		void acceptsPemWithoutLineBreaks() throws InvalidTokenException {
			String pem = TestTokens.pem(this.keys.getPublic()).replace("\n", "");
			assertThat(withPublicKey(pem).verify(TestTokens.forUser("alice").signedWith(this.keys.getPrivate()).build())
				.userId()).isEqualTo("alice");
		}

	}

	@Nested
	class EcPublicKey {

		private final KeyPair keys = TestTokens.ecKeyPair();

		private final JwtTokenVerifier verifier = withPublicKey(TestTokens.pem(this.keys.getPublic()));

		@Test
		void acceptsEs256Token() throws InvalidTokenException {
			assertThat(this.verifier.verify(TestTokens.forUser("alice").signedWith(this.keys.getPrivate()).build()).userId())
				.isEqualTo("alice");
		}

		@Test
		void acceptsEs384TokenOfAP384Key() throws Exception {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp384r1"));
			KeyPair p384 = generator.generateKeyPair();
			String token = TestTokens.forUser("alice").signedWith(p384.getPrivate(), Jwts.SIG.ES384).build();
			assertThat(withPublicKey(TestTokens.pem(p384.getPublic())).verify(token).userId()).isEqualTo("alice");
		}

		@Test
		void rejectsRsaTokenWhenConfiguredWithEcKey() {
			assertRefused(this.verifier, TestTokens.forUser("alice").signedWith(TestTokens.rsaKeyPair().getPrivate()).build());
		}

		@Test
		void rejectsTokenOfAnotherEcKey() {
			assertRefused(this.verifier, TestTokens.forUser("alice").signedWith(TestTokens.ecKeyPair().getPrivate()).build());
		}

		@Test
		void rejectsAlgorithmConfusionHs256KeyedWithThePublicKey() {
			assertRefused(this.verifier, TestTokens.hmacForged("{\"alg\":\"HS256\"}", TestTokens.claimsJson("mallory"),
					"HmacSHA256", this.keys.getPublic().getEncoded()));
		}

		@Test
		void rejectsUnsignedToken() {
			assertRefused(this.verifier, TestTokens.unsigned(TestTokens.claimsJson("alice")));
		}

	}

	@Nested
	class Startup {

		@Test
		void failsOnSecretShorterThan32Bytes() {
			assertThatIllegalStateException().isThrownBy(() -> withSecret("0123456789abcdef0123456789abcde"))
				.withMessageContaining("at least 32 bytes");
		}

		@Test
		void failsWhenBothSecretAndPublicKeyAreSet() {
			String pem = TestTokens.pem(TestTokens.rsaKeyPair().getPublic());
			assertThatIllegalStateException()
				.isThrownBy(() -> TestVerifiers.verifier("jwt.secret", TestTokens.SECRET, "jwt.public-key", pem))
				.withMessageContaining("only one");
		}

		@Test
		void failsWithoutKeyUnlessAnonymousAccessIsOn() {
			assertThatIllegalStateException()
				.isThrownBy(() -> TestVerifiers.verifier())
				.withMessageContaining("No JWT key");
		}

		@Test
		void anonymousWithoutKeyRefusesEveryToken() {
			JwtTokenVerifier verifier = TestVerifiers.verifier("anonymous", "true", "jwt.public-key", " ");
			assertThat(verifier.canVerify()).isFalse();
			assertRefused(verifier, TestTokens.token("alice"));
		}

		@Test
		void failsOnPublicKeyThatIsNotPem() {
			assertThatIllegalStateException().isThrownBy(() -> withPublicKey("-----BEGIN PUBLIC KEY-----\n%%%\n"))
				.withMessageContaining("not a PEM public key");
		}

		@Test
		void failsOnPublicKeyThatIsNeitherRsaNorEc() throws Exception {
			KeyPair ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
			assertThatIllegalStateException().isThrownBy(() -> withPublicKey(TestTokens.pem(ed25519.getPublic())))
				.withMessageContaining("neither an RSA nor an EC public key");
		}

	}

}
