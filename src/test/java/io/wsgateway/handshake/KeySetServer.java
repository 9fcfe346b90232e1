package io.wsgateway.handshake;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on 127.0.0.1 answering {@code GET /jwks} with whatever body the test
 * sets (a key set, garbage, an oversized document), counting requests: for the answers a
 * well-behaved provider never gives, and for an attacker's key set that must never be read.
 */
final class KeySetServer implements AutoCloseable {

	private final HttpServer server;

	private final AtomicInteger requests = new AtomicInteger();

	private volatile String body = "{\"keys\":[]}";

	private volatile int status = 200;

	KeySetServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/jwks", (exchange) -> {
			this.requests.incrementAndGet();
			byte[] bytes = this.body.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(this.status, bytes.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		});
		this.server.start();
	}

	URI uri() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/jwks");
	}

	void answer(int status, String body) {
		this.status = status;
		this.body = body;
	}

	int requests() {
		return this.requests.get();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
