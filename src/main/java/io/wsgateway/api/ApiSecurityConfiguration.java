package io.wsgateway.api;

import io.wsgateway.handshake.JwtTokenVerifier;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;

/**
 * Security of {@code /api/**}: every request needs a service credential (see
 * {@link ServiceAuthenticationFilter}); without one 401 with {@code WWW-Authenticate:
 * Bearer}, with a token lacking role {@code service} 403, both as problem details.
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
			JsonMapper mapper) throws Exception {
		http.securityMatcher(PATHS)
			// Ahead of every filter that may refuse a request, the 401 and 403 below included.
			.addFilterBefore(new UnreadBodyFilter(), SecurityContextHolderFilter.class)
			.addFilterBefore(new ServiceAuthenticationFilter(verifier, properties.keys()), BasicAuthenticationFilter.class)
			// After authorization, so that an unauthenticated caller learns nothing about sizes.
			.addFilterAfter(new BodySizeLimitFilter(properties.maxBodySize().toBytes(), mapper), AuthorizationFilter.class)
			.authorizeHttpRequests((requests) -> requests.anyRequest().hasRole("SERVICE"))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint((request, response, failure) -> {
				response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
				Problems.write(response, Problems.of(HttpStatus.UNAUTHORIZED,
						"a service JWT (Authorization: Bearer) or an API key (X-API-Key) is required", request), mapper);
			}).accessDeniedHandler((request, response, denied) -> Problems.write(response,
					Problems.of(HttpStatus.FORBIDDEN, "the token does not have the role 'service'", request), mapper)))
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

}
