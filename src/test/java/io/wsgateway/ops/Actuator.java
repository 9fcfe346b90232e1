package io.wsgateway.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.StreamSupport;

import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import tools.jackson.databind.JsonNode;

/**
 * Plain HTTP calls to the Actuator endpoints of a gateway under test, with or without a
 * credential. The {@code test} profile sets {@code spring.security.user.name/password} to
 * {@code test}/{@code test}.
 */
final class Actuator {

	/** HTTP Basic with the {@code test} profile's {@code spring.security.user}. */
	static final String BASIC = basic("test", "test");

	/** No {@code Authorization} header. */
	static final String NONE = null;

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TestClient.TIMEOUT).build();

	private final HttpClient http;

	private final String base;

	private Actuator(HttpClient http, String base) {
		this.http = http;
		this.base = base;
	}

	/** Calls {@code http://127.0.0.1:<port>}. */
	static Actuator at(int port) {
		return new Actuator(HTTP, "http://127.0.0.1:" + port);
	}

	/** Calls {@code base} (such as {@code https://127.0.0.1:8443}) with the given client. */
	static Actuator at(HttpClient http, String base) {
		return new Actuator(http, base);
	}

	/** Returns an HTTP Basic {@code Authorization} value. */
	static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	/** Returns a Bearer {@code Authorization} value with a gateway JWT carrying {@code admin}. */
	static String adminJwt() {
		return "Bearer " + TestTokens.forUser("ops-admin").roles("admin").build();
	}

	/** GET without a credential. */
	HttpResponse<String> get(String path) {
		return get(path, NONE);
	}

	/** GET with an {@code Authorization} value ({@code null} for none). */
	HttpResponse<String> get(String path, String authorization) {
		return send("GET", path, authorization);
	}

	/** Any method, no body. */
	HttpResponse<String> send(String method, String path, String authorization) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path))
			.timeout(TestClient.TIMEOUT)
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException("GET " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** GET with HTTP Basic, expecting 200 or 503 (health), returning the JSON body. */
	JsonNode json(String path) {
		HttpResponse<String> response = get(path, BASIC);
		if (response.statusCode() != 200 && response.statusCode() != 503) {
			throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
		}
		return TestClient.json().readTree(response.body());
	}

	/** The {@code websocket} health contributor as {@code /actuator/health} shows it to an authorized caller. */
	JsonNode websocketHealth() {
		return json("/actuator/health").path("components").path("websocket");
	}

	/** The current {@code level} detail of the {@code websocket} contributor. */
	String level() {
		return websocketHealth().path("details").path("level").asString();
	}

	/** The {@code reasons} detail of the {@code websocket} contributor. */
	List<String> reasons() {
		return strings(websocketHealth().path("details").path("reasons"));
	}

	/** The HTTP status of {@code /actuator/health/readiness} without a credential. */
	int readinessStatus() {
		return get("/actuator/health/readiness").statusCode();
	}

	/** {@code /actuator/websocket} with HTTP Basic. */
	JsonNode websocketEndpoint() {
		return json("/actuator/websocket");
	}

	/** {@code /actuator/prometheus}, parsed. */
	Prometheus prometheus() {
		HttpResponse<String> response = get("/actuator/prometheus");
		if (response.statusCode() != 200) {
			throw new AssertionError("scrape answered " + response.statusCode());
		}
		return Prometheus.parse(response.body());
	}

	static List<String> strings(JsonNode array) {
		return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asString).toList();
	}

}
