package io.wsgateway.handshake;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Builds {@link JwtTokenVerifier}s from {@code gateway.security.*} properties bound as Spring
 * binds them, so every property not given keeps its declared default.
 * <pre>{@code
 * JwtTokenVerifier verifier = TestVerifiers.verifier("jwt.secret", TestTokens.SECRET, "jwt.clock-skew", "0s");
 * }</pre>
 */
public final class TestVerifiers {

	private TestVerifiers() {
	}

	/** Returns the properties for alternating names (relative to {@code gateway.security}) and values. */
	public static GatewaySecurityProperties properties(String... namesAndValues) {
		Map<String, String> map = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			map.put("gateway.security." + namesAndValues[i], namesAndValues[i + 1]);
		}
		return new Binder(new MapConfigurationPropertySource(map))
			.bindOrCreate("gateway.security", GatewaySecurityProperties.class);
	}

	/** Returns a verifier for alternating property names (relative to {@code gateway.security}) and values. */
	public static JwtTokenVerifier verifier(String... namesAndValues) {
		return new JwtTokenVerifier(properties(namesAndValues));
	}

}
