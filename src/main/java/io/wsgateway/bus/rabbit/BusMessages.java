package io.wsgateway.bus.rabbit;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import io.wsgateway.bus.BusEvent;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/**
 * How a {@link BusEvent} travels as an AMQP message: the body as it is (JSON), and for
 * gateway events the publishing node, its sequence number, kind and excluded connection as
 * headers. A message without the origin header came from a backend.
 */
final class BusMessages {

	static final String ORIGIN = "x-gateway-origin";

	static final String KIND = "x-gateway-kind";

	static final String EXCLUDE = "x-gateway-exclude";

	/** The publishing node's number for the message, rising in publish order, kept when it is sent again. */
	static final String SEQUENCE = "x-gateway-seq";

	/**
	 * The event's key on {@code gateway.events} when the message was published on the
	 * client exchange under a backend's key (a chat, which nodes and backends share).
	 */
	static final String EVENT_KEY = "x-gateway-key";

	/** The event's offset in its channel's history, when it has one (PROTOCOL.md section 10). */
	static final String OFFSET = "x-gateway-offset";

	/** The epoch of {@link #OFFSET}. */
	static final String EPOCH = "x-gateway-epoch";

	static final int TRANSIENT = 1;

	static final int PERSISTENT = 2;

	private static final String JSON = "application/json";

	private BusMessages() {
	}

	/** Returns the headers of a gateway event from this node instance, in a map the publisher adds to. */
	static Map<String, Object> headers(BusEvent.Frame event, String instanceId) {
		Map<String, Object> headers = new HashMap<>(8);
		headers.put(ORIGIN, instanceId);
		if (event.kind() != null) {
			headers.put(KIND, event.kind());
		}
		if (event.excludeConnection() != null) {
			headers.put(EXCLUDE, event.excludeConnection());
		}
		if (event.offset() > 0) {
			headers.put(OFFSET, event.offset());
			headers.put(EPOCH, event.epoch());
		}
		return headers;
	}

	/** Returns the properties of a JSON message, without headers. */
	static AMQP.BasicProperties.Builder properties(int deliveryMode) {
		return new AMQP.BasicProperties.Builder().contentType(JSON).deliveryMode(deliveryMode);
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Returns the event a message carries, its routing key without the configured prefix
	 * (every key this node is bound to has it).
	 */
	static BusEvent toEvent(Message message, String routingKeyPrefix) {
		MessageProperties properties = message.getMessageProperties();
		String routingKey = header(properties, EVENT_KEY);
		if (routingKey == null) {
			routingKey = properties.getReceivedRoutingKey();
			if (routingKey.startsWith(routingKeyPrefix)) {
				routingKey = routingKey.substring(routingKeyPrefix.length());
			}
		}
		String body = new String(message.getBody(), StandardCharsets.UTF_8);
		String origin = header(properties, ORIGIN);
		if (origin == null) {
			return new BusEvent.Backend(routingKey, body, properties.getMessageId());
		}
		Object offset = properties.getHeader(OFFSET);
		return new BusEvent.Frame(routingKey, header(properties, KIND), body, origin, header(properties, EXCLUDE),
				(offset instanceof Number number) ? number.longValue() : 0, header(properties, EPOCH));
	}

	/** Returns the message's {@link #SEQUENCE}, or -1 without one (a backend's). */
	static long sequence(Message message) {
		Object value = message.getMessageProperties().getHeader(SEQUENCE);
		return (value instanceof Number number) ? number.longValue() : -1;
	}

	private static String header(MessageProperties properties, String name) {
		Object value = properties.getHeader(name);
		return (value != null) ? value.toString() : null;
	}

}
