package io.wsgateway.handshake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fetches a JSON Web Key Set, or finds its address in an OpenID provider's discovery
 * document, through the JDK's HTTP client: connect timeout, a deadline on the whole response
 * and a cap on its size, so a slow or hostile provider costs one bounded wait and a bounded
 * buffer.
 */
final class JwksFetcher {

	private static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient client;

	private final Duration readTimeout;

	private final Duration deadline;

	private final long maxBytes;

	JwksFetcher(Duration connectTimeout, Duration readTimeout, long maxBytes) {
		this.client = HttpClient.newBuilder()
			.connectTimeout(connectTimeout)
			.followRedirects(HttpClient.Redirect.NORMAL)
			.build();
		this.readTimeout = readTimeout;
		this.deadline = connectTimeout.plus(readTimeout);
		this.maxBytes = maxBytes;
	}

	/**
	 * Returns the {@code jwks_uri} of the issuer's discovery document, after checking that
	 * the document names this issuer (OpenID Connect Discovery 1.0, section 4.3).
	 * @throws IOException if the document cannot be fetched or is not what it should be
	 */
	URI discoverJwksUri(URI issuer) throws IOException {
		String base = issuer.toString().endsWith("/") ? issuer.toString().substring(0, issuer.toString().length() - 1)
				: issuer.toString();
		JsonNode document;
		try {
			document = JSON.readTree(get(URI.create(base + DISCOVERY_PATH)));
		}
		catch (JacksonException ex) {
			throw new IOException("discovery document is not JSON", ex);
		}
		if (!document.path("issuer").isString() || !issuer.toString().equals(document.path("issuer").asString())) {
			throw new IOException("discovery document names another issuer");
		}
		if (!document.path("jwks_uri").isString()) {
			throw new IOException("discovery document has no jwks_uri");
		}
		try {
			return URI.create(document.path("jwks_uri").asString());
		}
		catch (IllegalArgumentException ex) {
			throw new IOException("discovery document's jwks_uri is not a URI", ex);
		}
	}

	/**
	 * Returns the body of a 200 answer to {@code GET uri}, as UTF-8 text.
	 * @throws IOException on any other status, a body over the size cap, a timeout or a
	 * transport error
	 */
	String get(URI uri) throws IOException {
		HttpRequest request = HttpRequest.newBuilder(uri)
			.timeout(this.readTimeout)
			.header("Accept", "application/json")
			.GET()
			.build();
		CompletableFuture<HttpResponse<byte[]>> response = this.client.sendAsync(request,
				(info) -> new BoundedBody(this.maxBytes));
		try {
			HttpResponse<byte[]> answer = response.get(this.deadline.toMillis(), TimeUnit.MILLISECONDS);
			if (answer.statusCode() != 200) {
				throw new IOException("HTTP " + answer.statusCode() + " from " + uri);
			}
			return new String(answer.body(), StandardCharsets.UTF_8);
		}
		catch (TimeoutException ex) {
			response.cancel(true);
			throw new IOException("no complete answer from " + uri + " within " + this.deadline, ex);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof IOException io) ? io : new IOException(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			response.cancel(true);
			throw new IOException("interrupted", ex);
		}
	}

	/** Collects a response body and gives up, cancelling the download, past {@code maxBytes}. */
	private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

		private final CompletableFuture<byte[]> body = new CompletableFuture<>();

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		private final long maxBytes;

		private Flow.Subscription subscription;

		BoundedBody(long maxBytes) {
			this.maxBytes = maxBytes;
		}

		@Override
		public CompletionStage<byte[]> getBody() {
			return this.body;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(List<ByteBuffer> buffers) {
			for (ByteBuffer buffer : buffers) {
				if (this.body.isDone()) {
					return;
				}
				if (this.bytes.size() + (long) buffer.remaining() > this.maxBytes) {
					this.subscription.cancel();
					this.body.completeExceptionally(new IOException("response larger than " + this.maxBytes + " bytes"));
					return;
				}
				byte[] chunk = new byte[buffer.remaining()];
				buffer.get(chunk);
				this.bytes.write(chunk, 0, chunk.length);
			}
		}

		@Override
		public void onError(Throwable throwable) {
			this.body.completeExceptionally(throwable);
		}

		@Override
		public void onComplete() {
			this.body.complete(this.bytes.toByteArray());
		}

	}

}
