package io.wsgateway.load;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/**
 * The bare-container baseline: a plain JSR-356 endpoint with no authentication, no JSON
 * parsing and no per-connection bookkeeping. Echoes every text message; a message starting
 * with {@code {"type":"join_room"} joins the one room, and one starting with
 * {@code {"type":"broadcast"} is sent as it is to every other member, in a plain loop of
 * blocking sends on the sender's thread (synchronized per session, as JSR-356 requires).
 * Runs on Jetty ({@link BareJettyServer}) and on Tomcat ({@link BareTomcatServer}).
 */
@ServerEndpoint("/ws")
public class BareEchoEndpoint {

	private static final Set<Session> ROOM = ConcurrentHashMap.newKeySet();

	private static final String JOINED = "{\"type\":\"room_joined\",\"room\":\"load\"}";

	@OnMessage
	public void onMessage(Session session, String text) {
		if (text.startsWith("{\"type\":\"broadcast\"")) {
			for (Session member : ROOM) {
				if (member != session) {
					send(member, text);
				}
			}
		}
		else if (text.startsWith("{\"type\":\"join_room\"")) {
			ROOM.add(session);
			send(session, JOINED);
		}
		else {
			send(session, text);
		}
	}

	@OnClose
	public void onClose(Session session) {
		ROOM.remove(session);
	}

	@OnError
	public void onError(Session session, Throwable error) {
		ROOM.remove(session);
	}

	private static void send(Session session, String text) {
		synchronized (session) {
			try {
				session.getBasicRemote().sendText(text);
			}
			catch (IOException | IllegalStateException ex) {
				ROOM.remove(session);
			}
		}
	}

	static int maxTextMessageSize() {
		return Integer.getInteger("bare.maxText", 512 * 1024);
	}

}
