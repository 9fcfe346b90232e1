package io.wsgateway.handshake;

import java.util.Map;

import io.wsgateway.session.ClientIdentity;
import io.wsgateway.session.HandshakeAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Authenticates the handshake: the token from {@code Authorization: Bearer}, else from the
 * {@code access_token} query parameter, must verify; without any token the connection is
 * anonymous if {@code gateway.security.anonymous} allows it. Everything else is 401, and
 * the token never appears in a log line or a response.
 */
@Component
public class TokenHandshakeInterceptor implements HandshakeInterceptor {

	private static final Logger logger = LoggerFactory.getLogger(TokenHandshakeInterceptor.class);

	private static final String BEARER = "bearer ";

	private final JwtTokenVerifier verifier;

	private final HandshakeEvents events;

	private final boolean anonymous;

	TokenHandshakeInterceptor(JwtTokenVerifier verifier, HandshakeEvents events, GatewaySecurityProperties properties) {
		this.verifier = verifier;
		this.events = events;
		this.anonymous = properties.anonymous();
		if (this.anonymous) {
			logger.warn("Anonymous access is ON (gateway.security.anonymous=true): connections without a token are "
					+ "accepted. Never use this in production.");
		}
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) {
		String token = token(request);
		HandshakeAttributes checked = HandshakeAttributes.of(attributes);
		if (token == null) {
			if (this.anonymous) {
				checked.authenticate(ClientIdentity.anonymous(checked.connectionId()));
				return true;
			}
			return unauthorized(response, "missing");
		}
		try {
			checked.authenticate(this.verifier.verify(token));
			return true;
		}
		catch (InvalidTokenException ex) {
			return unauthorized(response, ex.getMessage());
		}
	}

	private boolean unauthorized(ServerHttpResponse response, String why) {
		logger.debug("Handshake refused: token {}", why);
		this.events.handshake(HandshakeOutcome.UNAUTHORIZED);
		return HandshakeRejection.reject(response, HttpStatus.UNAUTHORIZED, null, "authentication required");
	}

	/**
	 * Returns the handshake's token: from {@code Authorization: Bearer}, else from the
	 * {@code access_token} query parameter, else {@code null}.
	 */
	public static String token(ServerHttpRequest request) {
		return token(request.getHeaders(), request.getURI().getRawQuery());
	}

	/**
	 * Returns the token in {@code headers} ({@code Authorization: Bearer}), else in the
	 * {@code access_token} parameter of {@code rawQuery} (decoded by {@link QueryParameters},
	 * the one place that finds it), else {@code null}.
	 */
	public static String token(HttpHeaders headers, String rawQuery) {
		String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			String token = authorization.substring(BEARER.length()).trim();
			if (!token.isEmpty()) {
				return token;
			}
		}
		return QueryParameters.parse(rawQuery).accessToken();
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Exception exception) {
	}

}
