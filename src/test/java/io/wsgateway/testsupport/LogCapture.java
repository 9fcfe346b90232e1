package io.wsgateway.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * Captures log events of some loggers, at a chosen level, instead of printing them: for
 * tests that assert what is (or is never) logged, and for tests whose expected errors
 * should not clutter a green run. Restores the loggers on {@link #close()}.
 * <pre>{@code
 * try (LogCapture logs = LogCapture.capture(Level.DEBUG, "io.wsgateway")) {
 *     ...
 *     assertThat(logs.messages()).noneMatch((line) -> line.contains(token));
 * }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {

	private final List<ILoggingEvent> events = new ArrayList<>();

	private final Map<Logger, Saved> saved = new java.util.LinkedHashMap<>();

	private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
		@Override
		protected void append(ILoggingEvent event) {
			event.prepareForDeferredProcessing();
			synchronized (LogCapture.this.events) {
				LogCapture.this.events.add(event);
			}
		}
	};

	private LogCapture() {
	}

	/** Starts capturing events of these loggers (and their children) at {@code level} and above; they are not printed meanwhile. */
	public static LogCapture capture(Level level, String... loggerNames) {
		LogCapture capture = new LogCapture();
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		capture.appender.setContext(context);
		capture.appender.start();
		for (String name : loggerNames) {
			Logger logger = context.getLogger(name);
			capture.saved.put(logger, new Saved(logger.getLevel(), logger.isAdditive()));
			logger.setLevel(level);
			logger.setAdditive(false);
			logger.addAppender(capture.appender);
		}
		return capture;
	}

	/** Returns the captured events so far. */
	public List<ILoggingEvent> events() {
		synchronized (this.events) {
			return List.copyOf(this.events);
		}
	}

	/** Returns the events that match. */
	public List<ILoggingEvent> events(Predicate<ILoggingEvent> condition) {
		return events().stream().filter(condition).toList();
	}

	/** Returns every captured event as one text: level, logger, formatted message, MDC and throwable messages. */
	public List<String> messages() {
		return events().stream().map(LogCapture::render).toList();
	}

	private static String render(ILoggingEvent event) {
		StringBuilder text = new StringBuilder().append(event.getLevel())
			.append(' ')
			.append(event.getLoggerName())
			.append(' ')
			.append(event.getFormattedMessage())
			.append(' ')
			.append(event.getMDCPropertyMap());
		for (IThrowableProxy cause = event.getThrowableProxy(); cause != null; cause = cause.getCause()) {
			text.append(" | ").append(cause.getClassName()).append(": ").append(cause.getMessage());
		}
		return text.toString();
	}

	@Override
	public void close() {
		this.saved.forEach((logger, previous) -> {
			logger.detachAppender(this.appender);
			logger.setLevel(previous.level());
			logger.setAdditive(previous.additive());
		});
		this.appender.stop();
	}

	private record Saved(Level level, boolean additive) {
	}

}
