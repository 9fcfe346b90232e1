package io.wsgateway.load;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

/**
 * The same echo, join and broadcast as {@link BareEchoEndpoint}, on Jetty 12.1's core
 * WebSocket API upgraded by a core handler with no servlet container: the path the gateway
 * takes ({@code GatewayUpgradeHandler}), without authentication, JSON or send queues, so
 * that the gateway's own cost can be read off. Loopback only. Usage:
 * {@code BareJettyCoreServer <port>}.
 */
public final class BareJettyCoreServer {

	private static final Set<CoreSession> ROOM = ConcurrentHashMap.newKeySet();

	private BareJettyCoreServer() {
	}

	public static void main(String[] args) throws Exception {
		Server server = BareJettyServer.loopbackServer(Integer.parseInt(args[0]));
		WebSocketUpgradeHandler upgrade = new WebSocketUpgradeHandler();
		upgrade.addMapping("/ws", (request, response, callback) -> new Echo());
		upgrade.getConfiguration().setMaxTextMessageSize(BareEchoEndpoint.maxTextMessageSize());
		upgrade.getConfiguration().setIdleTimeout(BareJettyServer.IDLE_TIMEOUT);
		server.setHandler(upgrade);
		server.start();
		server.join();
	}

	static final class Echo implements FrameHandler {

		private CoreSession session;

		@Override
		public void onOpen(CoreSession coreSession, Callback callback) {
			this.session = coreSession;
			callback.succeeded();
			coreSession.demand();
		}

		@Override
		public void onFrame(Frame frame, Callback callback) {
			if (frame.getOpCode() == OpCode.TEXT) {
				String text = frame.getPayloadAsUTF8();
				if (text.startsWith("{\"type\":\"broadcast\"")) {
					for (CoreSession member : ROOM) {
						if (member != this.session) {
							member.sendFrame(new Frame(OpCode.TEXT, text), Callback.NOOP, false);
						}
					}
				}
				else if (text.startsWith("{\"type\":\"join_room\"")) {
					ROOM.add(this.session);
					this.session.sendFrame(new Frame(OpCode.TEXT, "{\"type\":\"room_joined\",\"room\":\"load\"}"), Callback.NOOP, false);
				}
				else {
					this.session.sendFrame(new Frame(OpCode.TEXT, text), Callback.NOOP, false);
				}
			}
			else if (frame.getOpCode() == OpCode.PING) {
				this.session.sendFrame(new Frame(OpCode.PONG, frame.getPayload()), Callback.NOOP, false);
			}
			callback.succeeded();
			this.session.demand();
		}

		@Override
		public void onError(Throwable cause, Callback callback) {
			callback.succeeded();
		}

		@Override
		public void onClosed(CloseStatus closeStatus, Callback callback) {
			ROOM.remove(this.session);
			callback.succeeded();
		}

	}

}
