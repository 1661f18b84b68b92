package dev.warden.client.warrant;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.client.warrant.WarrantException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Interoperability: a warrant issued by warden-core's ReceiptIssuer (see warrant/README.md). */
class WarrantVectorTest {
  private static final String JWS = text("warrant.jws").strip();
  private static final byte[] REQUEST = bytes("request.json");
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T23:41:00Z"));

  @Test
  void verify_warrantIssuedByServerCode_returnsItsFacts() throws Exception {
    WarrantVerifier verifier = verifier();

    VerifiedWarrant w = verifier.verify(JWS, REQUEST);

    assertThat(w)
        .isEqualTo(
            new VerifiedWarrant(
                "01JDA8XQ5ZP000000000000003",
                "agent-7",
                "acme",
                "payments.transfer",
                "account/42",
                "sha256:" + "ab".repeat(32),
                3,
                "warden.example.com/log",
                Instant.parse("2026-11-21T23:45:01.126Z")));
    assertThat(catchThrowableOfType(WarrantException.class, () -> verifier.verify(JWS, REQUEST)))
        .extracting(WarrantException::reason)
        .isEqualTo(Reason.ALREADY_USED);
  }

  @Test
  void verify_serverWarrantWithOtherBody_throwsDigestMismatch() throws Exception {
    byte[] other = new String(REQUEST, UTF_8).replace("acct-7", "acct-9").getBytes(UTF_8);

    assertThat(catchThrowableOfType(WarrantException.class, () -> verifier().verify(JWS, other)))
        .extracting(WarrantException::reason)
        .isEqualTo(Reason.DIGEST_MISMATCH);
  }

  @Test
  void of_serverRequestBody_equalsTheServersRequestDigest() throws Exception {
    JsonNode entry = WarrantFixture.JSON.readTree(bytes("entry.json"));

    assertThat(RequestDigest.of(REQUEST)).isEqualTo(entry.get("request_digest").textValue());
  }

  @Test
  void header_ofServerWarrant_isTheFixturesHeaderByteForByte() {
    String header = new String(Base64.getUrlDecoder().decode(JWS.split("\\.")[0]), UTF_8);

    assertThat(header)
        .isEqualTo(WarrantFixture.header("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"));
  }

  @Test
  void payload_ofServerWarrant_isTheEntryWithLogIndexAndOriginInCanonicalForm() throws Exception {
    byte[] payload = Base64.getUrlDecoder().decode(JWS.split("\\.")[1]);
    ObjectNode expected =
        ((ObjectNode) WarrantFixture.JSON.readTree(bytes("entry.json")))
            .put("log_index", 3)
            .put("log_origin", "warden.example.com/log");

    assertThat(new String(payload, UTF_8))
        .isEqualTo(new String(WarrantFixture.canonical(expected), UTF_8));
  }

  @Test
  void parse_serverJwks_hasTheRfc8037ThumbprintAsKid() throws Exception {
    // RFC 8037 Appendix A.3: the thumbprint of the Appendix A.1 key.
    assertThat(WarrantKeys.parse(text("jwks.json")).kids())
        .containsExactly("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  }

  private WarrantVerifier verifier() throws WarrantException {
    return new WarrantVerifier(
        WarrantKeys.parse(text("jwks.json")), clock, UsedWarrants.inMemory(clock, 10));
  }

  private static String text(String name) {
    return new String(bytes(name), UTF_8);
  }

  private static byte[] bytes(String name) {
    try (InputStream in = WarrantVectorTest.class.getResourceAsStream("/warrant/" + name)) {
      return Objects.requireNonNull(in, name).readAllBytes();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
