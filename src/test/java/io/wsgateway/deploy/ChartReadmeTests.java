package io.wsgateway.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's README is generated from its values: this test fails when {@code values.yaml}
 * or {@code Chart.yaml} changed and the README did not, and rewrites the README when run
 * with {@code -Dchart.readme.write=true}.
 */
class ChartReadmeTests {

	@Test
	void readmeIsGeneratedFromTheValues() throws IOException {
		String generated = ChartReadme.generate();
		if (Boolean.getBoolean("chart.readme.write")) {
			Files.writeString(ChartReadme.FILE, generated, StandardCharsets.UTF_8);
		}
		assertThat(ChartReadme.FILE).as("regenerate with ./mvnw test -Dtest=ChartReadmeTests -Dchart.readme.write=true")
			.hasContent(generated);
	}

	@Test
	void documentsNestedValuesWithTheirDefaults() {
		assertThat(ChartReadme.generate()).contains("| `replicaCount` | int | `2` |")
			.contains("| `image.repository` | string | `\"websocket-gateway\"` |")
			.contains("| `ingress.timeouts.read` | int | `3600` |")
			.contains("| `podDisruptionBudget.minAvailable` | null | `null` |");
	}

}
