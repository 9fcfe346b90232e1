package io.wsgateway.history;

import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.GatewayException;
import tools.jackson.databind.JsonNode;

/**
 * A join's {@code recover {offset, epoch}}: the last offset the client saw and its epoch.
 *
 * @param offset 0 or more, at most 2^53 - 1 (what a JavaScript number holds exactly)
 * @param epoch 1 to {@value #MAX_EPOCH_LENGTH} characters
 */
public record Recover(long offset, String epoch) {

	static final long MAX_OFFSET = (1L << 53) - 1;

	static final int MAX_EPOCH_LENGTH = 64;

	/**
	 * Returns the {@code recover} field of a join, or {@code null} when it is absent.
	 * @throws GatewayException {@code invalid_message} unless it is an object with an integer
	 * {@code offset} from 0 to 2^53 - 1 and a string {@code epoch} of 1 to 64 characters
	 */
	public static Recover of(JsonNode recover) {
		if (recover == null || recover.isNull() || recover.isMissingNode()) {
			return null;
		}
		if (!recover.isObject()) {
			throw invalid("field 'recover' must be an object {offset, epoch}");
		}
		JsonNode offset = recover.get("offset");
		if (offset == null || !offset.isIntegralNumber() || !offset.canConvertToLong() || offset.asLong() < 0
				|| offset.asLong() > MAX_OFFSET) {
			throw invalid("field 'recover.offset' must be an integer from 0 to " + MAX_OFFSET);
		}
		JsonNode epoch = recover.get("epoch");
		if (epoch == null || !epoch.isString() || epoch.asString().isEmpty()
				|| epoch.asString().length() > MAX_EPOCH_LENGTH) {
			throw invalid("field 'recover.epoch' must be a string of 1 to " + MAX_EPOCH_LENGTH + " characters");
		}
		return new Recover(offset.asLong(), epoch.asString());
	}

	private static GatewayException invalid(String message) {
		return new GatewayException(ErrorCode.INVALID_MESSAGE, message);
	}

}
