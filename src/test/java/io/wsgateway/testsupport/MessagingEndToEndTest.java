package io.wsgateway.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * The application context of the end-to-end tests of rooms, notifications and clan chat:
 * a real server on a random port with the local bus, wrapped in a
 * {@link RecordingEventBus} (autowire {@code EventBus} and cast it). The tests of a class
 * share one context, so they use names of their own (users, rooms, clans) and leave no
 * connection open.
 *
 * <p>The context is closed after each class ({@link DirtiesContext}) instead of being
 * cached for the next class with the same configuration: Spring Framework 7 pauses a
 * cached context while other contexts run (stopping its lifecycle beans), and a gateway
 * whose {@code SessionDrainer} was stopped keeps refusing handshakes with 503 after it
 * is started again.
 *
 * <p>Per-IP admission limits are out of the way, the message rate limit is high enough for
 * bursts of hundreds, and {@code send-buffer-limit} is small (256 KB) so that a client that
 * stops reading is closed quickly; {@code send-time-limit} is long so that such a client
 * still sees its 4010 close frame when it reads again within that time.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET,
				"gateway.admission.handshakes-per-minute-per-ip=100000",
				"gateway.admission.max-connections-per-ip=10000", "gateway.limits.messages-per-second=1000",
				"gateway.websocket.send-buffer-limit=256KB", "gateway.websocket.send-time-limit=30s" })
@ActiveProfiles("test")
@DirtiesContext
@Import(RecordingEventBus.Installer.class)
public @interface MessagingEndToEndTest {

}
