package io.wsgateway.upstream;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import io.wsgateway.testsupport.HandshakeFailure;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the upstream end-to-end tests: one gateway context, shared by every subclass,
 * with the routes of {@link UpstreamFixtures} in front of real upstream servers.
 * {@code 127.0.0.1} is a trusted proxy, so that tests can play clients from other IPs
 * with {@code X-Forwarded-For}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET,
				"gateway.admission.trusted-proxies=127.0.0.1/32" })
@ActiveProfiles("test")
abstract class UpstreamEndToEndTest {

	@LocalServerPort
	int port;

	@Autowired
	UpstreamRegistry registry;

	@DynamicPropertySource
	static void upstreams(DynamicPropertyRegistry properties) {
		UpstreamFixtures.properties().forEach((name, value) -> properties.add(name, () -> value));
	}

	/** Returns {@code ws://127.0.0.1:<gateway port><pathAndQuery>}. */
	URI uri(String pathAndQuery) {
		return URI.create("ws://127.0.0.1:" + this.port + pathAndQuery);
	}

	/** Opens a connection on {@code path} as {@code user} (bearer token). */
	TestClient open(String path, String user) {
		return TestClient.open(uri(path), TestClient.bearer(TestTokens.token(user)));
	}

	/** Opens a connection on {@code path} with a token for {@code user} and extra headers. */
	TestClient open(String path, String user, Map<String, String> headers) {
		Map<String, String> all = new HashMap<>(headers);
		all.putAll(TestClient.bearer(TestTokens.token(user)));
		return TestClient.open(uri(path), all);
	}

	/** Returns the status with which a handshake on {@code path} as {@code user} is refused. */
	HandshakeFailure refusal(String path, String user) {
		try (TestClient client = open(path, user)) {
			throw new AssertionError("expected a refused handshake on " + path + ", got a connection");
		}
		catch (HandshakeFailure failure) {
			return failure;
		}
	}

	/** Asks the upstream behind {@code client} who it is and what handshake it saw. */
	static JsonNode whoami(TestClient client) {
		client.send("whoami");
		return client.next();
	}

	/** Returns the name of the upstream server behind {@code client}. */
	static String server(TestClient client) {
		return whoami(client).get("server").asString();
	}

	/** Returns the live target {@code name} of route {@code routeId}. */
	UpstreamTarget target(String routeId, String name) {
		return this.registry.route(routeId)
			.targets()
			.stream()
			.filter((target) -> target.name().equals(name))
			.findFirst()
			.orElseThrow();
	}

}
