package io.wsgateway.protocol;

/**
 * Wraps the {@link MessageDispatcher} with cross-cutting work (metering, tracing). The
 * router applies every such bean in their {@link org.springframework.core.annotation.Order}:
 * the first one is the outermost.
 */
@FunctionalInterface
public interface MessageDispatcherDecorator {

	/** Returns a dispatcher that does its work around {@code dispatcher}. */
	MessageDispatcher decorate(MessageDispatcher dispatcher);

}
