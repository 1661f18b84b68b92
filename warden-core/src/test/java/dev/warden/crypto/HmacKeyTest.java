package dev.warden.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * {@link HmacKey} against RFC 4231 §4.7 and §4.8 (test cases 6 and 7: the only ones whose key, 131
 * bytes of 0xaa, meets HmacKey's 32-byte minimum).
 */
class HmacKeyTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] KEY_131 = filled(131, 0xaa);

  @Test
  void mac_rfc4231TestCase6_matches() {
    byte[] data =
        "Test Using Larger Than Block-Size Key - Hash Key First"
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(HEX.formatHex(HmacKey.of(KEY_131).mac(data)))
        .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  }

  @Test
  void mac_rfc4231TestCase7_matches() {
    byte[] data =
        ("This is a test using a larger than block-size key and a larger than block-size data."
                + " The key needs to be hashed before being used by the HMAC algorithm.")
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(HEX.formatHex(HmacKey.of(KEY_131).mac(data)))
        .isEqualTo("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  }

  @Test
  void of_keyShorterThan32Bytes_throws() {
    assertThatThrownBy(() -> HmacKey.of(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32");
    assertThat(HmacKey.of(new byte[32]).mac(new byte[0])).hasSize(32);
  }

  @Test
  void of_callerChangesArrayAfterwards_keyUnchanged() {
    byte[] bytes = KEY_131.clone();
    HmacKey key = HmacKey.of(bytes);
    byte[] before = key.mac(new byte[] {1});
    Arrays.fill(bytes, (byte) 0);
    assertThat(key.mac(new byte[] {1})).isEqualTo(before);
  }

  @Test
  void exportBytes_returnsKeyAsCopy() {
    HmacKey key = HmacKey.of(KEY_131);
    byte[] exported = key.exportBytes();
    assertThat(exported).isEqualTo(KEY_131);
    exported[0] = 0;
    assertThat(key.exportBytes()).isEqualTo(KEY_131);
  }

  @Test
  void generate_twice_distinct32ByteKeys() {
    SecureRandom r = new SecureRandom();
    byte[] a = HmacKey.generate(r).exportBytes();
    byte[] b = HmacKey.generate(r).exportBytes();
    assertThat(a).hasSize(32);
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void toString_anyKey_hidesKeyBytes() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    String s = HmacKey.of(bytes).toString();
    assertThat(s)
        .isEqualTo("HmacKey[redacted]")
        .doesNotContain(HEX.formatHex(bytes))
        .doesNotContain(Base64.getEncoder().encodeToString(bytes));
  }

  private static byte[] filled(int n, int b) {
    byte[] a = new byte[n];
    Arrays.fill(a, (byte) b);
    return a;
  }
}
