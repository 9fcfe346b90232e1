package io.wsgateway.handshake;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.GatewayException;
import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientIdentity;
import io.wsgateway.session.ClientSession;
import jakarta.validation.constraints.NotNull;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * {@code refresh {token}} → {@code refreshed {expiresAt}}: a new token of the same user
 * replaces the connection's, with the handshake's checks. Its roles and clans become the
 * connection's and its {@code exp} the connection's deadline; clan subscriptions it no
 * longer allows end with a pushed {@code subscription_confirmed}. A token that does not
 * verify gets {@code invalid_token}, another user's {@code forbidden}; either way the
 * connection keeps its current token until that one expires.
 */
@Component
class RefreshHandler implements MessageHandler<RefreshHandler.Refresh> {

	private static final Logger logger = LoggerFactory.getLogger(RefreshHandler.class);

	// The token's size is bounded by gateway.websocket.max-message-size like any message.
	record Refresh(@NotNull(message = "is required") String token) {
	}

	/** @param expiresAt the new token's {@code exp}, left out for a token without one */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Refreshed(Instant expiresAt) implements ServerMessage {

		@Override
		public String type() {
			return "refreshed";
		}

	}

	private final JwtTokenVerifier verifier;

	RefreshHandler(JwtTokenVerifier verifier) {
		this.verifier = verifier;
	}

	@Override
	public String type() {
		return "refresh";
	}

	@Override
	public Class<Refresh> messageClass() {
		return Refresh.class;
	}

	@Override
	public CompletionStage<ServerMessage> handle(ClientSession session, Refresh message) {
		ClientIdentity refreshed;
		try {
			refreshed = this.verifier.verify(message.token());
		}
		catch (InvalidTokenException ex) {
			logger.debug("Refresh refused: token {}", ex.getMessage());
			throw new GatewayException(ErrorCode.INVALID_TOKEN, "the token is not valid");
		}
		if (session.identity().anonymous() || !refreshed.userId().equals(session.userId())) {
			throw new GatewayException(ErrorCode.FORBIDDEN, "the token is another user's");
		}
		session.refreshIdentity(refreshed);
		return MessageHandler.reply(new Refreshed(refreshed.expiresAt()));
	}

}
