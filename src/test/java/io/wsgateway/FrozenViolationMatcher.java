package io.wsgateway;

import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.tngtech.archunit.library.freeze.ViolationLineMatcher;

/**
 * How {@code ArchitectureTests}' frozen rules recognise a stored violation
 * ({@code freeze.lineMatcher} in {@code archunit.properties}). Like ArchUnit's default, it
 * ignores line numbers and the numbers of anonymous classes. A package cycle is recognised
 * by its chain of packages alone: its description also names one dependency per edge and
 * counts the others, which change with every edit along the cycle, while the cycle is
 * still the one that was frozen.
 */
public final class FrozenViolationMatcher implements ViolationLineMatcher {

	private static final Pattern LINE_NUMBER = Pattern.compile("\\(([^():]+\\.java):\\d+\\)");

	private static final Pattern ANONYMOUS = Pattern.compile("\\$\\d+");

	private static final Pattern CYCLE_DETAIL = Pattern.compile("^\\s*(- |\\(\\d+ further ).*");

	@Override
	public boolean matches(String stored, String fresh) {
		return normal(stored).equals(normal(fresh));
	}

	private static String normal(String violation) {
		String text = ANONYMOUS.matcher(LINE_NUMBER.matcher(violation).replaceAll("($1)")).replaceAll("\\$");
		if (!text.startsWith("Cycle detected:")) {
			return text;
		}
		return text.lines().filter((line) -> !CYCLE_DETAIL.matcher(line).matches()).collect(Collectors.joining("\n"));
	}

}
