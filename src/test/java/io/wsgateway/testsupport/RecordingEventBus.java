package io.wsgateway.testsupport;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.EventBus;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A hand-written {@link EventBus} that records what it is asked to do: on its own a fake
 * for unit tests (publishing delivers nowhere), or wrapped around the application's bus
 * in an end-to-end test ({@code @Import(RecordingEventBus.Installer.class)}), where it
 * passes everything on and lets the test see bindings and events for backends, which the
 * local bus otherwise drops without a trace.
 * <pre>{@code
 * RecordingEventBus bus = RecordingEventBus.fake();
 * RoomRegistry rooms = new RoomRegistry(bus, TestHistories.off());
 * rooms.join("lobby", session);
 * assertThat(bus.bindingCalls()).containsExactly("bind room.lobby");
 * }</pre>
 * Thread-safe.
 */
public final class RecordingEventBus implements EventBus {

	/** An event published for backend services. */
	public record BackendEvent(String routingKey, String json) {
	}

	private static final CompletionStage<Void> DONE = CompletableFuture.completedStage(null);

	private final EventBus delegate;

	private final List<BusEvent> published = new CopyOnWriteArrayList<>();

	private final List<BackendEvent> backend = new CopyOnWriteArrayList<>();

	private final List<String> bindingCalls = new CopyOnWriteArrayList<>();

	private final List<String> clientBindingCalls = new CopyOnWriteArrayList<>();

	private volatile boolean connected = true;

	private RecordingEventBus(EventBus delegate) {
		this.delegate = delegate;
	}

	/** A bus that delivers nothing and only records. */
	public static RecordingEventBus fake() {
		return new RecordingEventBus(null);
	}

	/** A bus that records and passes everything on to {@code delegate}. */
	public static RecordingEventBus wrapping(EventBus delegate) {
		return new RecordingEventBus(delegate);
	}

	@Override
	public CompletionStage<Void> publish(BusEvent.Frame event) {
		this.published.add(event);
		return (this.delegate != null) ? this.delegate.publish(event) : DONE;
	}

	@Override
	public CompletionStage<Void> publishToBackend(String routingKey, String json) {
		this.backend.add(new BackendEvent(routingKey, json));
		return (this.delegate != null) ? this.delegate.publishToBackend(routingKey, json) : DONE;
	}

	@Override
	public CompletionStage<Void> publishWithBackend(BusEvent.Frame event, String backendRoutingKey) {
		this.published.add(event);
		this.backend.add(new BackendEvent(backendRoutingKey, event.body()));
		return (this.delegate != null) ? this.delegate.publishWithBackend(event, backendRoutingKey) : DONE;
	}

	@Override
	public void bindClientEvents(String backendRoutingKey) {
		this.clientBindingCalls.add("bind " + backendRoutingKey);
		if (this.delegate != null) {
			this.delegate.bindClientEvents(backendRoutingKey);
		}
	}

	@Override
	public void unbindClientEvents(String backendRoutingKey) {
		this.clientBindingCalls.add("unbind " + backendRoutingKey);
		if (this.delegate != null) {
			this.delegate.unbindClientEvents(backendRoutingKey);
		}
	}

	@Override
	public void bind(String routingKey) {
		this.bindingCalls.add("bind " + routingKey);
		if (this.delegate != null) {
			this.delegate.bind(routingKey);
		}
	}

	@Override
	public void unbind(String routingKey) {
		this.bindingCalls.add("unbind " + routingKey);
		if (this.delegate != null) {
			this.delegate.unbind(routingKey);
		}
	}

	@Override
	public boolean isConnected() {
		return (this.delegate != null) ? this.delegate.isConnected() : this.connected;
	}

	@Override
	public boolean reachesOtherNodes() {
		return this.delegate != null && this.delegate.reachesOtherNodes();
	}

	// Backend events are what this bus records, so they always go somewhere.
	@Override
	public boolean reachesBackends() {
		return true;
	}

	/** Sets what {@link #isConnected()} answers when not wrapping another bus. */
	public void connected(boolean connected) {
		this.connected = connected;
	}

	/** Returns the events published, in order. */
	public List<BusEvent> published() {
		return List.copyOf(this.published);
	}

	/** Returns the events published for backends, in order. */
	public List<BackendEvent> backendEvents() {
		return List.copyOf(this.backend);
	}

	/** Returns the events published for backends under this routing key, in order. */
	public List<BackendEvent> backendEvents(String routingKey) {
		return this.backend.stream().filter((event) -> event.routingKey().equals(routingKey)).toList();
	}

	/** Returns every bind and unbind, in order, as {@code "bind <key>"} or {@code "unbind <key>"}. */
	public List<String> bindingCalls() {
		return List.copyOf(this.bindingCalls);
	}

	/** Returns the bind and unbind calls for one routing key, in order. */
	public List<String> bindingCalls(String routingKey) {
		return this.bindingCalls.stream().filter((call) -> call.endsWith(" " + routingKey)).toList();
	}

	/** Returns every bind and unbind of a backend key on the client exchange, in order, as {@code "bind <key>"}. */
	public List<String> clientBindingCalls() {
		return List.copyOf(this.clientBindingCalls);
	}

	/** Forgets everything recorded so far. */
	public void clear() {
		this.published.clear();
		this.backend.clear();
		this.bindingCalls.clear();
		this.clientBindingCalls.clear();
	}

	/**
	 * Wraps the application's {@link EventBus} bean in a {@link RecordingEventBus}, so that
	 * an end-to-end test can autowire {@code EventBus} and cast it. Meant for the local bus:
	 * the wrapper hides any lifecycle interfaces of the bus it wraps.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	public static class Installer {

		@Bean
		static BeanPostProcessor recordingEventBusInstaller() {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					if (bean instanceof EventBus bus && !(bean instanceof RecordingEventBus)) {
						return RecordingEventBus.wrapping(bus);
					}
					return bean;
				}

			};
		}

	}

}
