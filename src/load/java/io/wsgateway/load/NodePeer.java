package io.wsgateway.load;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Node {@code ws} peer of issue 19 ({@code src/load/node/ws-peer.mjs}): the gateway's
 * wire subset in about 60 lines of JavaScript, measured beside the gateway with the same
 * generator so that only ratios from one run are compared.
 */
final class NodePeer {

	private static final List<String> FILES = List.of("ws-peer.mjs", "package.json", "package-lock.json");

	private NodePeer() {
	}

	/**
	 * Copies the peer's sources to {@code <dir>/node-peer}, runs {@code npm ci} there the first
	 * time (the {@code ws} version of the lock file, from npm), and starts
	 * {@code <prefix> node --expose-gc ws-peer.mjs <port> <secret>}.
	 * @param prefix empty, or {@code taskset -c 0} in the per-core mode
	 * @return the running peer, whose heap after a full GC is read from its {@code /memory}
	 */
	static ServerProcess start(Path source, String node, Path dir, String name, List<String> prefix, String secret)
			throws Exception {
		Path peer = dir.resolve("node-peer");
		Files.createDirectories(peer);
		for (String file : FILES) {
			Files.copy(source.resolve(file), peer.resolve(file), StandardCopyOption.REPLACE_EXISTING);
		}
		if (!Files.isDirectory(peer.resolve("node_modules/ws"))) {
			Path log = dir.resolve("npm-ci.log");
			Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(peer.toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0) {
				npm.destroyForcibly();
				throw new IllegalStateException("npm ci failed in " + peer + "; see " + log);
			}
		}
		int port = ServerProcess.freePort();
		List<String> command = new ArrayList<>(prefix);
		command.addAll(List.of(node, "--expose-gc", peer.resolve("ws-peer.mjs").toString(), Integer.toString(port),
				secret));
		return ServerProcess.start(name, dir, command, port, URI.create("http://127.0.0.1:" + port + "/memory"));
	}

}
