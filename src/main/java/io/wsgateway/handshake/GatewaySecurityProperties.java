package io.wsgateway.handshake;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How handshakes are authenticated ({@code gateway.security.*}).
 *
 * @param anonymous accept connections without a token; their user id is
 * {@code anon-<connectionId>}. A token that is present but invalid is still refused.
 * @param jwt how tokens are verified
 */
@ConfigurationProperties("gateway.security")
public record GatewaySecurityProperties(@DefaultValue("false") boolean anonymous, @DefaultValue Jwt jwt) {

	/**
	 * Token verification settings. Exactly one of {@code secret} and {@code publicKey}
	 * is needed unless anonymous access is on.
	 *
	 * @param secret HMAC-SHA256 key as raw text of at least 32 bytes
	 * @param publicKey PEM RSA or EC public key
	 * @param clockSkew tolerance on {@code exp} and {@code nbf}
	 */
	public record Jwt(String secret, String publicKey, @DefaultValue("30s") Duration clockSkew) {

	}

}
