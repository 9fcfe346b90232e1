package io.wsgateway.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wsgateway.testsupport.MessagingEndToEndTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The protocol page's table of message types names exactly the types the router has a
 * handler for, so that neither can change without the other.
 */
@MessagingEndToEndTest
class ProtocolPageTests {

	private static final Pattern TABLE_ROW_TYPE = Pattern.compile("^\\| `([a-z_]+)[ `]");

	@Autowired
	private MessageRouter router;

	@Test
	void messageTypesTableNamesEveryRoutedTypeAndNoOther() throws IOException {
		assertThat(documentedTypes()).isEqualTo(new TreeSet<>(this.router.types()));
	}

	private static Set<String> documentedTypes() throws IOException {
		String page = Files.readString(Path.of("docs", "protocol.md"), StandardCharsets.UTF_8);
		String table = page.substring(page.indexOf("## Message types"));
		table = table.substring(0, table.indexOf("\n\n", table.indexOf("|")));
		Set<String> types = new TreeSet<>();
		for (String line : table.split("\n")) {
			Matcher type = TABLE_ROW_TYPE.matcher(line);
			if (type.find()) {
				types.add(type.group(1));
			}
		}
		return types;
	}

}
