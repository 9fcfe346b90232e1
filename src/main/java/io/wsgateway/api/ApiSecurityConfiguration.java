package io.wsgateway.api;

import io.wsgateway.handshake.JwtTokenVerifier;
import io.wsgateway.ops.ConsoleCors;
import io.wsgateway.session.WebSocketProperties;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;

/**
 * Security of {@code /api/**}: every request needs a service credential (see
 * {@link ServiceAuthenticationFilter}) or the management user over HTTP Basic
 * ({@code spring.security.user.*}), which is how the operator console acts; without one 401
 * with {@code WWW-Authenticate: Bearer}, with a token lacking the role {@code service} 403
 * (an admin's token included: the role {@code admin} governs Actuator and the protocol, not
 * the API), both as problem details. Cross-origin calls are allowed from {@code gateway.websocket.allowed-origins}
 * only ({@link ConsoleCors}).
 * Bodies are then limited to {@code gateway.api.max-body-size}. Stateless, no CSRF: callers
 * are services presenting a credential on every request, never a browser session.
 *
 * <p>Ordered after the management chain and before the catch-all application chain of
 * {@code ManagementSecurityConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurityConfiguration {

	static final String PATHS = "/api/**";

	@Bean
	@Order(2)
	SecurityFilterChain apiSecurity(HttpSecurity http, JwtTokenVerifier verifier, ApiProperties properties,
			WebSocketProperties origins, JsonMapper mapper) throws Exception {
		http.securityMatcher(PATHS)
			// Ahead of every filter that may refuse a request, the 401 and 403 below included.
			.addFilterBefore(new UnreadBodyFilter(), SecurityContextHolderFilter.class)
			.addFilterBefore(new ServiceAuthenticationFilter(verifier, properties.keys()), BasicAuthenticationFilter.class)
			// After authorization, so that an unauthenticated caller learns nothing about sizes.
			.addFilterAfter(new BodySizeLimitFilter(properties.maxBodySize().toBytes(), mapper), AuthorizationFilter.class)
			.httpBasic((basic) -> basic.authenticationEntryPoint(unauthorized(mapper)))
			.cors((cors) -> cors.configurationSource(ConsoleCors.source(origins.allowedOrigins())))
			.authorizeHttpRequests((requests) -> requests.anyRequest()
				.access((authentication, context) -> new AuthorizationDecision(isCaller(authentication.get()))))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(unauthorized(mapper))
				.accessDeniedHandler((request, response, denied) -> Problems.write(response, Problems
					.of(HttpStatus.FORBIDDEN, "the token does not have the role 'service'", request), mapper)))
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	private static AuthenticationEntryPoint unauthorized(JsonMapper mapper) {
		return (request, response, failure) -> {
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
			Problems.write(response, Problems.of(HttpStatus.UNAUTHORIZED,
					"a service JWT (Authorization: Bearer) or an API key (X-API-Key) is required", request), mapper);
		};
	}

	// A service (key or role), or the management user over HTTP Basic.
	private static boolean isCaller(Authentication authentication) {
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			return false;
		}
		if (authentication.getPrincipal() instanceof UserDetails) {
			return true;
		}
		return authentication.getAuthorities()
			.stream()
			.anyMatch((authority) -> ServiceAuthenticationFilter.SERVICE_AUTHORITY.equals(authority.getAuthority()));
	}

}
