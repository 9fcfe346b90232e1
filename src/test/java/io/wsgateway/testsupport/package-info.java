/**
 * Support for the gateway's tests, shared by every feature's tests.
 *
 * <ul>
 * <li>{@link io.wsgateway.testsupport.TestTokens}: JWTs signed with the test secret, RSA/EC
 * keys, and forged tokens.</li>
 * <li>{@link io.wsgateway.testsupport.TestClient}: a JSON WebSocket client (JDK) with an
 * inbox, request/reply by {@code id}, close codes, and read pausing.</li>
 * <li>{@link io.wsgateway.testsupport.RawWebSocket}: a socket-level client for exact
 * frames, raw handshake answers, and clients that never answer.</li>
 * <li>{@link io.wsgateway.testsupport.LogCapture}: asserts on log lines (or keeps expected
 * errors off the console).</li>
 * <li>Outside this package, because they need package-private constructors:
 * {@code io.wsgateway.session.TestSessions} (sessions and registries without a server,
 * {@code awaitRegistered}), {@code io.wsgateway.session.FakeTransport} (records frames,
 * can hold writes like a client that stopped reading) and
 * {@code io.wsgateway.ops.TestGatewayMetrics}.</li>
 * </ul>
 *
 * An end-to-end test class:
 * <pre>{@code
 * @SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
 *         properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET, "gateway.websocket.heartbeat-interval=500ms" })
 * @ActiveProfiles("test")   // application-test.yml: quiet logs, per-IP limits raised
 * class RoomsEndToEndTests {
 *     @LocalServerPort int port;
 *
 *     @Test
 *     void joinsRoom() {
 *         try (TestClient alice = TestClient.connect(port, TestTokens.token("alice"))) {
 *             assertThat(alice.request("{\"type\":\"join_room\",\"room\":\"lobby\"}").get("type").asString())
 *                 .isEqualTo("room_joined");
 *         }
 *     }
 * }
 * }</pre>
 * Group scenarios that need the same properties in one class: each distinct set of
 * properties starts another application context.
 */
package io.wsgateway.testsupport;
