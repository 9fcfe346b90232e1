package io.wsgateway.dev;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.wsgateway.protocol.Identifiers;

/**
 * The body of {@code POST /dev/token}: whom the token is for, and for how long.
 *
 * @param sub the user id; 1 to 256 characters without control characters, the rule the
 * gateway applies to every token's {@code sub} (PROTOCOL section 12)
 * @param roles the {@code roles} claim ({@code admin} unlocks admin-only types,
 * {@code service} the server API); ids of {@code [A-Za-z0-9._:-]}, none by default
 * @param clans the {@code clans} claim: the clans whose chat the user may join; same form
 * @param ttl seconds until {@code exp}; {@code gateway.dev.token-ttl} when absent
 */
record DevTokenRequest(String sub, List<String> roles, List<String> clans, Long ttl) {

	static final int MAX_SUBJECT_LENGTH = 256;

	private static final Pattern CONTROL = Pattern.compile("\\p{Cc}");

	private static final Pattern ID = Pattern.compile(Identifiers.PATTERN);

	DevTokenRequest {
		roles = (roles != null) ? roles : List.of();
		clans = (clans != null) ? clans : List.of();
	}

	/**
	 * Returns what is wrong with this request, one {@code {pointer, detail}} per field in
	 * error (the server API's form), or an empty list for a valid one.
	 */
	List<Map<String, String>> problems(DevProperties limits) {
		List<Map<String, String>> problems = new ArrayList<>();
		if (this.sub == null || this.sub.isEmpty()) {
			problems.add(problem("sub", "is required"));
		}
		else if (this.sub.codePointCount(0, this.sub.length()) > MAX_SUBJECT_LENGTH) {
			problems.add(problem("sub", "must be at most " + MAX_SUBJECT_LENGTH + " characters"));
		}
		else if (CONTROL.matcher(this.sub).find()) {
			problems.add(problem("sub", "must not contain control characters"));
		}
		ids("roles", this.roles, limits.maxClaimValues(), problems);
		ids("clans", this.clans, limits.maxClaimValues(), problems);
		long max = limits.maxTokenTtl().toSeconds();
		if (this.ttl != null && (this.ttl < 1 || this.ttl > max)) {
			problems.add(problem("ttl", "must be 1 to " + max + " seconds"));
		}
		return problems;
	}

	private static void ids(String field, List<String> values, int max, List<Map<String, String>> problems) {
		if (values.size() > max) {
			problems.add(problem(field, "must have at most " + max + " entries"));
			return;
		}
		for (int i = 0; i < values.size(); i++) {
			String value = values.get(i);
			if (value == null || !ID.matcher(value).matches()) {
				problems.add(problem(field + "/" + i, Identifiers.MESSAGE));
			}
		}
	}

	private static Map<String, String> problem(String field, String detail) {
		return Map.of("pointer", "#/" + field, "detail", detail);
	}

}
