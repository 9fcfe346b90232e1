package io.wsgateway.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Where Debian's chromium and chromedriver are ({@code CHROME_BIN} and {@code CHROMEDRIVER}
 * override), and a JUnit condition for tests that need them: without them the tests are
 * skipped with the reason, before any Spring context starts, but when {@code CI} is set
 * the missing browser is an error. {@code .ci/install-browser.sh} installs both.
 */
final class Chromium implements ExecutionCondition {

	static final Path BINARY = Path.of(envOr("CHROME_BIN", "/usr/bin/chromium"));

	static final Path DRIVER = Path.of(envOr("CHROMEDRIVER", "/usr/bin/chromedriver"));

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		List<String> missing = new ArrayList<>();
		if (!Files.isExecutable(BINARY)) {
			missing.add(BINARY + " (set CHROME_BIN to override)");
		}
		if (!Files.isExecutable(DRIVER)) {
			missing.add(DRIVER + " (set CHROMEDRIVER to override)");
		}
		if (missing.isEmpty()) {
			return ConditionEvaluationResult.enabled("chromium and chromedriver found");
		}
		String message = "SKIPPED browser test: Debian's chromium and chromium-driver are needed; missing "
				+ String.join(", ", missing) + ". Install them with: bash .ci/install-browser.sh";
		String ci = System.getenv("CI");
		if (ci != null && !ci.isBlank() && !"false".equalsIgnoreCase(ci)) {
			throw new IllegalStateException(message.replace("SKIPPED", "FAILED") + " (CI is set, so this is an error)");
		}
		System.err.println(message);
		return ConditionEvaluationResult.disabled(message);
	}

	private static String envOr(String name, String fallback) {
		String value = System.getenv(name);
		return (value != null && !value.isBlank()) ? value : fallback;
	}

}
