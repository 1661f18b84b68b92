package dev.warden.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link MerkleFrontier} against {@link NaiveMerkle}, the RFC 9162 definition computed from
 * scratch. Reproduce a failure with {@code -Dwarden.seed=<the seed in its message>}.
 */
class MerkleFrontierTest {
  private static final long SEED = Long.getLong("warden.seed", 0x6e7c_1e5fL);
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void root_everySizeUpTo300_equalsNaiveMth() {
    SplittableRandom random = new SplittableRandom(SEED);
    List<byte[]> entries = new ArrayList<>();
    MerkleFrontier f = MerkleFrontier.empty();
    for (int size = 0; size <= 300; size++) {
      assertThat(f.size()).as("seed %d size %d", SEED, size).isEqualTo(size);
      assertThat(HEX.formatHex(f.root()))
          .as("seed %d size %d", SEED, size)
          .isEqualTo(HEX.formatHex(NaiveMerkle.mth(entries)));
      byte[] e = randomEntry(random);
      entries.add(e);
      f.append(MerkleHasher.leafHash(e));
    }
  }

  @Test
  void root_randomSizesUpTo5000_equalsNaiveMth() {
    for (int run = 0; run < 12; run++) {
      long seed = SEED + 1_000 + run;
      SplittableRandom random = new SplittableRandom(seed);
      int size = random.nextInt(5_001);
      List<byte[]> entries = new ArrayList<>(size);
      MerkleFrontier f = MerkleFrontier.empty();
      for (int i = 0; i < size; i++) {
        byte[] e = randomEntry(random);
        entries.add(e);
        f.append(MerkleHasher.leafHash(e));
      }
      assertThat(HEX.formatHex(f.root()))
          .as("seed %d size %d", seed, size)
          .isEqualTo(HEX.formatHex(NaiveMerkle.mth(entries)));
    }
  }

  @Test
  void leafHashAndEmptyRoot_matchRfc9162Definitions() {
    byte[] e = "entry".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(MerkleHasher.leafHash(e)).isEqualTo(NaiveMerkle.leafHash(e));
    // SHA-256 of the empty string.
    assertThat(HEX.formatHex(MerkleFrontier.empty().root()))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(MerkleHasher.emptyRoot()).isEqualTo(MerkleFrontier.empty().root());
  }

  @Test
  void restore_serializedAtEverySize_hasSameRootAndContinuesIdentically() {
    SplittableRandom random = new SplittableRandom(SEED + 2);
    MerkleFrontier f = MerkleFrontier.empty();
    for (int size = 0; size <= 300; size++) {
      byte[] state = f.serialize();
      assertThat(state.length)
          .as("seed %d size %d", SEED + 2, size)
          .isEqualTo(Long.bitCount(size) * MerkleHasher.HASH_SIZE);
      MerkleFrontier copy = MerkleFrontier.restore(size, state);
      assertThat(copy.size()).isEqualTo(size);
      assertThat(copy.root()).as("seed %d size %d", SEED + 2, size).isEqualTo(f.root());
      assertThat(copy.serialize()).isEqualTo(state);

      byte[] leaf = MerkleHasher.leafHash(randomEntry(random));
      f.append(leaf);
      copy.append(leaf);
      assertThat(copy.root()).as("seed %d size %d + 1", SEED + 2, size).isEqualTo(f.root());
    }
  }

  @Test
  void restore_largeSizeWithSparseBits_roundTrips() {
    long size = (1L << 40) + (1L << 3) + 1;
    byte[] state = new byte[3 * 32];
    new SplittableRandom(SEED).nextBytes(state);
    MerkleFrontier f = MerkleFrontier.restore(size, state);
    assertThat(f.size()).isEqualTo(size);
    assertThat(f.serialize()).isEqualTo(state);
  }

  @Test
  void restore_stateOneHashShort_throws() {
    assertThatThrownBy(() -> MerkleFrontier.restore(5, new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes")
        .hasMessageContaining("64");
  }

  @Test
  void restore_stateOneByteLong_throws() {
    assertThatThrownBy(() -> MerkleFrontier.restore(4, new byte[33]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void restore_emptyTreeWithState_throws() {
    assertThatThrownBy(() -> MerkleFrontier.restore(0, new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void restore_nonEmptyTreeWithoutState_throws() {
    assertThatThrownBy(() -> MerkleFrontier.restore(7, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void restore_negativeSize_throws() {
    // bitCount(-1) is 64: without a size check, 64 hashes would restore a tree of size -1.
    assertThatThrownBy(() -> MerkleFrontier.restore(-1, new byte[64 * 32]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void append_leafHashNot32Bytes_throws() {
    MerkleFrontier f = MerkleFrontier.empty();
    assertThatThrownBy(() -> f.append(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    assertThat(f.size()).isZero();
  }

  @Test
  void root_mutatedByCaller_doesNotChangeFrontier() {
    MerkleFrontier f = MerkleFrontier.empty();
    byte[] leaf = MerkleHasher.leafHash(new byte[] {1});
    f.append(leaf);
    byte[] expected = f.root().clone();

    f.root()[0] ^= 1; // a power-of-two size: the root is the one stored subtree hash
    leaf[1] ^= 1; // and the caller's leaf array is still the caller's

    assertThat(f.root()).isEqualTo(expected);
    assertThat(MerkleFrontier.restore(1, f.serialize()).root()).isEqualTo(expected);
  }

  private static byte[] randomEntry(SplittableRandom random) {
    byte[] e = new byte[random.nextInt(65)];
    random.nextBytes(e);
    return e;
  }
}
