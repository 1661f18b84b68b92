package dev.warden.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.receipt.ReceiptException.Reason;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** JWK and JWKS: RFC 7638 thumbprints, the JSON form, strict parsing. */
class JwksTest {
  private static final long SEED = Long.getLong("warden.seed", 0x1_3c5L);
  private static final byte[] PK1 = ReceiptFixture.key(new SplittableRandom(SEED)).publicKey();
  private static final byte[] PK2 = ReceiptFixture.key(new SplittableRandom(SEED + 1)).publicKey();

  @Test
  void thumbprint_rfc8037AppendixA3_matches() {
    byte[] x = Base64.getUrlDecoder().decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
    assertThat(Jwk.thumbprint(x)).isEqualTo("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  }

  @Test
  void toJson_twoKeys_isCanonicalOkpJwksAndParsesBack() throws Exception {
    Jwks jwks = Jwks.of(PK1, PK2);
    String x1 = Base64.getUrlEncoder().withoutPadding().encodeToString(PK1);
    String kid1 = Jwk.thumbprint(PK1);
    assertThat(jwks.toJson())
        .startsWith(
            "{\"keys\":[{\"alg\":\"EdDSA\",\"crv\":\"Ed25519\",\"kid\":\""
                + kid1
                + "\",\"kty\":\"OKP\",\"use\":\"sig\",\"x\":\""
                + x1
                + "\"},");
    Jwks back = Jwks.parse(jwks.toJson());
    assertThat(back).isEqualTo(jwks);
    assertThat(back.find(kid1)).hasValueSatisfying(k -> assertThat(k.publicKey()).isEqualTo(PK1));
    assertThat(back.find("nope")).isEmpty();
  }

  @Test
  void parse_minimalKeyWithoutAlgAndUse_isAccepted() throws Exception {
    String x = Base64.getUrlEncoder().withoutPadding().encodeToString(PK1);
    String json =
        "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\""
            + x
            + "\",\"kid\":\""
            + Jwk.thumbprint(PK1)
            + "\"}]}";
    assertThat(Jwks.parse(json).keys()).containsExactly(Jwk.of(PK1));
  }

  @Test
  void parse_refusedDocuments_throwMalformed() {
    String x = Base64.getUrlEncoder().withoutPadding().encodeToString(PK1);
    String kid = Jwk.thumbprint(PK1);
    String key = "\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + x + "\",\"kid\":\"" + kid + "\"";
    for (String json :
        List.of(
            "",
            "[]",
            "{}",
            "{\"keys\":{}}",
            "{\"keys\":[],\"other\":1}",
            "{\"keys\":[{" + key + ",\"d\":\"AAAA\"}]}",
            "{\"keys\":[{" + key + ",\"key_ops\":[\"verify\"]}]}",
            "{\"keys\":[{" + key.replace("OKP", "EC") + "}]}",
            "{\"keys\":[{" + key.replace("Ed25519", "Ed448") + "}]}",
            "{\"keys\":[{" + key.replace(kid, "k1") + "}]}",
            "{\"keys\":[{" + key.replace(x, x + "=") + "}]}",
            "{\"keys\":[{" + key.replace(x, x.substring(1)) + "}]}",
            "{\"keys\":[{" + key + ",\"alg\":\"ES256\"}]}",
            "{\"keys\":[{" + key + ",\"use\":\"enc\"}]}",
            "{\"keys\":[{" + key + "},{" + key + "}]}",
            "{\"keys\":[{" + key + ",\"kty\":\"OKP\"}]}")) {
      assertThatThrownBy(() -> Jwks.parse(json))
          .as(json)
          .isInstanceOfSatisfying(
              ReceiptException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
    }
  }

  @Test
  void jwk_kidNotThumbprint_throwsIllegalArgument() {
    assertThatThrownBy(() -> new Jwk("k1", PK1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Jwk.of(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Jwks.of(PK1, PK1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_randomMutations_onlyReceiptException() {
    String good = Jwks.of(PK1, PK2).toJson();
    String alphabet = "{}[]\",:-_=Aa0 \\";
    for (int run = 0; run < 10_000; run++) {
      long seed = SEED + run;
      SplittableRandom random = new SplittableRandom(seed);
      StringBuilder s = new StringBuilder(good);
      int at = random.nextInt(s.length());
      switch (random.nextInt(3)) {
        case 0 -> s.deleteCharAt(at);
        case 1 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
        default -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
      }
      try {
        Jwks parsed = Jwks.parse(s.toString());
        for (Jwk k : parsed.keys()) {
          assertThat(k.kid()).as("seed %d", seed).isEqualTo(Jwk.thumbprint(k.publicKey()));
        }
      } catch (ReceiptException expected) {
        // refused: fine
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + ": " + e, e);
      }
    }
  }
}
