package dev.warden.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The nodes {@link MerkleFrontier#append(byte[], MerkleFrontier.NodeSink)} reports are exactly the
 * perfect subtrees of the tree, each with the hash RFC 9162 gives it, each reported once, when it
 * is completed.
 */
class MerkleFrontierNodesTest {
  private static final long SEED = 0x5EED_0003L;

  @Test
  void append_reportsEveryPerfectSubtreeOnceWithItsHash() {
    SplittableRandom random = new SplittableRandom(SEED);
    List<byte[]> entries = new ArrayList<>();
    Map<String, byte[]> reported = new HashMap<>();
    MerkleFrontier f = MerkleFrontier.empty();
    for (int n = 1; n <= 300; n++) {
      byte[] e = new byte[1 + random.nextInt(40)];
      random.nextBytes(e);
      entries.add(e);
      long before = f.size();
      List<String> now = new ArrayList<>();
      f.append(
          MerkleHasher.leafHash(e),
          (level, index, hash) -> {
            String key = level + "/" + index;
            assertThat(reported)
                .as("seed %s: node %s reported twice", SEED, key)
                .doesNotContainKey(key);
            reported.put(key, hash);
            now.add(key);
            long first = index << level;
            long end = (index + 1) << level;
            assertThat(end)
                .as("seed %s: node %s completed by leaf %s", SEED, key, before)
                .isEqualTo(before + 1);
            assertThat(hash)
                .as("seed %s: hash of node %s", SEED, key)
                .isEqualTo(NaiveMerkle.mth(entries.subList((int) first, (int) end)));
          });
      // One node per trailing one-bit of the old size, plus the leaf.
      assertThat(now).hasSize(1 + Long.numberOfTrailingZeros(~before));
    }
    // A tree of n leaves has 2n - popcount(n) perfect subtrees.
    assertThat(reported).hasSize(2 * 300 - Integer.bitCount(300));
  }
}
