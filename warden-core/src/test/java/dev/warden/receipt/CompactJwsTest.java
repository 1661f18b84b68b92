package dev.warden.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.crypto.Ed25519KeyPair;
import dev.warden.httpsig.SignatureAlgorithms;
import dev.warden.receipt.ReceiptException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Compact JWS with EdDSA: RFC 8037's example, the header Warden writes, and every refusal. */
class CompactJwsTest {
  private static final long SEED = Long.getLong("warden.seed", 0x1a55_0e5L);
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  /** RFC 8037 Appendix A.1 private key (d) and public key (x). */
  private static final Ed25519KeyPair RFC8037 =
      Ed25519KeyPair.fromSeed(
          Base64.getUrlDecoder().decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"));

  private static final String KID = Jwk.thumbprint(RFC8037.publicKey());
  private static final Jwks JWKS = Jwks.of(RFC8037.publicKey());
  private static final byte[] PAYLOAD = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

  @Test
  void rfc8037AppendixA_keyThumbprintAndSignature_match() throws Exception {
    assertThat(B64URL.encodeToString(RFC8037.publicKey()))
        .isEqualTo("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
    assertThat(KID).isEqualTo("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"); // A.3
    // A.4: header {"alg":"EdDSA"}, payload "Example of Ed25519 signing".
    String input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
    assertThat(B64URL.encodeToString(RFC8037.sign(input.getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo(
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
  }

  @Test
  void sign_header_isExactlyTheCanonicalReceiptHeader() {
    String jws = CompactJws.sign(PAYLOAD, RFC8037, KID);
    String header =
        new String(Base64.getUrlDecoder().decode(jws.split("\\.")[0]), StandardCharsets.UTF_8);
    assertThat(header)
        .isEqualTo("{\"alg\":\"EdDSA\",\"kid\":\"" + KID + "\",\"typ\":\"warden-receipt+jwt\"}");
  }

  @Test
  void verify_signedJws_returnsPayloadAndSignatureIsPlainEd25519() throws Exception {
    String jws = CompactJws.sign(PAYLOAD, RFC8037, KID);
    assertThat(CompactJws.verify(jws, JWKS)).isEqualTo(PAYLOAD);
    int dot = jws.lastIndexOf('.');
    SignatureAlgorithms.verifyEd25519(
        RFC8037.publicKey(),
        jws.substring(0, dot).getBytes(StandardCharsets.US_ASCII),
        Base64.getUrlDecoder().decode(jws.substring(dot + 1)));
  }

  @Test
  void verify_refusedHeaders_throwMalformed() {
    for (String header :
        List.of(
            "{\"alg\":\"none\",\"kid\":\"" + KID + "\",\"typ\":\"warden-receipt+jwt\"}",
            "{\"alg\":\"HS256\",\"kid\":\"" + KID + "\",\"typ\":\"warden-receipt+jwt\"}",
            "{\"alg\":\"EdDSA\",\"kid\":\"" + KID + "\"}",
            "{\"alg\":\"EdDSA\",\"kid\":\"" + KID + "\",\"typ\":\"JWT\"}",
            "{\"alg\":\"EdDSA\",\"typ\":\"warden-receipt+jwt\"}",
            "{\"alg\":\"EdDSA\",\"kid\":\""
                + KID
                + "\",\"typ\":\"warden-receipt+jwt\",\"crit\":[\"b64\"],\"b64\":false}",
            "{\"alg\":\"EdDSA\",\"alg\":\"EdDSA\",\"kid\":\""
                + KID
                + "\",\"typ\":\"warden-receipt+jwt\"}",
            "[\"EdDSA\"]",
            "not json")) {
      String input =
          B64URL.encodeToString(header.getBytes(StandardCharsets.UTF_8))
              + "."
              + B64URL.encodeToString(PAYLOAD);
      String jws =
          input
              + "."
              + B64URL.encodeToString(RFC8037.sign(input.getBytes(StandardCharsets.US_ASCII)));
      assertReason(jws, Reason.MALFORMED, header);
    }
    // alg none, unsigned
    String none =
        B64URL.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + B64URL.encodeToString(PAYLOAD)
            + ".";
    assertReason(none, Reason.MALFORMED, "unsigned alg none");
  }

  @Test
  void verify_nonCanonicalEncodingOrShape_throwsMalformed() {
    String jws = CompactJws.sign(PAYLOAD, RFC8037, KID);
    String[] p = jws.split("\\.");
    assertReason(jws + "=", Reason.MALFORMED, "padding");
    assertReason(p[0] + "=." + p[1] + "." + p[2], Reason.MALFORMED, "header padding");
    assertReason(
        jws.replace('-', '+').replace('_', '/')
            + (jws.contains("-") || jws.contains("_") ? "" : "+"),
        Reason.MALFORMED,
        "standard base64");
    assertReason(p[0] + "." + p[1], Reason.MALFORMED, "two parts");
    assertReason(jws + ".", Reason.MALFORMED, "four parts");
    assertReason(p[0] + ".." + p[2], Reason.MALFORMED, "empty payload");
    assertReason(p[0] + "." + p[1] + "." + p[2] + "\n", Reason.MALFORMED, "newline");
    // A last character with nonzero padding bits decodes to the same bytes in lenient decoders.
    char last = p[2].charAt(p[2].length() - 1);
    char other = (char) (last == 'A' ? 'B' : last - 1);
    if (p[2].length() % 4 != 0) {
      assertReason(
          p[0] + "." + p[1] + "." + p[2].substring(0, p[2].length() - 1) + other,
          null,
          "last char");
    }
  }

  @Test
  void verify_unknownKid_throwsJwsUnknownKey() {
    Ed25519KeyPair other = ReceiptFixture.key(new SplittableRandom(SEED));
    String jws = CompactJws.sign(PAYLOAD, other, Jwk.thumbprint(other.publicKey()));
    assertReason(jws, Reason.JWS_UNKNOWN_KEY, "other key");
  }

  @Test
  void verify_signedByOtherKeyUnderKnownKid_throwsJwsSignature() {
    Ed25519KeyPair other = ReceiptFixture.key(new SplittableRandom(SEED));
    assertReason(CompactJws.sign(PAYLOAD, other, KID), Reason.JWS_SIGNATURE, "other key, our kid");
    String jws = CompactJws.sign(PAYLOAD, RFC8037, KID);
    String[] p = jws.split("\\.");
    String tampered =
        p[0]
            + "."
            + B64URL.encodeToString("{\"a\":2}".getBytes(StandardCharsets.UTF_8))
            + "."
            + p[2];
    assertReason(tampered, Reason.JWS_SIGNATURE, "payload changed");
  }

  @Test
  void verify_randomMutations_onlyReceiptExceptionAndNeverAnotherPayload() {
    String jws = CompactJws.sign(PAYLOAD, RFC8037, KID);
    String alphabet = ".-_=+/Aa0 ";
    for (int run = 0; run < 10_000; run++) {
      long seed = SEED + run;
      SplittableRandom random = new SplittableRandom(seed);
      StringBuilder s = new StringBuilder(jws);
      int at = random.nextInt(s.length());
      switch (random.nextInt(3)) {
        case 0 -> s.deleteCharAt(at);
        case 1 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
        default -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
      }
      try {
        assertThat(CompactJws.verify(s.toString(), JWKS)).as("seed %d", seed).isEqualTo(PAYLOAD);
      } catch (ReceiptException expected) {
        // refused: fine
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + ": " + e, e);
      }
    }
  }

  /** {@code reason} null: any ReceiptException. */
  private static void assertReason(String jws, Reason reason, String what) {
    assertThatThrownBy(() -> CompactJws.verify(jws, JWKS))
        .as(what)
        .isInstanceOfSatisfying(
            ReceiptException.class,
            e -> {
              if (reason != null) {
                assertThat(e.reason()).as(what + ": " + e.getMessage()).isEqualTo(reason);
              }
            });
  }
}
