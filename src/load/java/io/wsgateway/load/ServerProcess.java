package io.wsgateway.load;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test in a JVM of its own, on a loopback port, so that its memory and CPU
 * are measured apart from the generator's. Stopped by the harness, never left running.
 */
final class ServerProcess implements AutoCloseable {

	/** The last line of {@code GC.class_histogram}: {@code Total <instances> <bytes>}. */
	private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("Total\\s+\\d+\\s+(\\d+)");

	private static final long CLOCK_TICKS_PER_SECOND = 100;

	final String name;

	final int port;

	private final Process process;

	private final Path log;

	/** Where a server that is not a JVM answers with its heap after a full GC ({@code node}); null for a JVM. */
	private final URI memory;

	private ServerProcess(String name, int port, Process process, Path log, URI memory) {
		this.name = name;
		this.port = port;
		this.process = process;
		this.log = log;
		this.memory = memory;
	}

	/**
	 * Starts {@code <prefix> java <jvmArgs> <main...>}, with its GC log in
	 * {@code <dir>/<name>-gc.log}, and waits until the port accepts connections. The prefix
	 * is empty, or {@code taskset -c 0} in the per-core mode.
	 */
	static ServerProcess start(String name, Path dir, List<String> prefix, List<String> jvmArgs,
			List<String> mainAndArgs, int port) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(prefix);
		command.add(tool("java"));
		Files.createDirectories(dir);
		command.add("-Xlog:gc:file=" + dir.resolve(name + "-gc.log").toAbsolutePath());
		command.addAll(jvmArgs);
		command.addAll(mainAndArgs);
		return start(name, dir, command, port, null);
	}

	/**
	 * Starts {@code command} (a server that is not a JVM), logging to {@code <dir>/<name>.log},
	 * and waits until it listens on the port; {@code memory} answers a GET with its heap after
	 * a full GC, in bytes. The port is checked to be this process's own: on a shared machine
	 * another program can take a free port while a server starts, and the load must not go
	 * to it.
	 */
	static ServerProcess start(String name, Path dir, List<String> command, int port, URI memory)
			throws IOException, InterruptedException {
		Files.createDirectories(dir);
		Path log = dir.resolve(name + ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		ServerProcess server = new ServerProcess(name, port, process, log, memory);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
			}
			if (server.listens()) {
				return server;
			}
			Thread.sleep(200);
		}
		server.close();
		throw new IllegalStateException(name + " did not open port " + port + " in 300 s; see " + log);
	}

	/**
	 * Returns the path of a tool of the JDK the servers run on: {@code load.server.java}, or
	 * the harness's own, so that runtimes can be compared on the same jar with the same
	 * generator.
	 */
	private static String tool(String name) {
		return javaHome().resolve("bin").resolve(name).toString();
	}

	/** Returns the servers' Java version, from the {@code release} file of their JDK. */
	static String javaVersion() throws IOException {
		Path release = javaHome().resolve("release");
		if (Files.isReadable(release)) {
			for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
				if (line.startsWith("JAVA_VERSION=")) {
					return line.substring("JAVA_VERSION=".length()).replace("\"", "");
				}
			}
		}
		return javaHome().toString();
	}

	private static Path javaHome() {
		String home = System.getProperty("load.server.java", "");
		return Path.of(home.isBlank() ? System.getProperty("java.home") : home);
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/** Returns whether one of this process's sockets listens on its port (/proc/net/tcp, tcp6 and its fds). */
	private boolean listens() throws IOException {
		Set<String> inodes = new HashSet<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			List<String> lines = Files.readAllLines(Path.of(table));
			for (String line : lines.subList(1, lines.size())) {
				String[] f = line.trim().split("\\s+");
				String local = f[1];
				if ("0A".equals(f[3]) && Integer.parseInt(local.substring(local.indexOf(':') + 1), 16) == this.port) {
					inodes.add("socket:[" + f[9] + "]");
				}
			}
		}
		if (inodes.isEmpty()) {
			return false;
		}
		try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid()), "fd"))) {
			for (Path fd : fds) {
				try {
					if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
						return true;
					}
				}
				catch (IOException closed) {
					// the descriptor closed while the list was read
				}
			}
		}
		return false;
	}

	long pid() {
		return this.process.pid();
	}

	/** Resident set size in KB, from /proc. */
	long rssKb() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", ""));
			}
		}
		return -1;
	}

	/** CPU time (user + system) used so far, in milliseconds, from /proc. */
	long cpuMillis() throws IOException {
		String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
	}

	/**
	 * Returns the size of the objects still reachable in the server, in KB: the total of a
	 * class histogram, whose full GC leaves live objects only, whatever the collector (the
	 * "used" of {@code GC.heap_info} differs in form and meaning between them).
	 */
	long heapAfterGcKb() throws IOException, InterruptedException {
		if (this.memory != null) {
			try (java.io.InputStream in = this.memory.toURL().openStream()) {
				return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim()) / 1024;
			}
		}
		Matcher matcher = HISTOGRAM_TOTAL.matcher(jcmd("GC.class_histogram"));
		return matcher.find() ? Long.parseLong(matcher.group(1)) / 1024 : -1;
	}

	/** Returns whether the server is a JVM, which jcmd and JFR can reach. */
	boolean isJvm() {
		return this.memory == null;
	}

	/** The number of threads the server has now, from /proc. */
	int threads() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
			if (line.startsWith("Threads:")) {
				return Integer.parseInt(line.replaceAll("[^0-9]", ""));
			}
		}
		return -1;
	}

	/** Runs a jcmd command against the server and returns its output. */
	String jcmd(String... command) throws IOException, InterruptedException {
		List<String> args = new ArrayList<>();
		args.add(tool("jcmd"));
		args.add(Long.toString(pid()));
		args.addAll(List.of(command));
		Process jcmd = new ProcessBuilder(args).redirectErrorStream(true).start();
		String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		jcmd.waitFor(60, TimeUnit.SECONDS);
		return out;
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Override
	public String toString() {
		return this.name + " (pid " + pid() + ", port " + this.port + ", log " + this.log + ")";
	}

}
