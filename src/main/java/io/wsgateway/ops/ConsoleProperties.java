package io.wsgateway.ops;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The operator console's node statistics ({@code gateway.console.*}): every node samples
 * itself every {@code sample-interval}, keeps {@code history} of its samples and of every
 * other node's, and sends each sample to the other nodes over the bus.
 *
 * @param sampleInterval how often each node samples itself and tells the others; a node
 * not heard from for three intervals leaves the console's cluster view
 * @param history how far back each node's samples are kept (the console's charts)
 */
@Validated
@ConfigurationProperties("gateway.console")
public record ConsoleProperties(
		@DefaultValue("5s") Duration sampleInterval,
		@DefaultValue("15m") Duration history) {

	/** Returns how many samples of each node are kept. */
	int samples() {
		return (int) Math.max(1, this.history.toMillis() / this.sampleInterval.toMillis());
	}

	@AssertTrue(message = "sample-interval must be at least 1s and history at least one interval and at most 1000 of them")
	boolean isBounded() {
		return this.sampleInterval.toMillis() >= 1000 && this.history.compareTo(this.sampleInterval) >= 0
				&& this.history.toMillis() / this.sampleInterval.toMillis() <= 1000;
	}

}
