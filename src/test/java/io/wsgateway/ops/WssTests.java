package io.wsgateway.ops;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import io.wsgateway.testsupport.HandshakeFailure;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code wss://} with nothing but Spring Boot configuration: a self-signed EC certificate
 * made here with the JDK's {@code keytool}, an SSL bundle
 * ({@code spring.ssl.bundle.jks.gateway.*}) and {@code server.ssl.bundle=gateway}. A client
 * that trusts the certificate connects and echoes over TLS; one that does not cannot
 * connect at all.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@DirtiesContext
class WssTests {

	private static final String PASSWORD = "changeit-" + Long.toHexString(System.nanoTime());

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void sslBundle(DynamicPropertyRegistry registry) {
		registry.add("spring.ssl.bundle.jks.gateway.keystore.location", () -> "file:" + Keystore.PATH);
		registry.add("spring.ssl.bundle.jks.gateway.keystore.password", () -> PASSWORD);
		registry.add("spring.ssl.bundle.jks.gateway.keystore.type", () -> "PKCS12");
		registry.add("server.ssl.bundle", () -> "gateway");
	}

	@Test
	void echoWorksOverWss() throws Exception {
		HttpClient trusting = HttpClient.newBuilder().sslContext(trusting()).connectTimeout(TestClient.TIMEOUT).build();
		URI wss = URI.create("wss://127.0.0.1:" + this.port + "/ws");
		try (TestClient client = TestClient.connect(trusting, wss, TestClient.bearer(TestTokens.token("tls-user")))) {
			assertThat(client.connected().path("userId").asString()).isEqualTo("tls-user");
			JsonNode echo = client.request("{\"type\":\"echo\",\"payload\":{\"over\":\"tls\"}}");
			assertThat(echo.path("type").asString()).isEqualTo("echo");
			assertThat(echo.path("payload").path("over").asString()).isEqualTo("tls");
		}
		// Actuator is on the same TLS port
		assertThat(Actuator.at(trusting, "https://127.0.0.1:" + this.port).get("/actuator/health").statusCode())
			.isEqualTo(200);
	}

	@Test
	void clientThatDoesNotTrustTheCertificateCannotConnect() {
		HttpClient defaultTrust = HttpClient.newBuilder().connectTimeout(TestClient.TIMEOUT).build();
		URI wss = URI.create("wss://127.0.0.1:" + this.port + "/ws");
		assertThatThrownBy(() -> TestClient.connect(defaultTrust, wss, TestClient.bearer(TestTokens.token("x"))))
			.satisfies((failure) -> assertThat(causes(failure)).hasAtLeastOneElementOfType(SSLHandshakeException.class));
		// and plain ws:// on the TLS port gets no WebSocket either
		assertThatThrownBy(() -> TestClient.connect(URI.create("ws://127.0.0.1:" + this.port + "/ws"),
				TestClient.bearer(TestTokens.token("x"))))
			.isInstanceOfAny(IllegalStateException.class, HandshakeFailure.class);
	}

	private static List<Throwable> causes(Throwable failure) {
		List<Throwable> causes = new ArrayList<>();
		for (Throwable cause = failure; cause != null && !causes.contains(cause); cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

	/** An SSL context that trusts exactly the generated certificate. */
	private static SSLContext trusting() throws IOException, GeneralSecurityException {
		KeyStore keystore = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(Keystore.PATH)) {
			keystore.load(in, PASSWORD.toCharArray());
		}
		Certificate certificate = keystore.getCertificate("gateway");
		KeyStore trusted = KeyStore.getInstance("PKCS12");
		trusted.load(null, null);
		trusted.setCertificateEntry("gateway", certificate);
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(trusted);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trust.getTrustManagers(), null);
		return context;
	}

	/** A PKCS12 keystore with a self-signed P-256 certificate for localhost and 127.0.0.1, made once. */
	private static final class Keystore {

		static final Path PATH = generate();

		private static Path generate() {
			try {
				Path directory = Files.createTempDirectory("gateway-tls");
				Path keystore = directory.resolve("gateway.p12");
				directory.toFile().deleteOnExit();
				keystore.toFile().deleteOnExit();
				Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
				Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "gateway",
						"-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-dname",
						"CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype",
						"PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD,
						"-noprompt"))
					.redirectErrorStream(true)
					.start();
				String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || !Files.exists(keystore)) {
					throw new IllegalStateException("keytool failed: " + output);
				}
				return keystore;
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

	}

}
