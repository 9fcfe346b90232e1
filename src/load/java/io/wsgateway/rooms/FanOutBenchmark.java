package io.wsgateway.rooms;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.wsgateway.NodeProperties;
import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.EventBus;
import io.wsgateway.history.ChannelHistory;
import io.wsgateway.history.TestHistories;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.hub.TestHubs;
import io.wsgateway.ops.GatewayMetrics;
import io.wsgateway.ops.TestGatewayMetrics;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.LoadSessions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tools.jackson.databind.JsonNode;

/**
 * Serialize-once fan-out: one {@code broadcast} to a room of {@code members} sessions whose
 * transports complete at once. {@code broadcast}: the whole handler path (encode the
 * {@code room_message} once, publish on the local bus, deliver the one frame to every
 * member). {@code deliver}: only the delivery loop of an already encoded event.
 * {@code encodePerMember}: what the loop would cost if each member's frame were encoded
 * separately, the design the gateway avoids. {@code history}: {@code off}, or {@code memory}
 * (rooms keep history in the memory store: each broadcast gets an offset, and each delivery
 * goes through the room's offset order), for the cost history adds to a fan-out (issue 21).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FanOutBenchmark {

	@Param({ "2000" })
	public int members;

	@Param({ "off", "memory" })
	public String history;

	private long offset;

	private MessageCodec codec;

	private ChannelHub hub;

	private RoomEventListener listener;

	private BroadcastHandler handler;

	private ClientSession publisher;

	private BroadcastHandler.BroadcastRequest request;

	private BusEvent.Frame event;

	private final List<ClientSession> sessions = new ArrayList<>();

	@Setup
	public void setUp() {
		this.codec = new MessageCodec();
		GatewayMetrics metrics = TestGatewayMetrics.create();
		LoopbackBus bus = new LoopbackBus();
		ChannelHistory channels = this.history.equals("memory") ? TestHistories.memory(100, 0) : TestHistories.off();
		this.hub = TestHubs.hub(bus, channels);
		this.listener = new RoomEventListener(this.hub, this.codec, metrics, channels);
		bus.listener = this.listener;
		this.handler = new BroadcastHandler(bus, this.hub, this.codec, new NodeProperties("jmh"), channels);
		for (int i = 0; i <= this.members; i++) {
			ClientSession session = LoadSessions.session("user-" + i, new LoadSessions.CountingTransport(), metrics);
			this.hub.join(RoomFamily.room("load"), session);
			this.sessions.add(session);
		}
		this.publisher = this.sessions.get(0);
		JsonNode payload = this.codec.parse("{\"t\":123456789012,\"s\":42}");
		this.request = new BroadcastHandler.BroadcastRequest("load", payload);
		String frame = this.codec
			.encode(new RoomMessages.RoomMessage("load", "user-0", payload, Instant.now()))
			.text();
		this.event = new BusEvent.Frame(RoomFamily.ROOMS.routingKey("load"), "room", frame, "jmh", this.publisher.id());
	}

	@Benchmark
	public Object broadcast() {
		return this.handler.handle(this.publisher, this.request);
	}

	@Benchmark
	public void deliver() {
		// With history, every delivery needs the next offset, or all but the first would be copies.
		this.listener.onEvent(this.history.equals("memory")
				? this.event.withOffset(this.event.body(), ++this.offset, "jmh") : this.event);
	}

	@Benchmark
	public void encodePerMember() {
		Instant now = Instant.now();
		for (ClientSession member : this.hub.members(RoomFamily.room("load"))) {
			if (member != this.publisher) {
				member.send(this.codec.encode(new RoomMessages.RoomMessage("load", "user-0", this.request.payload(), now)));
			}
		}
	}

	/** The local bus's behaviour: publishing delivers at once on the calling thread. */
	private static final class LoopbackBus implements EventBus {

		RoomEventListener listener;

		@Override
		public CompletionStage<Void> publish(BusEvent.Frame event) {
			this.listener.onEvent(event);
			return CompletableFuture.completedStage(null);
		}

		@Override
		public CompletionStage<Void> publishWithBackend(BusEvent.Frame event, String backendRoutingKey) {
			return publish(event);
		}

		@Override
		public CompletionStage<Void> publishToBackend(String routingKey, String json) {
			return CompletableFuture.completedStage(null);
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

	}

}
