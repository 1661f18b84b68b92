package dev.warden.httpsig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.httpsig.SignatureException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentDigestTest {

  private static final Map<String, Object> VECTOR =
      TestJson.resource("rfc9530-content-digest.json");
  private static final byte[] BODY =
      TestJson.string(VECTOR, "body").getBytes(StandardCharsets.UTF_8);
  private static final String SHA256 = "sha-256=:" + TestJson.string(VECTOR, "sha-256") + ":";
  private static final String SHA512 = "sha-512=:" + TestJson.string(VECTOR, "sha-512") + ":";

  @Test
  void header_rfcExampleBody_equalsRfcSha256() {
    assertThat(ContentDigest.header(BODY)).isEqualTo(SHA256);
  }

  @Test
  void verify_rfcDigests_accepts() throws Exception {
    ContentDigest.verify(List.of(SHA256), BODY);
    ContentDigest.verify(List.of(SHA512), BODY);
    ContentDigest.verify(List.of(SHA256 + ", " + SHA512), BODY);
    ContentDigest.verify(List.of(SHA512, SHA256), BODY); // two field lines
    ContentDigest.verify(List.of("md5=:AAAA:, " + SHA256), BODY); // unknown ignored
    assertThat(ContentDigest.header(new byte[0]))
        .isEqualTo("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
  }

  @Test
  void verify_otherBody_throwsDigestMismatch() {
    byte[] other = "{\"hello\": \"World\"}".getBytes(StandardCharsets.UTF_8);
    assertReason(() -> ContentDigest.verify(List.of(SHA256), other), Reason.DIGEST_MISMATCH)
        .hasMessageContaining("sha-256 does not match");
  }

  @Test
  void verify_oneOfTwoDigestsWrong_throwsDigestMismatch() {
    String wrong512 = "sha-512=:" + "A".repeat(86) + "==:";
    assertReason(
            () -> ContentDigest.verify(List.of(SHA256 + ", " + wrong512), BODY),
            Reason.DIGEST_MISMATCH)
        .hasMessageContaining("sha-512");
  }

  @Test
  void verify_onlyUnknownAlgorithms_throwsDigestMismatchNamingAccepted() {
    assertReason(
            () -> ContentDigest.verify(List.of("md5=:AAAA:, sha=:AAAA:"), BODY),
            Reason.DIGEST_MISMATCH)
        .hasMessageContaining("sha-256, sha-512");
  }

  @Test
  void verify_noField_throwsDigestMismatchNamingAccepted() {
    assertReason(() -> ContentDigest.verify(List.of(), BODY), Reason.DIGEST_MISMATCH)
        .hasMessageContaining("sha-256, sha-512");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE",
        "sha-256",
        "sha-256=:abc$:",
        "SHA-256=:AAAA:",
        ":AAAA:",
        "sha-256=(:AAAA:)"
      })
  void verify_malformedField_throwsMalformed(String field) {
    assertReason(() -> ContentDigest.verify(List.of(field), BODY), Reason.MALFORMED_SIGNATURE)
        .hasMessageContaining("Content-Digest");
  }

  @Test
  void verify_truncatedDigest_throwsDigestMismatch() {
    byte[] digest = java.util.Base64.getDecoder().decode(TestJson.string(VECTOR, "sha-256"));
    String truncated =
        "sha-256=:"
            + java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(digest, 16))
            + ":";
    assertReason(() -> ContentDigest.verify(List.of(truncated), BODY), Reason.DIGEST_MISMATCH);
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ?> assertReason(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Reason reason) {
    return assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            SignatureException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
