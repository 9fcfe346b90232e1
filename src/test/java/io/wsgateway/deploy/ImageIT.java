package io.wsgateway.deploy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import static io.wsgateway.deploy.HelmChart.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Starts the built container image the way a container runtime and the chart would, with
 * neither a runtime nor a registry: the layers of {@code target/jib-image.tar} are unpacked
 * into a folder, which becomes the read-only root of a private mount and PID namespace with
 * {@code /proc}, {@code /dev}, a writable tmpfs on {@code /tmp} (the chart's emptyDir) and
 * the chart's rendered {@code application.yml} on {@code /etc/websocket-gateway}. The image's
 * entrypoint then runs there as the image's user (UID 65532) in its working directory, with
 * the image's and the chart's environment, and must answer 200 on the chart's readiness probe
 * and stop cleanly on SIGTERM.
 * <p>
 * Runs in {@code ./mvnw -Pimage verify} (failsafe), after the image was built. Needs root,
 * {@code unshare} and {@code tar} (util-linux and GNU tar). Without them, or without the
 * tarball, it is skipped with the reason; with {@code CI} set it fails instead, since CI
 * runs it only where the image profile built the tarball on such a machine.
 */
@SuppressWarnings("unchecked")
class ImageIT {

	private static final Duration READY_WITHIN = Duration.ofSeconds(120);

	private static final Duration STOP_WITHIN = Duration.ofSeconds(60);

	/** Mounts what a container runtime provides, then enters the root as the image user. */
	private static final String LAUNCH = """
			set -eu
			root=$1; config=$2; uid=$3; gid=$4; wd=$5; shift 5
			mount --make-rprivate /
			mount --bind "$root" "$root"
			mount -o remount,bind,ro "$root"
			mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
			mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/tmp"
			mount -t tmpfs -o nosuid,mode=755 tmpfs "$root/dev"
			for d in null zero full random urandom tty; do : > "$root/dev/$d"; mount --bind "/dev/$d" "$root/dev/$d"; done
			mount --bind /etc/hosts "$root/etc/hosts"
			mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
			mount --bind "$config" "$root/etc/websocket-gateway"
			mount -o remount,bind,ro "$root/etc/websocket-gateway"
			exec unshare --root="$root" --wd="$wd" --setgid "$gid" --setuid "$uid" -- "$@"
			""";

	private final boolean ci = Optional.ofNullable(System.getenv("CI")).filter((v) -> !v.isBlank()).isPresent();

	@Test
	void imageStartsFromItsLayersAsItsUserAndGetsReady(@TempDir Path work) throws Exception {
		Path tarball = Paths.get(System.getProperty("image.tar", "target/jib-image.tar"));
		require(Files.isRegularFile(tarball),
				"no image tarball at " + tarball.toAbsolutePath() + ": build it with ./mvnw -Pimage package");
		String chrootUnavailable = chrootUnavailable(work);
		require(chrootUnavailable == null, chrootUnavailable);

		// the image: layers in order into one folder
		Path image = Files.createDirectories(work.resolve("image"));
		Path root = Files.createDirectories(work.resolve("rootfs"));
		run(work, "tar", "-xf", tarball.toAbsolutePath().toString(), "-C", image.toString());
		Map<String, Object> manifest = ((List<Map<String, Object>>) new Yaml()
			.load(Files.readString(image.resolve("manifest.json")))).get(0);
		for (String layer : (List<String>) manifest.get("Layers")) {
			run(work, "tar", "--warning=no-unknown-keyword", "-xf", image.resolve(layer).toString(), "-C",
					root.toString());
		}
		Map<String, Object> config = at(new Yaml().load(Files.readString(image.resolve((String) manifest.get("Config")))),
				"config");
		List<String> command = new ArrayList<>((List<String>) config.get("Entrypoint"));
		command.addAll(Optional.ofNullable((List<String>) config.get("Cmd")).orElse(List.of()));
		String[] user = userIds(root, (String) config.get("User"));
		String workingDir = Optional.ofNullable((String) config.get("WorkingDir")).orElse("/");
		assertThat(user[0]).as("image user").isEqualTo("65532");
		assertThat(root.resolve("bin/sh")).as("no shell in the image").doesNotExist();

		// the chart: single pod, local bus, on free ports
		int httpPort = freePort();
		int managementPort = freePort();
		HelmChart.Rendered chart = HelmChart.render(List.of(HelmChart.MINIMAL_VALUES), "gateway.bus.type=local",
				"replicaCount=1", "rabbitmq.host=", "rabbitmq.password=", "containerPort=" + httpPort,
				"management.port=" + managementPort);
		Path configDir = Files.createDirectories(work.resolve("config"));
		Files.writeString(configDir.resolve("application.yml"), chart.applicationYml());
		Files.createDirectories(root.resolve("etc/websocket-gateway"));
		for (String file : List.of("etc/hosts", "etc/resolv.conf")) {
			if (!Files.exists(root.resolve(file))) {
				Files.createFile(root.resolve(file));
			}
		}
		Map<String, Object> container = chart.gatewayContainer();
		Map<String, String> environment = environment(config, chart, container);

		List<String> launch = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--kill-child", "sh",
				"-c", LAUNCH, "launch", root.toString(), configDir.toString(), user[0], user[1], workingDir));
		launch.addAll(command);
		ProcessBuilder builder = new ProcessBuilder(launch).redirectErrorStream(true)
			.redirectOutput(work.resolve("app.log").toFile());
		builder.environment().clear();
		builder.environment().putAll(environment);

		String readiness = "http://127.0.0.1:" + port(container, at(container, "readinessProbe.httpGet.port"))
				+ at(container, "readinessProbe.httpGet.path");
		long start = System.nanoTime();
		Process process = builder.start();
		try {
			awaitReady(process, URI.create(readiness), work);
			long startupMillis = (System.nanoTime() - start) / 1_000_000;

			ProcessHandle java = process.toHandle().children().findFirst().orElseThrow();
			assertThat(status(java, "Uid")).as("runs as the image user").startsWith("65532\t");
			assertThat(status(java, "Gid")).startsWith("65532\t");
			String liveness = "http://127.0.0.1:" + port(container, at(container, "livenessProbe.httpGet.port"))
					+ at(container, "livenessProbe.httpGet.path");
			assertThat(get(URI.create(liveness)).statusCode()).isEqualTo(200);
			HttpResponse<String> metrics = get(URI.create(readiness.replaceFirst("/actuator/.*", "/actuator/prometheus")));
			assertThat(metrics.body()).contains("gateway_connections_active");

			// what the kubelet does after the preStop pause
			java.destroy();
			assertThat(process.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS))
				.as("stops within %s of SIGTERM%n%s", STOP_WITHIN, tail(work)).isTrue();
			System.out.printf("ImageIT: %s (%d MB) ready in %d ms as UID 65532 under chroot; exit %d on SIGTERM%n",
					tarball.getFileName(), Files.size(tarball) / (1024 * 1024), startupMillis, process.exitValue());
			assertThat(Files.readString(work.resolve("app.log"))).contains("Graceful shutdown complete");
		}
		finally {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
			process.waitFor(10, TimeUnit.SECONDS);
		}
	}

	/** The container's environment: the image's, the runtime's HOSTNAME, the chart's env. */
	private static Map<String, String> environment(Map<String, Object> imageConfig, HelmChart.Rendered chart,
			Map<String, Object> container) {
		Map<String, String> environment = new LinkedHashMap<>();
		environment.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
		for (String entry : Optional.ofNullable((List<String>) imageConfig.get("Env")).orElse(List.of())) {
			String[] kv = entry.split("=", 2);
			environment.put(kv[0], kv[1]);
		}
		environment.put("HOSTNAME", "gw-websocket-gateway-image-it");
		Map<String, Object> secretData = chart.all("Secret").findFirst().map((s) -> (Map<String, Object>) s.get("data"))
			.orElse(Map.of());
		for (Map<String, Object> env : (List<Map<String, Object>>) container.get("env")) {
			String name = (String) env.get("name");
			if (env.containsKey("value")) {
				environment.put(name, String.valueOf(env.get("value")));
			}
			else {
				Object encoded = secretData.get(at(env, "valueFrom.secretKeyRef.key"));
				if (encoded != null) {
					environment.put(name, new String(Base64.getDecoder().decode((String) encoded), StandardCharsets.UTF_8));
				}
			}
		}
		return environment;
	}

	private void awaitReady(Process process, URI readiness, Path work) throws Exception {
		long deadline = System.nanoTime() + READY_WITHIN.toNanos();
		int lastStatus = -1;
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				fail("the image's process exited with %d before it was ready%n%s", process.exitValue(), tail(work));
			}
			try {
				lastStatus = get(readiness).statusCode();
				if (lastStatus == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		fail("%s did not answer 200 within %s (last: %d)%n%s", readiness, READY_WITHIN, lastStatus, tail(work));
	}

	private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
		return HttpClient.newBuilder()
			.connectTimeout(Duration.ofSeconds(2))
			.build()
			.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Why the image cannot be started under chroot here, or {@code null} when it can.
	 */
	private static String chrootUnavailable(Path work) {
		if (!System.getProperty("os.name").toLowerCase().contains("linux")) {
			return "starting the image under chroot needs Linux";
		}
		try {
			if (!"0".equals(String.valueOf(Files.getAttribute(Paths.get("/proc/self"), "unix:uid")))) {
				return "starting the image under chroot needs root (mount and PID namespaces, chroot, setuid)";
			}
			Path probe = Files.createDirectories(work.resolve("probe"));
			Process process = new ProcessBuilder("unshare", "--mount", "--pid", "--fork", "--kill-child", "sh", "-c",
					"mount -t tmpfs tmpfs \"$1\" && command -v tar >/dev/null", "probe", probe.toString())
				.redirectErrorStream(true)
				.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(20, TimeUnit.SECONDS) || process.exitValue() != 0) {
				return "cannot make a private mount namespace here (unshare --mount, mount, tar): " + output.strip();
			}
			return null;
		}
		catch (IOException | InterruptedException | UnsupportedOperationException ex) {
			return "cannot run unshare here: " + ex;
		}
	}

	/** Skips with the reason, or fails under CI. */
	private void require(boolean condition, String reason) {
		if (!condition) {
			if (this.ci) {
				fail(reason + " (CI is set: the image profile must build and boot the image)");
			}
			Assumptions.abort(reason);
		}
	}

	private static String[] userIds(Path root, String user) throws IOException {
		String spec = (user == null || user.isBlank()) ? "0" : user;
		String[] parts = spec.split(":", 2);
		String uid = parts[0];
		String gid = (parts.length > 1) ? parts[1] : null;
		if (!uid.chars().allMatch(Character::isDigit) || gid == null) {
			for (String line : Files.readAllLines(root.resolve("etc/passwd"))) {
				String[] fields = line.split(":");
				if (fields[0].equals(uid) || fields[2].equals(uid)) {
					uid = fields[2];
					gid = (gid != null) ? gid : fields[3];
				}
			}
		}
		return new String[] { uid, (gid != null) ? gid : uid };
	}

	private static String status(ProcessHandle process, String field) throws IOException {
		return Files.readAllLines(Paths.get("/proc", String.valueOf(process.pid()), "status"))
			.stream()
			.filter((line) -> line.startsWith(field + ":"))
			.map((line) -> line.substring(field.length() + 1).strip())
			.findFirst()
			.orElse("");
	}

	private static int port(Map<String, Object> container, Object nameOrNumber) {
		if (nameOrNumber instanceof Integer number) {
			return number;
		}
		for (Map<String, Object> port : (List<Map<String, Object>>) container.get("ports")) {
			if (nameOrNumber.equals(port.get("name"))) {
				return (Integer) port.get("containerPort");
			}
		}
		throw new AssertionError("no container port " + nameOrNumber);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static void run(Path dir, String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (process.waitFor() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
		}
	}

	private static String tail(Path work) {
		try {
			List<String> lines = Files.readAllLines(work.resolve("app.log"));
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

}
