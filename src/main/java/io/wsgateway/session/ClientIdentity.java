package io.wsgateway.session;

import java.security.Principal;
import java.time.Instant;
import java.util.Set;

/**
 * Who a connection belongs to, as established by the handshake and replaced by a
 * {@code refresh} with a new token of the same user. As a {@link Principal} (the principal
 * of the connection's Spring {@code WebSocketSession}) its name is the user id.
 *
 * @param userId the token's {@code sub}, or {@code anon-<connectionId>} for anonymous access
 * @param roles the token's {@code roles} claim ({@code admin} unlocks admin-only types)
 * @param clans the token's {@code clans} claim: the clans whose chat the user may join
 * @param expiresAt the token's {@code exp} (the connection is closed with 1008 once it is
 * older than the clock skew); {@code null} for a token without {@code exp} or for anonymous
 * access
 * @param anonymous whether the connection was accepted without a token
 */
public record ClientIdentity(String userId, Set<String> roles, Set<String> clans, Instant expiresAt,
		boolean anonymous) implements Principal {

	public ClientIdentity {
		roles = Set.copyOf(roles);
		clans = Set.copyOf(clans);
	}

	/** Returns the user id. */
	@Override
	public String getName() {
		return this.userId;
	}

	/** Returns whether the token grants {@code role}. */
	public boolean hasRole(String role) {
		return this.roles.contains(role);
	}

	/** Returns the identity given to a connection accepted without a token. */
	public static ClientIdentity anonymous(String connectionId) {
		return new ClientIdentity("anon-" + connectionId, Set.of(), Set.of(), null, true);
	}

}
