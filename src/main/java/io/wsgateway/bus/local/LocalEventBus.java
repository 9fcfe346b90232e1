package io.wsgateway.bus.local;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.BusMetering;
import io.wsgateway.bus.EventBus;
import io.wsgateway.bus.EventDispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The single-node bus ({@code gateway.bus.type=local}, the default): events go straight
 * to this node's listeners on the publishing thread, and events for backends are dropped
 * because there is no backend to receive them.
 */
@Component
@ConditionalOnProperty(name = "gateway.bus.type", havingValue = "local", matchIfMissing = true)
class LocalEventBus implements EventBus {

	private static final Logger logger = LoggerFactory.getLogger(LocalEventBus.class);

	private static final CompletionStage<Void> DONE = CompletableFuture.completedStage(null);

	private final EventDispatcher dispatcher;

	private final BusMetering metering;

	LocalEventBus(EventDispatcher dispatcher, BusMetering metering) {
		this.dispatcher = dispatcher;
		this.metering = metering;
	}

	@Override
	public CompletionStage<Void> publish(BusEvent.Frame event) {
		this.metering.published(event.kind());
		this.dispatcher.dispatch(event);
		return DONE;
	}

	@Override
	public CompletionStage<Void> publishToBackend(String routingKey, String json) {
		logger.debug("No backend on the local bus; dropped event for {}", routingKey);
		return DONE;
	}

	@Override
	public CompletionStage<Void> publishWithBackend(BusEvent.Frame event, String backendRoutingKey) {
		return publish(event);
	}

	@Override
	public void bind(String routingKey) {
	}

	@Override
	public void bindClientEvents(String backendRoutingKey) {
	}

	@Override
	public void unbindClientEvents(String backendRoutingKey) {
	}

	@Override
	public void unbind(String routingKey) {
	}

	@Override
	public boolean isConnected() {
		return true;
	}

	@Override
	public boolean reachesOtherNodes() {
		return false;
	}

}
