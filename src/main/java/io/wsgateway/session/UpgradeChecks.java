package io.wsgateway.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.server.Handshaker;
import org.eclipse.jetty.websocket.core.server.internal.RFC6455Negotiation;

import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.support.HandshakeInterceptorChain;

/**
 * The upgrade rules of the gateway's endpoint, shared with the upstream routes so that both
 * answer a malformed upgrade alike: 405 for a method other than GET, 426 (with
 * {@code Sec-WebSocket-Version: 13}) for another WebSocket version, 400 otherwise.
 */
public final class UpgradeChecks {

	private UpgradeChecks() {
	}

	/**
	 * Called before anything else is done for an upgrade that must be checked whole up front
	 * (an upstream route contacts its target before it upgrades): validates method, HTTP
	 * version, WebSocket version, {@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-Key}
	 * and the extension and subprotocol headers by Jetty's own rules, the ones the gateway's
	 * endpoint upgrades by. Returns {@code true} when the request was malformed and has been
	 * answered.
	 */
	public static boolean refuseMalformed(Handshaker handshaker, Request request, Response response, Callback callback,
			WebSocketComponents components) {
		if (!handshaker.isWebSocketUpgradeRequest(request)) {
			refuseNonUpgrade(request, response, callback);
			return true;
		}
		if (!HttpVersion.HTTP_1_1.is(request.getConnectionMetaData().getProtocol())) {
			// HTTP/2 (RFC 8441): Jetty's handshaker has nothing more to validate
			return false;
		}
		RFC6455Negotiation negotiation = new RFC6455Negotiation(request, response, callback, components);
		try {
			negotiation.negotiate();
		}
		catch (RuntimeException ex) {
			refuse(request, response, callback, HttpStatus.BAD_REQUEST_400, "not a valid WebSocket upgrade");
			return true;
		}
		if (!negotiation.validateHeaders()) {
			refuse(request, response, callback, HttpStatus.BAD_REQUEST_400, "not a valid WebSocket upgrade");
			return true;
		}
		if (negotiation.getKey() == null) {
			refuse(request, response, callback, HttpStatus.BAD_REQUEST_400, "missing Sec-WebSocket-Key");
			return true;
		}
		return false;
	}

	/** Answers a request for a WebSocket path that Jetty's handshaker does not take as an upgrade. */
	static void refuseNonUpgrade(Request request, Response response, Callback callback) {
		if (!HttpMethod.GET.is(request.getMethod())) {
			response.getHeaders().put(HttpHeader.ALLOW, "GET");
			refuse(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "only GET upgrades to a WebSocket");
		}
		else if (request.getHeaders().contains(HttpHeader.UPGRADE, "websocket")
				&& !"13".equals(request.getHeaders().get(HttpHeader.SEC_WEBSOCKET_VERSION))) {
			response.getHeaders().put(HttpHeader.SEC_WEBSOCKET_VERSION, "13");
			refuse(request, response, callback, HttpStatus.UPGRADE_REQUIRED_426, "only WebSocket version 13 is supported");
		}
		else {
			refuse(request, response, callback, HttpStatus.BAD_REQUEST_400, "Can \"Upgrade\" only to \"WebSocket\".");
		}
	}

	/**
	 * Answers an upgrade with {@code status} and a one-line plain-text {@code reason}, after
	 * the headers already set on {@code response} (such as {@code Retry-After}).
	 */
	public static void refuse(Request request, Response response, Callback callback, int status, String reason) {
		response.setStatus(status);
		// The body is never read, and Jetty closes a connection whose body is left unread: say so,
		// or a keep-alive client sends its next request into a closed connection.
		if (request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
			response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
		}
		response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
		response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
		response.write(true, ByteBuffer.wrap((reason + "\n").getBytes(StandardCharsets.UTF_8)), callback);
	}

	/**
	 * Runs the gateway's handshake checks on an upgrade on Jetty's core API. Returns the
	 * accepted handshake when every check passed, its admission lease now the caller's to
	 * give back; otherwise {@code null}, once the refusal a check wrote has been sent.
	 * @throws Exception what a check threw, once the lease it may have taken is given back;
	 * the caller answers the request
	 */
	public static AcceptedHandshake run(List<HandshakeInterceptor> checks, Request request, Response response,
			Callback callback) throws Exception {
		JettyHandshakeRequest checkedRequest = new JettyHandshakeRequest(request);
		JettyHandshakeResponse refusal = new JettyHandshakeResponse();
		HandshakeInterceptorChain chain = new HandshakeInterceptorChain(checks, null);
		Map<String, Object> attributes = new HashMap<>();
		HandshakeAttributes checked = HandshakeAttributes.of(attributes);
		try {
			if (!chain.applyBeforeHandshake(checkedRequest, refusal, attributes)) {
				refusal.send(response, callback);
				return null;
			}
		}
		catch (Exception ex) {
			chain.applyAfterHandshake(checkedRequest, refusal, ex);
			try {
				checked.releaseLease();
			}
			catch (RuntimeException releasing) {
				ex.addSuppressed(releasing);
			}
			throw ex;
		}
		chain.applyAfterHandshake(checkedRequest, refusal, null);
		return checked.accept(request.getHeaders().get(HttpHeader.USER_AGENT));
	}

}
