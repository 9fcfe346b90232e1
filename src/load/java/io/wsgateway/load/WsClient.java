package io.wsgateway.load;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;

/**
 * The load generator's WebSocket client: Netty, non-blocking, a few event-loop threads for
 * any number of connections. Frames are handed to a {@link Listener} as raw UTF-8 bytes on
 * the connection's event-loop thread, so a receiver can pick out what it needs without
 * decoding the whole message.
 */
final class WsClient implements AutoCloseable {

	/** What a connection reports; called on its event-loop thread. */
	interface Listener {

		void onText(Conn conn, ByteBuf utf8);

		default void onClose(Conn conn) {
		}

	}

	/** A handshake that did not end in 101; {@code status} is 0 when no HTTP response came. */
	static final class HandshakeFailed extends RuntimeException {

		final int status;

		HandshakeFailed(int status, String message) {
			super(message, null, false, false);
			this.status = status;
		}

	}

	/** The largest message a connection accepts, as Netty's decoder was told before. */
	static final int MAX_MESSAGE = 1 << 20;

	private final EventLoopGroup group;

	private final Bootstrap bootstrap;

	private final boolean epoll;

	WsClient(int threads) {
		this.epoll = !"nio".equals(System.getProperty("load.client.transport")) && Epoll.isAvailable();
		this.group = new MultiThreadIoEventLoopGroup(threads,
				this.epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
		this.bootstrap = new Bootstrap().group(this.group)
			.channel(this.epoll ? EpollSocketChannel.class : NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
			.option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
			.option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024));
	}

	/** Returns the Netty transport in use: native epoll, or NIO. */
	String transport() {
		return this.epoll ? "epoll" : "NIO";
	}

	/**
	 * Opens a connection; the future completes once the server answered 101, or fails with
	 * {@link HandshakeFailed}.
	 */
	CompletableFuture<Conn> connect(URI uri, String token, InetSocketAddress localAddress, Listener listener) {
		DefaultHttpHeaders headers = new DefaultHttpHeaders();
		if (token != null) {
			headers.add(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
		}
		WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13,
				null, false, headers, MAX_MESSAGE);
		Conn conn = new Conn(handshaker, listener);
		Bootstrap b = this.bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
			@Override
			protected void initChannel(SocketChannel ch) {
				ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192), conn);
			}
		});
		InetSocketAddress remote = new InetSocketAddress(uri.getHost(), uri.getPort());
		(localAddress != null ? b.connect(remote, localAddress) : b.connect(remote)).addListener((f) -> {
			if (!f.isSuccess()) {
				conn.opened.completeExceptionally(new HandshakeFailed(0, String.valueOf(f.cause())));
			}
		});
		return conn.opened;
	}

	@Override
	public void close() {
		this.group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
	}

	/**
	 * Reads a connection's frames once the handshake is done, in place of Netty's WebSocket
	 * decoder: a server's frames are unmasked, so a text frame is handed to the listener as a
	 * slice of the bytes read, with no frame object, no cumulation unless a frame spans two
	 * reads, and one pipeline step. A fan-out has every event-loop thread read thousands of
	 * connections in turn, so what each read touches is what the generator costs.
	 */
	static final class FrameReader extends ChannelInboundHandlerAdapter {

		private static final int OP_CONTINUATION = 0x0;

		private static final int OP_TEXT = 0x1;

		private static final int OP_CLOSE = 0x8;

		private static final int OP_PING = 0x9;

		private final Conn conn;

		/** The start of a frame that has not been read whole yet. */
		private ByteBuf partial;

		/** The fragments of a text message, while its last frame has not come. */
		private ByteBuf fragments;

		FrameReader(Conn conn) {
			this.conn = conn;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ByteBuf in = (ByteBuf) msg;
			if (this.partial != null) {
				ByteBuf joined = this.partial;
				this.partial = null;
				joined.writeBytes(in);
				in.release();
				in = joined;
			}
			try {
				while (in.isReadable(2) && ctx.channel().isActive()) {
					int start = in.readerIndex();
					int first = in.getUnsignedByte(start);
					int second = in.getUnsignedByte(start + 1);
					int header = (second & 0x7F) == 126 ? 4 : (second & 0x7F) == 127 ? 10 : 2;
					if (!in.isReadable(header)) {
						break;
					}
					long length = (header == 4) ? in.getUnsignedShort(start + 2)
							: (header == 10) ? in.getLong(start + 2) : second & 0x7F;
					if ((second & 0x80) != 0 || length < 0 || length > MAX_MESSAGE) {
						ctx.close();
						return;
					}
					if (!in.isReadable(header + (int) length)) {
						break;
					}
					in.readerIndex(start + header + (int) length);
					onFrame(ctx, (first & 0x80) != 0, first & 0x0F, in.slice(start + header, (int) length));
				}
				if (in.isReadable() && ctx.channel().isActive()) {
					this.partial = ctx.alloc().buffer(in.readableBytes() + 256);
					this.partial.writeBytes(in);
				}
			}
			finally {
				in.release();
			}
		}

		private void onFrame(ChannelHandlerContext ctx, boolean last, int opcode, ByteBuf payload) {
			if (opcode == OP_TEXT && last) {
				deliver(payload);
			}
			else if (opcode == OP_TEXT || (opcode == OP_CONTINUATION && this.fragments != null)) {
				if (this.fragments == null) {
					this.fragments = ctx.alloc().buffer(payload.readableBytes() * 2);
				}
				this.fragments.writeBytes(payload);
				if (last) {
					ByteBuf message = this.fragments;
					this.fragments = null;
					try {
						deliver(message);
					}
					finally {
						message.release();
					}
				}
			}
			else if (opcode == OP_PING) {
				// from the pipeline's tail: Netty's WebSocket encoder sits after this handler
				ctx.channel().writeAndFlush(new PongWebSocketFrame(payload.copy()));
			}
			else if (opcode == OP_CLOSE) {
				ctx.close();
			}
		}

		private void deliver(ByteBuf text) {
			this.conn.received++;
			this.conn.listener.onText(this.conn, text);
		}

		@Override
		public void handlerRemoved(ChannelHandlerContext ctx) {
			release();
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			release();
			ctx.fireChannelInactive();
		}

		private void release() {
			if (this.partial != null) {
				this.partial.release();
				this.partial = null;
			}
			if (this.fragments != null) {
				this.fragments.release();
				this.fragments = null;
			}
		}

	}

	/** One connection. */
	static final class Conn extends SimpleChannelInboundHandler<Object> {

		private final WebSocketClientHandshaker handshaker;

		private final Listener listener;

		final CompletableFuture<Conn> opened = new CompletableFuture<>();

		volatile Channel channel;

		/** Free for the scenario's own per-connection state. */
		long sentAt;

		long received;

		Object state;

		Conn(WebSocketClientHandshaker handshaker, Listener listener) {
			this.handshaker = handshaker;
			this.listener = listener;
		}

		void send(String text) {
			this.channel.writeAndFlush(new TextWebSocketFrame(text));
		}

		/** Closes the TCP connection without a close handshake (the server sees the end of the stream). */
		void abort() {
			Channel ch = this.channel;
			if (ch != null) {
				ch.close();
			}
		}

		/** Starts a WebSocket close handshake. */
		void close() {
			Channel ch = this.channel;
			if (ch != null && ch.isActive()) {
				ch.writeAndFlush(new CloseWebSocketFrame(1000, "bye"));
			}
		}

		boolean isOpen() {
			Channel ch = this.channel;
			return ch != null && ch.isActive();
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			this.channel = ctx.channel();
			this.handshaker.handshake(ctx.channel());
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (!this.opened.isDone()) {
				this.opened.completeExceptionally(new HandshakeFailed(0, "connection closed during the handshake"));
			}
			this.listener.onClose(this);
		}

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
			if (!this.handshaker.isHandshakeComplete()) {
				FullHttpResponse response = (FullHttpResponse) msg;
				if (!response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
					this.opened.completeExceptionally(new HandshakeFailed(response.status().code(),
							response.content().toString(StandardCharsets.UTF_8)));
					ctx.close();
					return;
				}
				this.handshaker.finishHandshake(ctx.channel(), response);
				ctx.pipeline().replace("ws-decoder", "ws-reader", new FrameReader(this));
				this.opened.complete(this);
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			if (!this.opened.isDone()) {
				this.opened.completeExceptionally(new HandshakeFailed(0, String.valueOf(cause)));
			}
			ctx.close();
		}

	}

}
