package io.wsgateway.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

import io.wsgateway.handshake.InvalidTokenException;
import io.wsgateway.handshake.JwtTokenVerifier;
import io.wsgateway.session.ClientIdentity;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates server API callers: a configured API key in {@code X-API-Key}, or a
 * gateway JWT in {@code Authorization: Bearer} verified exactly like a client's token.
 * A key, or a token with role {@code service}, gets {@code ROLE_SERVICE}; a valid token
 * without that role (a client's, an admin's) is authenticated without it, which the API
 * chain answers with 403.
 * A missing, unknown or invalid credential leaves the request unauthenticated: 401.
 */
final class ServiceAuthenticationFilter extends OncePerRequestFilter {

	static final String API_KEY_HEADER = "X-API-Key";

	static final String SERVICE_ROLE = "service";

	static final String SERVICE_AUTHORITY = "ROLE_SERVICE";

	private static final String BEARER = "bearer ";

	private final JwtTokenVerifier verifier;

	private final List<byte[]> keyDigests;

	ServiceAuthenticationFilter(JwtTokenVerifier verifier, List<String> keys) {
		this.verifier = verifier;
		this.keyDigests = keys.stream().map(ServiceAuthenticationFilter::digest).toList();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String key = request.getHeader(API_KEY_HEADER);
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (key != null) {
			if (isKnownKey(key)) {
				authenticate("api-key", List.of(new SimpleGrantedAuthority(SERVICE_AUTHORITY)));
			}
		}
		else if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			try {
				ClientIdentity identity = this.verifier.verify(authorization.substring(BEARER.length()).trim());
				authenticate(identity.userId(), identity.hasRole(SERVICE_ROLE)
						? List.of(new SimpleGrantedAuthority(SERVICE_AUTHORITY)) : List.of());
			}
			catch (InvalidTokenException ex) {
				// unauthenticated: the entry point answers 401 without saying why
			}
		}
		chain.doFilter(request, response);
	}

	// Digests of equal length compared in constant time, against every key, so that
	// neither the time taken nor an early exit tells how much of a guess was right.
	private boolean isKnownKey(String key) {
		byte[] candidate = digest(key);
		boolean known = false;
		for (byte[] digest : this.keyDigests) {
			known |= MessageDigest.isEqual(digest, candidate);
		}
		return known;
	}

	private static void authenticate(String principal, List<GrantedAuthority> authorities) {
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(principal, null, authorities));
	}

	private static byte[] digest(String key) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

}
