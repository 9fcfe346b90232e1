package io.wsgateway.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import tools.jackson.databind.JsonNode;

/**
 * Calls a node's server API with the JDK's HTTP client, as a service with role
 * {@code service} unless told otherwise.
 */
final class ApiClient {

	static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	private final int port;

	private final String[] credential;

	private ApiClient(int port, String... credential) {
		this.port = port;
		this.credential = credential;
	}

	/** A client with a service token ({@code roles: [service]}). */
	static ApiClient service(int port) {
		return bearer(port, TestTokens.token("backend", List.of("service"), List.of()));
	}

	/** A client presenting this token. */
	static ApiClient bearer(int port, String token) {
		return new ApiClient(port, "Authorization", "Bearer " + token);
	}

	/** A client presenting this API key. */
	static ApiClient apiKey(int port, String key) {
		return new ApiClient(port, "X-API-Key", key);
	}

	/** A client without any credential. */
	static ApiClient anonymous(int port) {
		return new ApiClient(port);
	}

	Response get(String path) {
		return send(request(path).GET());
	}

	Response post(String path, String json) {
		return send(request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json)));
	}

	/** Posts without {@code Content-Length}: the body goes chunked. */
	Response postChunked(String path, String json) {
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		return send(request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));
	}

	Response post(String path, String contentType, String body) {
		return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	Response delete(String path) {
		return send(request(path).DELETE());
	}

	Response method(String method, String path) {
		return send(request(path).method(method, HttpRequest.BodyPublishers.noBody()));
	}

	private HttpRequest.Builder request(String path) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(TIMEOUT);
		if (this.credential.length > 0) {
			builder.header(this.credential[0], this.credential[1]);
		}
		return builder;
	}

	private static Response send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Response(response);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** A response, with its body parsed as JSON where it has one. */
	record Response(HttpResponse<String> http) {

		int status() {
			return this.http.statusCode();
		}

		String header(String name) {
			return this.http.headers().firstValue(name).orElse(null);
		}

		JsonNode json() {
			return TestClient.json().readTree(this.http.body());
		}

		@Override
		public String toString() {
			return this.http.statusCode() + " " + this.http.headers().map() + " " + this.http.body();
		}

	}

}
