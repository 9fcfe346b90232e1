package io.wsgateway.bus.rabbit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.wsgateway.NodeIdentity;
import io.wsgateway.bus.BusMetering;
import io.wsgateway.bus.BusProperties;
import io.wsgateway.bus.BusTracing;
import io.wsgateway.bus.EventDispatcher;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the RabbitMQ bus when {@code gateway.bus.type=rabbitmq}: the bus, one listener
 * container consuming this node's queue on a single consumer (so events keep their
 * order), the publish circuit breaker, tracing when it is configured, the
 * {@code broker} health indicator and the {@code gateway.bus.connected} gauge.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "gateway.bus.type", havingValue = "rabbitmq")
class RabbitBusConfiguration {

	private static final int CIRCUIT_WINDOW = 20;

	private static final int CIRCUIT_MINIMUM_CALLS = 5;

	private static final float CIRCUIT_FAILURE_RATE = 50;

	private static final long RECOVERY_INTERVAL_MS = 1000;


	@Bean(destroyMethod = "stop")
	RabbitEventBus rabbitEventBus(ConnectionFactory connectionFactory, EventDispatcher dispatcher,
			BusMetering metering, BusFaultMeters faults, BusProperties properties, NodeIdentity node,
			ObjectProvider<BusTracing> tracing) {
		CircuitBreaker circuitBreaker = CircuitBreaker.of("broker", CircuitBreakerConfig.custom()
			.slidingWindowSize(CIRCUIT_WINDOW)
			.minimumNumberOfCalls(CIRCUIT_MINIMUM_CALLS)
			.failureRateThreshold(CIRCUIT_FAILURE_RATE)
			.waitDurationInOpenState(properties.circuitOpenDuration())
			.automaticTransitionFromOpenToHalfOpenEnabled(true)
			.build());
		RabbitEventBus bus = new RabbitEventBus(connectionFactory, dispatcher, metering, faults, circuitBreaker,
				properties, node, tracing.getIfAvailable(() -> BusTracing.OFF));
		metering.connection(bus::isBrokerConnected);
		faults.gauge("queue.depth", "Messages waiting in this node's queue (-1 while the broker cannot say)", bus,
				RabbitEventBus::queueDepth);
		faults.gauge("awaiting.outcome", "Publishes of this node sent and not yet confirmed, or to be sent again",
				bus, RabbitEventBus::awaitingOutcome);
		return bus;
	}

	@Bean
	SimpleMessageListenerContainer gatewayEventsContainer(ConnectionFactory connectionFactory, RabbitEventBus bus,
			BusProperties properties) {
		SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
		container.setQueueNames(bus.queue());
		container.setMessageListener(bus);
		container.setConcurrentConsumers(1);
		container.setPrefetchCount(properties.prefetch());
		container.setAcknowledgeMode(AcknowledgeMode.AUTO);
		container.setDefaultRequeueRejected(false);
		container.setMissingQueuesFatal(false);
		container.setRecoveryInterval(RECOVERY_INTERVAL_MS);
		return container;
	}

	@Bean
	BusFaultMeters busFaultMeters(MeterRegistry registry) {
		return new BusFaultMeters(registry);
	}

	@Bean
	HealthIndicator brokerHealthIndicator(RabbitEventBus bus, BusFaultMeters faults) {
		return () -> {
			Health.Builder health = bus.isBrokerConnected() ? Health.up() : Health.down();
			return health.withDetail("queue", bus.queue())
				.withDetail("bindings", bus.bindings().size())
				.withDetail("queueDepth", bus.queueDepth())
				.withDetail("awaitingOutcome", bus.awaitingOutcome())
				.withDetail("returnedUnroutable", faults.returnedTotal())
				.withDetail("confirmsFailed", faults.confirmFailuresTotal())
				.withDetail("circuitBreaker", bus.circuitState().name())
				.build();
		};
	}

}
