package io.wsgateway.presence;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.wsgateway.NodeIdentity;
import io.wsgateway.NodeProperties;
import io.wsgateway.hub.TestHubs;
import io.wsgateway.ops.GatewayMetrics;
import io.wsgateway.ops.TestGatewayMetrics;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.LoadSessions;
import io.wsgateway.testsupport.RecordingEventBus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What presence costs one connection that joins a room of {@code members} and leaves it
 * again: what {@code join_room} asks of {@link ClusterPresence} (record the join, tell the
 * members that asked for {@code presence} events, count the members on other nodes for
 * {@code room_joined}) and what {@code leave_room} asks. The grace period is zero, so both
 * the arrival and the departure are announced. None of the members asked for events, the
 * common case, and one of them did, so the announcement is built and sent once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RoomJoinBenchmark {

	private static final String ROOM = "load";

	@Param({ "2000", "15000" })
	public int members;

	private ClusterPresence presence;

	private ClientSession joiner;

	@Setup(Level.Trial)
	public void setUp() {
		GatewayMetrics metrics = TestGatewayMetrics.create();
		this.presence = new ClusterPresence(RecordingEventBus.fake(),
				TestHubs.hub(RecordingEventBus.fake()), new MessageCodec(), metrics,
				new NodeIdentity(new NodeProperties("jmh")),
				new PresenceProperties(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(15)));
		for (int i = 0; i < this.members; i++) {
			ClientSession member = LoadSessions.session("user-" + i, new LoadSessions.CountingTransport(), metrics);
			this.presence.opened(member);
			this.presence.joined(member, ROOM, i == 0);
		}
		this.joiner = LoadSessions.session("joiner", new LoadSessions.CountingTransport(), metrics);
		this.presence.opened(this.joiner);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.presence.destroy();
	}

	@Benchmark
	public int joinAndLeave() {
		this.presence.joined(this.joiner, ROOM, false);
		int remote = this.presence.remoteMembers(ROOM);
		this.presence.left(this.joiner, ROOM);
		return remote;
	}

}
