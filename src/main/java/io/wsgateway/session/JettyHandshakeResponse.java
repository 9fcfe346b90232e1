package io.wsgateway.session;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.ServerHttpResponse;

/**
 * A refusal being written by a {@code HandshakeInterceptor}, collected in memory and sent
 * on Jetty's core response by {@link #send}. A refusal is a few lines of text, so nothing
 * is streamed.
 */
final class JettyHandshakeResponse implements ServerHttpResponse {

	private final HttpHeaders headers = new HttpHeaders();

	private final ByteArrayOutputStream body = new ByteArrayOutputStream();

	private HttpStatusCode status = HttpStatus.OK;

	@Override
	public void setStatusCode(HttpStatusCode status) {
		this.status = status;
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.headers;
	}

	@Override
	public OutputStream getBody() {
		return this.body;
	}

	@Override
	public void flush() {
	}

	@Override
	public void close() {
	}

	/** Writes the status, headers and body collected so far, and completes the exchange. */
	void send(Response response, Callback callback) {
		response.setStatus(this.status.value());
		HttpFields.Mutable fields = response.getHeaders();
		for (Map.Entry<String, List<String>> header : this.headers.headerSet()) {
			fields.put(header.getKey(), header.getValue());
		}
		byte[] bytes = this.body.toByteArray();
		fields.put("Content-Length", Integer.toString(bytes.length));
		response.write(true, ByteBuffer.wrap(bytes), callback);
	}

}
