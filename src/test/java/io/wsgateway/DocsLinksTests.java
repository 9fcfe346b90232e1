package io.wsgateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link of the README and of {@code docs/} resolves: the file (or directory)
 * exists, and a {@code #fragment} names a heading of that file as GitHub spells its anchor.
 * Links inside code are not links; absolute URLs are not checked.
 */
class DocsLinksTests {

	private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

	private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*)$");

	@Test
	void everyRelativeLinkResolves() throws IOException {
		List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
		try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
			docs.filter((path) -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
		}
		List<String> broken = new ArrayList<>();
		int checked = 0;
		for (Path page : pages) {
			for (String target : links(page)) {
				if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
					continue; // http:, https:, mailto:
				}
				checked++;
				String problem = problem(page, target);
				if (problem != null) {
					broken.add(page + ": (" + target + ") " + problem);
				}
			}
		}
		assertThat(checked).as("relative links found").isGreaterThan(20);
		assertThat(broken).isEmpty();
	}

	private static String problem(Path page, String target) throws IOException {
		int hash = target.indexOf('#');
		String file = (hash >= 0) ? target.substring(0, hash) : target;
		String fragment = (hash >= 0) ? target.substring(hash + 1) : null;
		Path resolved = file.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(file).normalize();
		if (!Files.exists(resolved)) {
			return "no such file";
		}
		if (fragment != null && resolved.toString().endsWith(".md") && !anchors(resolved).contains(fragment)) {
			return "no heading with this anchor";
		}
		return null;
	}

	/** The link targets of a Markdown page, outside fenced code blocks and inline code. */
	static List<String> links(Path page) throws IOException {
		List<String> targets = new ArrayList<>();
		boolean fenced = false;
		for (String line : Files.readAllLines(page)) {
			if (line.strip().startsWith("```")) {
				fenced = !fenced;
				continue;
			}
			if (fenced) {
				continue;
			}
			Matcher matcher = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
			while (matcher.find()) {
				targets.add(matcher.group(1));
			}
		}
		return targets;
	}

	/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as dashes. */
	static Set<String> anchors(Path page) throws IOException {
		Set<String> anchors = new HashSet<>();
		boolean fenced = false;
		for (String line : Files.readAllLines(page)) {
			if (line.strip().startsWith("```")) {
				fenced = !fenced;
			}
			Matcher matcher = HEADING.matcher(line);
			if (!fenced && matcher.matches()) {
				String anchor = matcher.group(1)
					.strip()
					.toLowerCase(Locale.ROOT)
					.replaceAll("[^\\p{L}\\p{N} _-]", "")
					.replace(' ', '-');
				String unique = anchor;
				for (int i = 1; !anchors.add(unique); i++) {
					unique = anchor + "-" + i;
				}
			}
		}
		return anchors;
	}

}
