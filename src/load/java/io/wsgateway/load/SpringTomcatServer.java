package io.wsgateway.load;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

/**
 * The untuned Spring peer of issue 19: one {@link TextWebSocketHandler} on embedded Tomcat 11,
 * upgraded by Spring's {@link WebSocketHttpRequestHandler} with its default handshake handler,
 * every container setting at its default (8 KB text buffers), no authentication. Each
 * session is wrapped in a {@link ConcurrentWebSocketSessionDecorator} (10 s, 1 MB); messages
 * are parsed into Jackson trees; {@code join_room}, {@code echo} and {@code broadcast} (as
 * {@code room_message}, serialized once, sent in a plain loop). Loopback only. Usage:
 * {@code SpringTomcatServer <port>}.
 */
public final class SpringTomcatServer {

	private SpringTomcatServer() {
	}

	public static void main(String[] args) throws Exception {
		Tomcat tomcat = new Tomcat();
		tomcat.setBaseDir(Files.createTempDirectory("spring-tomcat").toString());
		Connector connector = new Connector("HTTP/1.1");
		connector.setPort(Integer.parseInt(args[0]));
		connector.setProperty("address", "127.0.0.1");
		// the one setting changed: Tomcat's 8,192 would queue the connect scenario's handshakes
		connector.setProperty("maxConnections", "20000");
		tomcat.setConnector(connector);
		Context context = tomcat.addContext("", null);
		context.addServletContainerInitializer(new WsSci(), null);
		WebSocketHttpRequestHandler upgrade = new WebSocketHttpRequestHandler(new Handler(), new DefaultHandshakeHandler());
		Tomcat.addServlet(context, "ws", new HttpServlet() {
			private static final long serialVersionUID = 1L;

			@Override
			protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
				try {
					upgrade.handleRequest(request, response);
				}
				catch (jakarta.servlet.ServletException ex) {
					throw new IOException(ex);
				}
			}
		});
		context.addServletMappingDecoded("/ws", "ws");
		tomcat.start();
		tomcat.getServer().await();
	}

	static final class Handler extends TextWebSocketHandler {

		private final ObjectMapper json = JsonMapper.builder().build();

		private final Set<WebSocketSession> room = ConcurrentHashMap.newKeySet();

		private final ConcurrentHashMap<String, WebSocketSession> sessions = new ConcurrentHashMap<>();

		@Override
		public void afterConnectionEstablished(WebSocketSession session) throws Exception {
			WebSocketSession decorated = new ConcurrentWebSocketSessionDecorator(session, 10_000, 1024 * 1024);
			this.sessions.put(session.getId(), decorated);
			ObjectNode connected = this.json.createObjectNode().put("type", "connected").put("connectionId", session.getId());
			decorated.sendMessage(new TextMessage(this.json.writeValueAsString(connected)));
		}

		@Override
		protected void handleTextMessage(WebSocketSession raw, TextMessage message) throws Exception {
			WebSocketSession session = this.sessions.get(raw.getId());
			JsonNode in = this.json.readTree(message.getPayload());
			String type = in.path("type").asString("");
			switch (type) {
				case "echo" -> session.sendMessage(new TextMessage(this.json.writeValueAsString(
						this.json.createObjectNode().put("type", "echo").set("payload", in.get("payload")))));
				case "join_room" -> {
					this.room.add(session);
					session.sendMessage(new TextMessage(this.json.writeValueAsString(this.json.createObjectNode()
						.put("type", "room_joined").put("room", in.path("room").asString("")).put("members", this.room.size()))));
				}
				case "broadcast" -> {
					ObjectNode out = this.json.createObjectNode().put("type", "room_message").put("room", in.path("room").asString(""));
					out.set("payload", in.get("payload"));
					TextMessage frame = new TextMessage(this.json.writeValueAsString(out.put("timestamp", System.currentTimeMillis())));
					for (WebSocketSession member : this.room) {
						if (member != session) {
							member.sendMessage(frame);
						}
					}
				}
				default -> session.sendMessage(new TextMessage("{\"type\":\"error\",\"code\":\"unknown_type\"}"));
			}
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
			WebSocketSession decorated = this.sessions.remove(session.getId());
			if (decorated != null) {
				this.room.remove(decorated);
			}
		}

	}

}
