package dev.warden.httpsig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.httpsig.SignatureAlgorithms.Algorithm;
import dev.warden.httpsig.SignatureException.Reason;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SignatureAlgorithmsTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void signEd25519_rfc8032Test1_matchesVector() throws Exception {
    Map<String, Object> v = TestJson.resource("rfc8032-ed25519-test1.json");
    byte[] secret = HEX.parseHex(TestJson.string(v, "secret_key_hex"));
    byte[] publicKey = HEX.parseHex(TestJson.string(v, "public_key_hex"));
    byte[] message = HEX.parseHex(TestJson.string(v, "message_hex"));
    byte[] signature = HEX.parseHex(TestJson.string(v, "signature_hex"));
    assertThat(SignatureAlgorithms.ed25519PublicKey(secret)).isEqualTo(publicKey);
    assertThat(SignatureAlgorithms.signEd25519(secret, message)).isEqualTo(signature);
    SignatureAlgorithms.verifyEd25519(publicKey, message, signature);
  }

  @Test
  void signHmacSha256_rfc4231Case2_matchesVector() throws Exception {
    Map<String, Object> v = TestJson.resource("rfc4231-hmac-sha256-test2.json");
    byte[] key = HEX.parseHex(TestJson.string(v, "key_hex"));
    byte[] data = HEX.parseHex(TestJson.string(v, "data_hex"));
    byte[] mac = HEX.parseHex(TestJson.string(v, "mac_hex"));
    assertThat(SignatureAlgorithms.signHmacSha256(key, data)).isEqualTo(mac);
    SignatureAlgorithms.verifyHmacSha256(key, data, mac);
  }

  @Test
  void verify_randomKeysAndMessages_roundTripAndRejectAnyFlippedBit() throws Exception {
    for (long seed = 1; seed <= 64; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      byte[] key = bytes(random, 32);
      byte[] message = bytes(random, random.nextInt(300));
      byte[] ed = SignatureAlgorithms.signEd25519(key, message);
      byte[] publicKey = SignatureAlgorithms.ed25519PublicKey(key);
      byte[] mac = SignatureAlgorithms.signHmacSha256(key, message);
      SignatureAlgorithms.verify(Algorithm.ED25519, publicKey, message, ed);
      SignatureAlgorithms.verify(Algorithm.HMAC_SHA256, key, message, mac);

      int bit = random.nextInt(64 * 8);
      byte[] badEd = ed.clone();
      badEd[bit / 8] ^= (byte) (1 << (bit % 8));
      byte[] badMac = mac.clone();
      badMac[bit % 256 / 8] ^= (byte) (1 << (bit % 8));
      String where = "seed " + seed + " bit " + bit;
      assertBad(
          () -> SignatureAlgorithms.verify(Algorithm.ED25519, publicKey, message, badEd), where);
      assertBad(
          () -> SignatureAlgorithms.verify(Algorithm.HMAC_SHA256, key, message, badMac), where);
      if (message.length > 0) {
        byte[] badMessage = message.clone();
        badMessage[random.nextInt(message.length)] ^= 1;
        assertBad(() -> SignatureAlgorithms.verifyEd25519(publicKey, badMessage, ed), where);
        assertBad(() -> SignatureAlgorithms.verifyHmacSha256(key, badMessage, mac), where);
      }
    }
  }

  @Test
  void verify_wrongLengthSignatureOrOtherKey_throwsBadSignature() {
    byte[] key = new byte[32];
    byte[] publicKey = SignatureAlgorithms.ed25519PublicKey(key);
    byte[] message = {1, 2, 3};
    byte[] sig = SignatureAlgorithms.signEd25519(key, message);
    byte[] truncated = java.util.Arrays.copyOf(sig, 63);
    assertBad(() -> SignatureAlgorithms.verifyEd25519(publicKey, message, truncated), "truncated");
    assertBad(() -> SignatureAlgorithms.verifyEd25519(publicKey, message, new byte[0]), "empty");
    byte[] otherKey =
        SignatureAlgorithms.ed25519PublicKey(
            new byte[] {
              1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
              0, 0, 0
            });
    assertBad(() -> SignatureAlgorithms.verifyEd25519(otherKey, message, sig), "other key");
    byte[] mac = SignatureAlgorithms.signHmacSha256(key, message);
    assertBad(
        () -> SignatureAlgorithms.verifyHmacSha256(key, message, java.util.Arrays.copyOf(mac, 31)),
        "short mac");
    assertBad(() -> SignatureAlgorithms.verifyHmacSha256(otherKey, message, mac), "other secret");
  }

  @Test
  void verifyEd25519_publicKeyNot32Bytes_throwsIllegalArgument() {
    assertThatThrownBy(
            () -> SignatureAlgorithms.verifyEd25519(new byte[31], new byte[0], new byte[64]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignatureAlgorithms.signHmacSha256(new byte[0], new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void algorithm_fromParameter_knowsRfcNamesOnly() {
    assertThat(Algorithm.fromParameter("ed25519")).contains(Algorithm.ED25519);
    assertThat(Algorithm.fromParameter("hmac-sha256")).contains(Algorithm.HMAC_SHA256);
    assertThat(Algorithm.fromParameter("rsa-pss-sha512")).isEmpty();
    assertThat(Algorithm.fromParameter("ED25519")).isEmpty();
  }

  @Test
  void signingKey_toString_showsNoKeyMaterial() {
    byte[] seed = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    SigningKey key = SigningKey.ed25519("agent-1", seed);
    String shown = key.toString();
    assertThat(shown).contains("ed25519", "agent-1");
    assertThat(shown)
        .doesNotContain(HEX.formatHex(seed), Base64.getEncoder().encodeToString(seed), "9d61");
    SigningKey hmac = SigningKey.hmacSha256("agent-2", new byte[32]);
    assertThat(hmac.toString()).isEqualTo("SigningKey[hmac-sha256, keyid=agent-2]");
    assertThat(hmac.publicKey()).isEmpty();
  }

  @Test
  void signingKey_shortHmacSecretOrBadKeyId_throwsIllegalArgument() {
    assertThatThrownBy(() -> SigningKey.hmacSha256("k", new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SigningKey.ed25519("", new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SigningKey.ed25519("a\nb", new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void signingKey_seedArrayChangedAfterwards_keepsOwnCopy() {
    byte[] seed = new byte[32];
    SigningKey key = SigningKey.ed25519("k", seed);
    byte[] before = key.sign(new byte[] {7});
    seed[0] = 1;
    assertThat(key.sign(new byte[] {7})).isEqualTo(before);
  }

  private static byte[] bytes(SplittableRandom random, int n) {
    byte[] out = new byte[n];
    random.nextBytes(out);
    return out;
  }

  private static void assertBad(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String where) {
    assertThatThrownBy(call)
        .as(where)
        .isInstanceOfSatisfying(
            SignatureException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
  }
}
