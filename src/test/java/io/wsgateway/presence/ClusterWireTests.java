package io.wsgateway.presence;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.wsgateway.bus.MalformedEventException;
import io.wsgateway.protocol.MessageCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code cluster.presence} body: what a node writes, another reads back; incomplete events are refused. */
class ClusterWireTests {

	private final JsonMapper mapper = new MessageCodec().mapper();

	@Test
	void aSnapshotSurvivesTheTrip() {
		Instant now = Instant.parse("2026-11-22T00:00:00Z");
		ClusterWire.Connection connection = new ClusterWire.Connection("c1", "alice", "192.0.2.1", null, now, now,
				Set.of("lobby"));
		ClusterWire.Message snapshot = new ClusterWire.Message(ClusterWire.SNAPSHOT, "gw-0-1234", "gw-0", now, true,
				List.of(connection), null, null, null);
		String json = ClusterWire.write(this.mapper, snapshot);
		assertThat(json).doesNotContain("null").contains("\"startedAt\":\"2026-11-22T00:00:00Z\"");
		ClusterWire.Message read = ClusterWire.read(this.mapper, json);
		assertThat(read).isEqualTo(snapshot);
		assertThat(read.wantsSync()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "not json", "[]", "{}",
			"{\"op\":\"open\",\"instance\":\"i\",\"node\":\"n\",\"startedAt\":\"2026-11-22T00:00:00Z\"}",
			"{\"op\":\"join\",\"instance\":\"i\",\"node\":\"n\",\"startedAt\":\"2026-11-22T00:00:00Z\",\"connectionId\":\"c\"}",
			"{\"op\":\"snapshot\",\"instance\":\"i\",\"node\":\"n\",\"startedAt\":\"2026-11-22T00:00:00Z\"}",
			"{\"op\":\"explode\",\"instance\":\"i\",\"node\":\"n\",\"startedAt\":\"2026-11-22T00:00:00Z\"}",
			"{\"op\":\"bye\",\"node\":\"n\",\"startedAt\":\"2026-11-22T00:00:00Z\"}" })
	void refusesWhatItCannotApply(String body) {
		assertThatThrownBy(() -> ClusterWire.read(this.mapper, body)).isInstanceOf(MalformedEventException.class);
	}

}
