package dev.warden.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Digests} against the FIPS 180-2 SHA-256 examples. */
class DigestsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final long SEED = Long.getLong("warden.seed", 0xd16e57L);

  @Test
  void sha256_fipsExamples_match() {
    assertThat(HEX.formatHex(Digests.sha256("abc".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(
            HEX.formatHex(
                Digests.sha256(
                    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
                        .getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    assertThat(HEX.formatHex(Digests.sha256()))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void sha256_parts_equalsDigestOfConcatenation() {
    SplittableRandom random = new SplittableRandom(SEED);
    for (int run = 0; run < 100; run++) {
      byte[] a = new byte[random.nextInt(100)];
      byte[] b = new byte[random.nextInt(100)];
      random.nextBytes(a);
      random.nextBytes(b);
      byte[] ab = new byte[a.length + b.length];
      System.arraycopy(a, 0, ab, 0, a.length);
      System.arraycopy(b, 0, ab, a.length, b.length);
      assertThat(Digests.sha256(a, b))
          .as("seed %d run %d", SEED, run)
          .isEqualTo(Digests.sha256(ab));
    }
  }

  @Test
  void sha256Prefixed_abc_isLowerCaseHexWithPrefix() {
    assertThat(Digests.sha256Prefixed("abc".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        .matches("sha256:[0-9a-f]{64}");
  }

  @Test
  void prefixed_not32Bytes_throws() {
    assertThatThrownBy(() -> Digests.prefixed(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Digests.prefixed(new byte[33]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Digests.prefixed(new byte[32])).isEqualTo("sha256:" + "0".repeat(64));
  }

  @Test
  void newSha256_eachCall_independentInstance() {
    var a = Digests.newSha256();
    var b = Digests.newSha256();
    a.update((byte) 1);
    assertThat(b.digest()).isEqualTo(Digests.sha256());
  }
}
