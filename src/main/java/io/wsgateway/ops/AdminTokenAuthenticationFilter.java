package io.wsgateway.ops;

import java.io.IOException;
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
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a gateway JWT with role {@code admin} (as {@code Authorization: Bearer}) into the
 * management endpoints, beside HTTP Basic. Any other token leaves the request
 * unauthenticated, which the management chain answers with 401.
 */
final class AdminTokenAuthenticationFilter extends OncePerRequestFilter {

	static final String ADMIN_ROLE = "admin";

	private static final String BEARER = "bearer ";

	private final JwtTokenVerifier verifier;

	AdminTokenAuthenticationFilter(JwtTokenVerifier verifier) {
		this.verifier = verifier;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			try {
				ClientIdentity identity = this.verifier.verify(authorization.substring(BEARER.length()).trim());
				if (identity.hasRole(ADMIN_ROLE)) {
					SecurityContextHolder.getContext()
						.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(identity.userId(), null,
								List.of(new SimpleGrantedAuthority("ROLE_ADMIN"))));
				}
			}
			catch (InvalidTokenException ex) {
				// unauthenticated: the entry point answers 401
			}
		}
		chain.doFilter(request, response);
	}

}
