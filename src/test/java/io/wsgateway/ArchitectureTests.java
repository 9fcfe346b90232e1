package io.wsgateway;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of the design (docs/architecture.md): dependencies point from the
 * features to the core, never back; metering and health implement or wrap the core's
 * contracts from outside it; broker and transport types stay in the one package that
 * adapts them; the endpoint is a Spring WebSocketHandler; no cycles between packages.
 */
@AnalyzeClasses(packages = "io.wsgateway", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

	private static final String[] CORE = { "io.wsgateway.protocol..", "io.wsgateway.session..",
			"io.wsgateway.handshake..", "io.wsgateway.bus..", "io.wsgateway.hub.." };

	private static final String[] FEATURES = { "io.wsgateway.echo..", "io.wsgateway.rooms..", "io.wsgateway.chat..",
			"io.wsgateway.notifications..", "io.wsgateway.presence..", "io.wsgateway.api..", "io.wsgateway.upstream..",
			"io.wsgateway.dev.." };

	@ArchTest
	static final ArchRule coreNeverImportsAFeature = noClasses().that()
		.resideInAnyPackage(CORE)
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage(FEATURES)
		.because("features use the core (protocol, session, handshake, bus), so that a feature is added without"
				+ " touching it");

	@ArchTest
	static final ArchRule coreNeverImportsOps = noClasses().that()
		.resideInAnyPackage(CORE)
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.wsgateway.ops..")
		.because("metering and health wrap the core's contracts from outside, or implement a contract of the core"
				+ " (BusMetering) (issue 20)");

	@ArchTest
	static final ArchRule theEndpointIsASpringWebSocketHandler = classes().that()
		.haveFullyQualifiedName("io.wsgateway.session.GatewayWebSocketHandler")
		.should()
		.beAssignableTo(WebSocketHandler.class)
		.andShould()
		.beAnnotatedWith(Component.class)
		.because("the /ws endpoint is a Spring WebSocketHandler bean, which WebSocketHandlerDecorators wrap");

	@ArchTest
	static final ArchRule onlyTheRabbitBusImportsSpringAmqp = noClasses().that()
		.resideOutsideOfPackage("io.wsgateway.bus.rabbit..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("org.springframework.amqp..")
		.because("the broker is one implementation of EventBus; everything else sees the contract");

	@ArchTest
	static final ArchRule jettyWebSocketTypesStayInTheTransport = noClasses().that()
		.resideOutsideOfPackages("io.wsgateway.session..", "io.wsgateway.upstream..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("org.eclipse.jetty.websocket..")
		.because("session adapts Jetty's core WebSocket API behind FrameTransport; upstream is allowed because its"
				+ " routes connect to targets with Jetty's WebSocket client");

	@ArchTest
	static final ArchRule noCyclesBetweenPackages = slices().matching("io.wsgateway.(*)..")
		.should()
		.beFreeOfCycles();

}
