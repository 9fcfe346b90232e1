package io.wsgateway.upstream;

import java.util.Map;

import io.wsgateway.ops.WebSocketStatsContributor;

import org.springframework.stereotype.Component;

/** The {@code upstreams} section of {@code /actuator/websocket}: every route's targets with health, circuit and connections. */
@Component
class UpstreamStats implements WebSocketStatsContributor {

	private final UpstreamRegistry registry;

	UpstreamStats(UpstreamRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void contribute(Map<String, Object> sections) {
		if (!this.registry.routes().isEmpty()) {
			sections.put("upstreams", this.registry.snapshot());
		}
	}

}
