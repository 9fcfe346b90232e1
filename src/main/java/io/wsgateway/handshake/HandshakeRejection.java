package io.wsgateway.handshake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpResponse;

/**
 * Writes the HTTP answer to a refused handshake: status, {@code Retry-After} where the
 * client may try again, and a one-line plain-text reason that says nothing about the
 * token. The body is written here, which commits the headers, so they reach the client
 * whatever the handshake handler does with the response afterwards.
 */
public final class HandshakeRejection {

	private HandshakeRejection() {
	}

	/**
	 * Writes the refusal and returns {@code false}, the value a refusing
	 * {@code HandshakeInterceptor} returns.
	 * @param retryAfter when the client may try again (whole seconds, rounded up), or {@code null}
	 */
	public static boolean reject(ServerHttpResponse response, HttpStatusCode status, Duration retryAfter,
			String reason) {
		response.setStatusCode(status);
		HttpHeaders headers = response.getHeaders();
		if (retryAfter != null) {
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(retryAfter)));
		}
		if (status.value() == HttpStatus.UNAUTHORIZED.value()) {
			headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"websocket-gateway\"");
		}
		headers.setContentType(MediaType.TEXT_PLAIN);
		headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
		try {
			response.getBody().write((reason + "\n").getBytes(StandardCharsets.UTF_8));
			response.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return false;
	}

	/**
	 * Returns the value of a {@code Retry-After} header for {@code wait}: whole seconds,
	 * rounded up so that a client does not retry too early.
	 */
	public static long retryAfterSeconds(Duration wait) {
		long seconds = wait.toSeconds();
		return (wait.toNanosPart() > 0 || seconds == 0) ? seconds + 1 : seconds;
	}

}
