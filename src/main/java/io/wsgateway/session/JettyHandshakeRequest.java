package io.wsgateway.session;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.jetty.server.Request;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.ServerHttpAsyncRequestControl;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.support.JettyHeadersAdapter;

/**
 * A handshake request on Jetty's core API seen as Spring's {@link ServerHttpRequest}, so
 * that the gateway's {@code HandshakeInterceptor}s check it unchanged. Read-only: a
 * handshake has no body.
 */
final class JettyHandshakeRequest implements ServerHttpRequest {

	private final Request request;

	private final HttpHeaders headers;

	private Map<String, Object> attributes;

	JettyHandshakeRequest(Request request) {
		this.request = request;
		this.headers = HttpHeaders.readOnlyHttpHeaders(new HttpHeaders(new JettyHeadersAdapter(request.getHeaders())));
	}

	@Override
	public HttpMethod getMethod() {
		return HttpMethod.valueOf(this.request.getMethod());
	}

	@Override
	public URI getURI() {
		return this.request.getHttpURI().toURI();
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.headers;
	}

	@Override
	public Map<String, Object> getAttributes() {
		if (this.attributes == null) {
			this.attributes = new HashMap<>();
		}
		return this.attributes;
	}

	@Override
	public InputStream getBody() {
		return InputStream.nullInputStream();
	}

	@Override
	public Principal getPrincipal() {
		return null;
	}

	@Override
	public InetSocketAddress getLocalAddress() {
		return inet(this.request.getConnectionMetaData().getLocalSocketAddress());
	}

	@Override
	public InetSocketAddress getRemoteAddress() {
		return inet(this.request.getConnectionMetaData().getRemoteSocketAddress());
	}

	@Override
	public ServerHttpAsyncRequestControl getAsyncRequestControl(ServerHttpResponse response) {
		throw new UnsupportedOperationException("A WebSocket handshake is not an asynchronous request");
	}

	private static InetSocketAddress inet(SocketAddress address) {
		return (address instanceof InetSocketAddress inet) ? inet : InetSocketAddress.createUnresolved("0.0.0.0", 0);
	}

}
