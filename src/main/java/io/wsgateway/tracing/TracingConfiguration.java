package io.wsgateway.tracing;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.wsgateway.bus.BusTracing;
import io.wsgateway.protocol.MessageDispatcherDecorator;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Turns the gateway's tracing on when Spring Boot exports spans over OTLP, that is when
 * {@code management.opentelemetry.tracing.export.otlp.endpoint} is set (the condition
 * under which Boot creates the OTLP span exporter). Without it, nothing here exists: the
 * router's dispatcher is not wrapped in spans and the bus publishes no trace headers, so tracing
 * off costs nothing per message. Tracer, propagator (W3C) and sampler
 * ({@code management.tracing.sampling.probability}) are Boot's.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("management.opentelemetry.tracing.export.otlp.endpoint")
class TracingConfiguration {

	@Bean
	MessageDispatcherDecorator tracingInboundHandler(Tracer tracer, Propagator propagator) {
		return new TracingInboundHandler(tracer, propagator);
	}

	@Bean
	BusTracing busTracing(Tracer tracer, Propagator propagator) {
		return new MicrometerBusTracing(tracer, propagator);
	}

}
