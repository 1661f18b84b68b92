package dev.warden.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.json.JsonLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link Limits}: the SPEC §3–5 defaults, and refusal of limits that would switch a check off. */
class LimitsTest {

  @Test
  void defaults_matchSpec() {
    Limits l = Limits.defaults();
    assertThat(l.json().maxBodyBytes()).isEqualTo(1 << 20);
    assertThat(l.json().maxDepth()).isEqualTo(32);
    assertThat(l.clockSkew()).isEqualTo(Duration.ofSeconds(30));
    assertThat(l.maxSignatureAge()).isEqualTo(Duration.ofSeconds(300));
    assertThat(l.idempotencyRetention()).isEqualTo(Duration.ofHours(24));
    assertThat(l.refusalSummaryInterval()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void new_zeroClockSkew_allowed() {
    assertThat(with(Duration.ZERO, Duration.ofSeconds(300), 255).clockSkew()).isZero();
  }

  @Test
  void new_negativeClockSkew_throwsNamingSetting() {
    assertThatThrownBy(() -> with(Duration.ofSeconds(-1), Duration.ofSeconds(300), 255))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limits.clock_skew");
  }

  @Test
  void new_zeroMaxSignatureAge_throwsNamingSetting() {
    assertThatThrownBy(() -> with(Duration.ofSeconds(30), Duration.ZERO, 255))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limits.max_signature_age");
  }

  @Test
  void new_zeroIdempotencyKeyLength_throwsNamingSetting() {
    assertThatThrownBy(() -> with(Duration.ofSeconds(30), Duration.ofSeconds(300), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limits.max_idempotency_key_length");
  }

  @Test
  void new_nonPositiveCounts_throwNamingSettings() {
    Limits d = Limits.defaults();
    assertThatThrownBy(
            () ->
                new Limits(
                    d.json(),
                    0,
                    d.maxHeaderCount(),
                    d.clockSkew(),
                    d.maxSignatureAge(),
                    d.idempotencyRetention(),
                    d.maxIdempotencyKeyLength(),
                    d.refusalSummaryInterval(),
                    d.maxRefusalSources(),
                    d.warrantTtl()))
        .hasMessageContaining("limits.max_header_bytes");
    assertThatThrownBy(
            () ->
                new Limits(
                    d.json(),
                    d.maxHeaderBytes(),
                    d.maxHeaderCount(),
                    d.clockSkew(),
                    d.maxSignatureAge(),
                    d.idempotencyRetention(),
                    d.maxIdempotencyKeyLength(),
                    d.refusalSummaryInterval(),
                    -1,
                    d.warrantTtl()))
        .hasMessageContaining("limits.max_refusal_sources");
    assertThatThrownBy(
            () ->
                new Limits(
                    d.json(),
                    d.maxHeaderBytes(),
                    d.maxHeaderCount(),
                    d.clockSkew(),
                    d.maxSignatureAge(),
                    d.idempotencyRetention(),
                    d.maxIdempotencyKeyLength(),
                    Duration.ZERO,
                    d.maxRefusalSources(),
                    d.warrantTtl()))
        .hasMessageContaining("limits.refusal_summary_interval");
  }

  private static Limits with(Duration skew, Duration maxAge, int keyLength) {
    Limits d = Limits.defaults();
    return new Limits(
        JsonLimits.defaults(),
        d.maxHeaderBytes(),
        d.maxHeaderCount(),
        skew,
        maxAge,
        d.idempotencyRetention(),
        keyLength,
        d.refusalSummaryInterval(),
        d.maxRefusalSources(),
        d.warrantTtl());
  }
}
