package io.wsgateway.ops;

import io.wsgateway.handshake.JwtTokenVerifier;
import io.wsgateway.session.WebSocketProperties;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * HTTP security: health and Prometheus are open for probes and scrapers, every other
 * Actuator endpoint needs HTTP Basic with {@code spring.security.user.*} or a gateway JWT
 * with role {@code admin}, and everything
 * else, the WebSocket endpoint included, is left to the gateway's own handshake checks
 * (the console's static files under {@code /console/} are public: they hold no data).
 * Cross-origin reads only from {@code gateway.websocket.allowed-origins} ({@link ConsoleCors}).
 * Stateless, no CSRF: nothing here relies on a browser session cookie.
 */
@Configuration(proxyBeanMethods = false)
class ManagementSecurityConfiguration {

	@Bean
	@Order(1)
	SecurityFilterChain managementSecurity(HttpSecurity http, JwtTokenVerifier verifier, WebSocketProperties origins)
			throws Exception {
		http.securityMatcher(EndpointRequest.toAnyEndpoint())
			.cors((cors) -> cors.configurationSource(ConsoleCors.source(origins.allowedOrigins())))
			.addFilterBefore(new AdminTokenAuthenticationFilter(verifier), BasicAuthenticationFilter.class)
			.authorizeHttpRequests((requests) -> requests.requestMatchers(EndpointRequest.to("health", "prometheus"))
				.permitAll()
				.anyRequest()
				.authenticated())
			.httpBasic(Customizer.withDefaults())
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	// Last: the server API's chain (io.wsgateway.api, order 2) must see /api/** first.
	@Bean
	@Order(3)
	SecurityFilterChain applicationSecurity(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable())
			.securityContext((context) -> context.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

}
