package io.wsgateway;

import org.eclipse.jetty.util.thread.QueuedThreadPool;

import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Sizes Jetty's thread pool by the cores the JVM sees, unless {@code server.jetty.threads.max}
 * is set: {@value #THREADS_PER_CORE} per core, at least {@value #MIN_THREADS}. The pool reads
 * every WebSocket frame and runs every handshake, work that is CPU-bound and never blocks, so a
 * connect storm should queue for a core rather than grow the pool to Jetty's 200 (issue 19); a
 * fixed number would starve a large pod of selector and worker threads, or leave a small one
 * with hundreds.
 */
@Configuration(proxyBeanMethods = false)
class JettyThreadsConfiguration {

	static final int THREADS_PER_CORE = 8;

	static final int MIN_THREADS = 16;

	static final String MAX_THREADS_PROPERTY = "server.jetty.threads.max";

	@Bean
	WebServerFactoryCustomizer<JettyServletWebServerFactory> jettyThreadsCustomizer(Environment environment) {
		int maxThreads = maxThreads(Runtime.getRuntime().availableProcessors());
		return (factory) -> {
			if (!environment.containsProperty(MAX_THREADS_PROPERTY)) {
				factory.addServerCustomizers((server) -> {
					if (server.getThreadPool() instanceof QueuedThreadPool pool) {
						pool.setMaxThreads(maxThreads);
					}
				});
			}
		};
	}

	/** Returns the pool's maximum for a node with {@code cores} cores. */
	static int maxThreads(int cores) {
		return Math.max(MIN_THREADS, THREADS_PER_CORE * cores);
	}

}
