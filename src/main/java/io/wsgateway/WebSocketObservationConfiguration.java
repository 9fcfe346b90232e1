package io.wsgateway;

import io.micrometer.observation.ObservationPredicate;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * Leaves WebSocket upgrade requests of the upstream routes out of the HTTP server observation
 * ({@code http.server.requests}); the gateway endpoint's are upgraded before the servlet
 * container and never observed there. An upgraded request's observation
 * stays open for the whole life of the connection, holding its context and the request, and
 * then reports the connection's lifetime as one request's duration: measured at about 1 KB
 * per idle connection, plus CPU on every handshake. Handshakes are counted by
 * {@code gateway.handshakes} instead. (Spring Security's own observations, another 2.6 KB per
 * connection, are switched off in application.yml: {@code management.observations.enable.spring.security}.)
 */
@Configuration(proxyBeanMethods = false)
class WebSocketObservationConfiguration {

	private static final String WEBSOCKET = "websocket";

	@Bean
	ObservationPredicate webSocketUpgradeObservationFilter() {
		return (name, context) -> !(context instanceof ServerRequestObservationContext request
				&& request.getCarrier() != null && WEBSOCKET.equalsIgnoreCase(request.getCarrier().getHeader("Upgrade")));
	}

}
