package io.wsgateway.testsupport;

import java.net.URI;
import java.util.UUID;

import org.testcontainers.containers.GenericContainer;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The Redis for tests, found as the design says: {@code GATEWAY_TEST_REDIS_URI} if set
 * ({@code redis://host:port}); else a Testcontainers Redis where Docker runs; else a Redis
 * on 127.0.0.1:6379 if one answers; else the test fails when {@code CI} is set and is
 * skipped with the reason otherwise. Tests share it: each uses a key prefix of its own
 * ({@link #uniquePrefix()}), and one that must empty a database uses {@link #SCRATCH_DATABASE}.
 *
 * @param host Redis host
 * @param port Redis port
 */
public record RedisServer(String host, int port) {

	private static final String URI_VARIABLE = "GATEWAY_TEST_REDIS_URI";

	private static final int LOCAL_PORT = 6379;

	/** The database index tests may flush (never the default one, which others may use). */
	public static final int SCRATCH_DATABASE = 13;

	private static RedisServer found;

	/** Returns the server, starting a container on first use if that is the way. */
	public static synchronized RedisServer get() {
		if (found == null) {
			found = find();
		}
		return found;
	}

	/** Returns a key prefix no other test uses. */
	public static String uniquePrefix() {
		return "test:" + UUID.randomUUID().toString().substring(0, 8) + ":";
	}

	/** Returns Spring Boot properties that point {@code spring.data.redis.*} at this server. */
	public String[] springProperties(int database) {
		return new String[] { "spring.data.redis.host=" + this.host, "spring.data.redis.port=" + this.port,
				"spring.data.redis.database=" + database };
	}

	/** Returns a started template on the given database; the caller destroys its factory when done. */
	public StringRedisTemplate template(int database) {
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration(this.host, this.port);
		configuration.setDatabase(database);
		LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration);
		factory.afterPropertiesSet();
		factory.start();
		return new StringRedisTemplate(factory);
	}

	private static RedisServer find() {
		String uri = System.getenv(URI_VARIABLE);
		if (uri != null && !uri.isBlank()) {
			URI parsed = URI.create(uri);
			return new RedisServer(parsed.getHost(), (parsed.getPort() > 0) ? parsed.getPort() : LOCAL_PORT);
		}
		if (ServiceLookup.dockerAvailable()) {
			GenericContainer<?> container = new GenericContainer<>("redis:7-alpine").withExposedPorts(LOCAL_PORT);
			container.start();
			return new RedisServer(container.getHost(), container.getMappedPort(LOCAL_PORT));
		}
		if (ServiceLookup.answers("127.0.0.1", LOCAL_PORT)) {
			return new RedisServer("127.0.0.1", LOCAL_PORT);
		}
		String reason = "No Redis: set " + URI_VARIABLE + ", run Docker, or start Redis on 127.0.0.1:6379";
		return ServiceLookup.unavailable(reason);
	}

}
