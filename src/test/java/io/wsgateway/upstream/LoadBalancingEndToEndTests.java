package io.wsgateway.upstream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import io.wsgateway.testsupport.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.wsgateway.upstream.UpstreamFixtures.A;
import static io.wsgateway.upstream.UpstreamFixtures.B;
import static io.wsgateway.upstream.UpstreamFixtures.C;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each strategy's distribution over three real upstream servers, and stickiness across
 * reconnects for every {@code hash-on} source.
 */
class LoadBalancingEndToEndTests extends UpstreamEndToEndTest {

	@Test
	void roundRobinTakesEachTargetInTurn() {
		List<String> servers = new ArrayList<>();
		for (int i = 0; i < 9; i++) {
			try (TestClient client = open("/up/round-robin", "rr-user")) {
				servers.add(server(client));
			}
		}
		// whichever target comes first, the order then repeats every three connections
		assertThat(servers.subList(0, 3)).containsExactlyInAnyOrder("a", "b", "c");
		assertThat(servers.subList(3, 6)).isEqualTo(servers.subList(0, 3));
		assertThat(servers.subList(6, 9)).isEqualTo(servers.subList(0, 3));
	}

	@Test
	void leastConnectionsFillsTheEmptiestTarget() {
		List<TestClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 6; i++) {
				clients.add(open("/up/least-connections", "lc-user"));
			}
			Map<String, List<TestClient>> byServer = new HashMap<>();
			for (TestClient client : clients) {
				byServer.computeIfAbsent(server(client), (name) -> new ArrayList<>()).add(client);
			}
			assertThat(byServer).containsOnlyKeys("a", "b", "c");
			assertThat(byServer.values()).allSatisfy((onServer) -> assertThat(onServer).hasSize(2));

			byServer.get("a").forEach(TestClient::close);
			await().until(() -> target("least-connections", "a").connections() == 0);
			for (int i = 0; i < 2; i++) {
				TestClient client = open("/up/least-connections", "lc-user");
				clients.add(client);
				assertThat(server(client)).isEqualTo("a");
			}
		}
		finally {
			clients.forEach(TestClient::close);
		}
	}

	@Test
	void randomSpreadsOverEveryTarget() {
		Map<String, Integer> before = handshakesOn("/random");
		int connections = 150;
		for (int i = 0; i < connections; i++) {
			open("/up/random", "random-user").close();
		}
		Map<String, Integer> counts = delta(before, handshakesOn("/random"));
		assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(connections);
		// 50 expected each; 20 is five standard deviations away
		assertThat(counts).allSatisfy((server, count) -> assertThat(count).isBetween(20, 80));
	}

	@Test
	void weightedSharesConnectionsByWeight() {
		Map<String, Integer> before = handshakesOn("/weighted");
		for (int i = 0; i < 12; i++) {
			open("/up/weighted", "weighted-user").close();
		}
		// weights 1, 2, 3: smooth weighted round-robin is exact over whole cycles
		assertThat(delta(before, handshakesOn("/weighted"))).containsEntry("a", 2).containsEntry("b", 4).containsEntry("c", 6);
	}

	static Stream<Arguments> hashSources() {
		return Stream.of(hashSource("hash-ip", (i) -> Map.of("X-Forwarded-For", "10.1.0." + i)),
				hashSource("hash-user", (i) -> Map.of()),
				hashSource("hash-header", (i) -> Map.of("X-Session", "session-" + i)),
				hashSource("hash-cookie", (i) -> Map.of("Cookie", "theme=dark; sid=cookie-" + i)));
	}

	private static Arguments hashSource(String route, IntFunction<Map<String, String>> headers) {
		return Arguments.of(route, headers);
	}

	/**
	 * Thirty clients that differ only in the hashed value (every client of the other routes
	 * is the same user from the same IP, so that only the configured source can spread them)
	 * each connect three times and land on the same target every time.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("hashSources")
	void consistentHashKeepsEachClientOnItsTargetAcrossReconnects(String route,
			IntFunction<Map<String, String>> headers) {
		Map<String, Integer> perServer = new HashMap<>();
		for (int i = 0; i < 30; i++) {
			String user = route.equals("hash-user") ? "user-" + i : "same-user";
			String first = null;
			for (int connection = 0; connection < 3; connection++) {
				try (TestClient client = open("/up/" + route, user, headers.apply(i))) {
					String server = server(client);
					assertThat(server).as("client %d, connection %d", i, connection).isEqualTo((first != null) ? first : server);
					first = server;
				}
			}
			perServer.merge(first, 1, Integer::sum);
		}
		assertThat(perServer).as("clients per target").containsOnlyKeys("a", "b", "c");
	}

	private static Map<String, Integer> handshakesOn(String path) {
		Map<String, Integer> counts = new HashMap<>();
		for (UpstreamServer server : List.of(A, B, C)) {
			counts.put(server.name(), server.handshakes(path).size());
		}
		return counts;
	}

	private static Map<String, Integer> delta(Map<String, Integer> before, Map<String, Integer> after) {
		Map<String, Integer> delta = new HashMap<>();
		after.forEach((server, count) -> delta.put(server, count - before.get(server)));
		return delta;
	}

}
