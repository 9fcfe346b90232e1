package io.wsgateway;

import io.wsgateway.testsupport.MessagingEndToEndTest;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jetty's pool grows with the cores, not to Jetty's 200: a connect storm queues for a core.
 */
class JettyThreadsConfigurationTests {

	@Test
	void allowsEightThreadsPerCoreAndNeverFewerThanSixteen() {
		assertThat(JettyThreadsConfiguration.maxThreads(1)).isEqualTo(16);
		assertThat(JettyThreadsConfiguration.maxThreads(2)).isEqualTo(16);
		assertThat(JettyThreadsConfiguration.maxThreads(4)).isEqualTo(32);
		assertThat(JettyThreadsConfiguration.maxThreads(32)).isEqualTo(256);
	}

	@MessagingEndToEndTest
	@Nested
	class RunningServer {

		@Autowired
		private WebServerApplicationContext context;

		@Test
		void sizesTheServersPoolByTheCores() {
			JettyWebServer server = (JettyWebServer) this.context.getWebServer();
			QueuedThreadPool pool = (QueuedThreadPool) server.getServer().getThreadPool();
			assertThat(pool.getMaxThreads())
				.isEqualTo(JettyThreadsConfiguration.maxThreads(Runtime.getRuntime().availableProcessors()));
		}

	}

}
