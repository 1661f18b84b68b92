package dev.warden.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonLimitsTest {

  @Test
  void defaults_areTheDocumentedValues() {
    JsonLimits limits = JsonLimits.defaults();

    assertThat(limits.maxBodyBytes()).isEqualTo(1_048_576);
    assertThat(limits.maxDepth()).isEqualTo(32);
    assertThat(limits.maxStringLength()).isEqualTo(65_536);
    assertThat(limits.maxNumberLength()).isEqualTo(100);
    assertThat(limits.maxObjectEntries()).isEqualTo(10_000);
  }

  @Test
  void constructor_nonPositiveLimit_throwsNamingTheSetting() {
    assertThatThrownBy(() -> new JsonLimits(0, 32, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limits.max_body_bytes must be positive, got 0");
    assertThatThrownBy(() -> new JsonLimits(1, -1, 1, 1, 1))
        .hasMessageContaining("limits.max_json_depth");
    assertThatThrownBy(() -> new JsonLimits(1, 1, 0, 1, 1))
        .hasMessageContaining("limits.max_string_length");
    assertThatThrownBy(() -> new JsonLimits(1, 1, 1, 0, 1))
        .hasMessageContaining("limits.max_number_length");
    assertThatThrownBy(() -> new JsonLimits(1, 1, 1, 1, 0))
        .hasMessageContaining("limits.max_members");
  }
}
