package dev.warden.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
  private static final String OPERATOR = "wdn_" + "Ab3_-".repeat(8) + "xyz";
  private static final String AGENT = "wda_" + "Zq9-_".repeat(8) + "abc";

  @Test
  void redact_wardenTokens_masked() {
    String out = Redaction.redact("token " + OPERATOR + " and " + AGENT + ".");
    assertThat(out).doesNotContain(OPERATOR).doesNotContain(AGENT).contains("wdn_[REDACTED]");
  }

  @Test
  void redact_authorizationHeaderValues_masked() {
    assertThat(Redaction.redact("sent Authorization: Bearer s3cr3t-value, then"))
        .doesNotContain("s3cr3t-value")
        .contains("Authorization: [REDACTED]");
    assertThat(Redaction.redact("{\"authorization\":\"Basic dXNlcjpwYXNz\"}"))
        .doesNotContain("dXNlcjpwYXNz");
    assertThat(Redaction.redact("headers={Proxy-Authorization=Bearer zzz-secret}"))
        .doesNotContain("zzz-secret");
  }

  @Test
  void redact_pemPrivateKeys_masked_evenTruncated() {
    String key =
        "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----";
    assertThat(Redaction.redact("loaded " + key + " ok"))
        .doesNotContain("MIGHAgEAMBMGByqGSM49")
        .contains("loaded ")
        .endsWith(" ok");
    assertThat(Redaction.redact("{\"m\":\"-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIabc"))
        .doesNotContain("MHcCAQEEIabc");
  }

  @Test
  void redact_registeredSecrets_maskedAlsoJsonEscaped() {
    Redaction.register("hunter2-\"quoted\"-secret");
    assertThat(Redaction.redact("value hunter2-\"quoted\"-secret here")).doesNotContain("hunter2");
    assertThat(Redaction.redact("{\"msg\":\"hunter2-\\\"quoted\\\"-secret\"}"))
        .doesNotContain("hunter2");
  }

  @Test
  void register_tooShort_ignoredSoLinesStayReadable() {
    Redaction.register("ab");
    assertThat(Redaction.redact("about abc")).isEqualTo("about abc");
  }

  @Test
  void redact_ordinaryLine_unchanged() {
    String line = "warden listening on http://127.0.0.1:8421 (log size 3)";
    assertThat(Redaction.redact(line)).isEqualTo(line);
  }
}
