package io.wsgateway.session;

import java.time.Duration;

/**
 * How long a connection stays open past its token's {@code exp}: the tolerance the token
 * verifier grants on {@code exp}. The verifier implements it, so that the session's timers
 * do not depend on how tokens are verified.
 */
public interface TokenExpiryGrace {

	/** Returns the time past a token's expiry after which its connection is closed (1008). */
	Duration afterExpiry();

}
