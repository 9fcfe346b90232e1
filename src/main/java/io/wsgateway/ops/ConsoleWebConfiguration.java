package io.wsgateway.ops;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.LiteWebJarsResourceResolver;

/**
 * Serves the operator console's static files at {@code /console/} wherever Actuator is:
 * on the application port, or on {@code management.server.port} when one is set (Spring
 * Boot imports this class into the management context then, and the condition keeps it
 * out of the application's). The files hold no data and are public; everything they show
 * comes from Actuator and the server API, which need the management credential.
 * The chart library is the uPlot webjar, its version resolved from the jar.
 */
@ManagementContextConfiguration(value = ManagementContextType.ANY, proxyBeanMethods = false)
@Conditional(ConsoleWebConfiguration.WhereActuatorIs.class)
class ConsoleWebConfiguration implements WebMvcConfigurer {

	static final String PATH = "/console";

	@Override
	public void addViewControllers(ViewControllerRegistry registry) {
		registry.addRedirectViewController(PATH, PATH + "/");
		registry.addViewController(PATH + "/").setViewName("forward:" + PATH + "/index.html");
	}

	@Override
	public void addResourceHandlers(ResourceHandlerRegistry registry) {
		registry.addResourceHandler(PATH + "/vendor/**")
			.addResourceLocations("classpath:/META-INF/resources/webjars/")
			.setCacheControl(CacheControl.noCache())
			.resourceChain(true)
			.addResolver(new LiteWebJarsResourceResolver());
		registry.addResourceHandler(PATH + "/**")
			.addResourceLocations("classpath:/console/")
			.setCacheControl(CacheControl.noCache());
	}

	/** True in the context that serves Actuator: the application's, or the management child context. */
	static class WhereActuatorIs implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			boolean child = context.getBeanFactory() != null && context.getBeanFactory().getParentBeanFactory() != null;
			return child || ManagementPortType.get(context.getEnvironment()) != ManagementPortType.DIFFERENT;
		}

	}

}
