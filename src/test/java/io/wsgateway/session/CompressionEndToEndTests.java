package io.wsgateway.session;

import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.wsgateway.testsupport.TestTokens;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gateway.websocket.compression=true}: a client that offers {@code permessage-deflate}
 * gets it, and messages go both ways compressed.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET, "gateway.websocket.compression=true" })
@ActiveProfiles("test")
class CompressionEndToEndTests {

	@LocalServerPort
	int port;

	private final WebSocketClient client = new WebSocketClient();

	@BeforeEach
	void startClient() throws Exception {
		this.client.start();
	}

	@AfterEach
	void stopClient() throws Exception {
		this.client.stop();
	}

	@Test
	void negotiatesPermessageDeflateWhenOnAndTheClientOffersIt() throws Exception {
		Messages messages = new Messages();
		ClientUpgradeRequest request = new ClientUpgradeRequest(
				URI.create("ws://127.0.0.1:" + this.port + "/ws?access_token=" + TestTokens.token("zip")));
		request.addExtensions("permessage-deflate");
		Session session = this.client.connect(messages, request).get(10, TimeUnit.SECONDS);
		assertThat(session.getUpgradeResponse().getHeader("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
		assertThat(messages.next()).contains("\"connected\"");
		String payload = "compressible ".repeat(200);
		session.sendText("{\"type\":\"echo\",\"id\":\"z\",\"payload\":\"" + payload + "\"}", null);
		assertThat(messages.next()).isEqualTo("{\"type\":\"echo\",\"id\":\"z\",\"payload\":\"" + payload + "\"}");
		session.close();
	}

	/** Collects the text messages one connection receives. */
	public static final class Messages extends Session.Listener.AbstractAutoDemanding {

		private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

		@Override
		public void onWebSocketText(String message) {
			this.received.add(message);
		}

		String next() throws InterruptedException {
			String message = this.received.poll(10, TimeUnit.SECONDS);
			assertThat(message).as("a message within 10 s").isNotNull();
			return message;
		}

	}

}
