package dev.warden.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.StoreException;
import dev.warden.store.TreeNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link MerkleProofs} against {@link NaiveProofs} (RFC 9162's recursive definitions) on seeded
 * random trees, and the verifiers against every single-bit mutation of their inputs. Reproduce a
 * failure with {@code -Dwarden.seed=<the seed in its message>}.
 */
class MerkleProofsTest {
  private static final long SEED = Long.getLong("warden.seed", 0x9162_2131L);
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void inclusion_randomTreesUpTo2000_equalsRfcPathAndVerifies() throws Exception {
    for (int run = 0; run < 40; run++) {
      long seed = SEED + run;
      SplittableRandom random = new SplittableRandom(seed);
      int size = 1 + random.nextInt(run < 10 ? 20 : 2_000);
      List<byte[]> leaves = randomLeaves(random, size);
      PrecomputedNodes nodes = new PrecomputedNodes(leaves);
      byte[] root = NaiveProofs.mth(leaves);
      for (int k = 0; k < 25; k++) {
        int index = k == 0 ? size - 1 : random.nextInt(size);
        String ctx = "seed " + seed + " size " + size + " index " + index;
        List<byte[]> proof = MerkleProofs.inclusion(index, size, nodes);
        assertThat(hex(proof)).as(ctx).isEqualTo(hex(NaiveProofs.path(index, leaves)));
        assertThatCode(
                () -> MerkleProofs.verifyInclusion(leaves.get(index), index, size, proof, root))
            .as(ctx)
            .doesNotThrowAnyException();
      }
    }
  }

  @Test
  void consistency_randomSizesUpTo2000_equalsRfcProofAndVerifies() throws Exception {
    for (int run = 0; run < 40; run++) {
      long seed = SEED + 100 + run;
      SplittableRandom random = new SplittableRandom(seed);
      int size2 = 1 + random.nextInt(run < 10 ? 20 : 2_000);
      List<byte[]> leaves = randomLeaves(random, size2);
      PrecomputedNodes nodes = new PrecomputedNodes(leaves);
      byte[] root2 = NaiveProofs.mth(leaves);
      for (int k = 0; k < 25; k++) {
        int size1 = k == 0 ? size2 : k == 1 ? 0 : 1 + random.nextInt(size2);
        String ctx = "seed " + seed + " size1 " + size1 + " size2 " + size2;
        byte[] root1 = NaiveProofs.mth(leaves.subList(0, size1));
        List<byte[]> proof = MerkleProofs.consistency(size1, size2, nodes);
        List<byte[]> expected =
            size1 == 0 ? List.of() : NaiveProofs.proof(size1, leaves.subList(0, size2));
        assertThat(hex(proof)).as(ctx).isEqualTo(hex(expected));
        assertThatCode(() -> MerkleProofs.verifyConsistency(size1, size2, proof, root1, root2))
            .as(ctx)
            .doesNotThrowAnyException();
      }
    }
  }

  @Test
  void root_everySizeUpTo600_equalsFrontierAndNaiveMth() throws Exception {
    SplittableRandom random = new SplittableRandom(SEED + 200);
    List<byte[]> leaves = randomLeaves(random, 600);
    PrecomputedNodes nodes = new PrecomputedNodes(leaves);
    MerkleFrontier frontier = MerkleFrontier.empty();
    for (int size = 0; size <= 600; size++) {
      String ctx = "seed " + (SEED + 200) + " size " + size;
      byte[] root = MerkleProofs.root(size, nodes);
      assertThat(HEX.formatHex(root)).as(ctx).isEqualTo(HEX.formatHex(frontier.root()));
      assertThat(HEX.formatHex(root))
          .as(ctx)
          .isEqualTo(HEX.formatHex(NaiveProofs.mth(leaves.subList(0, size))));
      if (size < 600) {
        frontier.append(leaves.get(size));
      }
    }
  }

  @Test
  void verifyInclusion_proofOneHashShorterOrLonger_throwsWrongProofLength() throws Exception {
    SplittableRandom random = new SplittableRandom(SEED + 1_100);
    for (int run = 0; run < 100; run++) {
      int size = 2 + random.nextInt(2_000);
      int index = random.nextInt(size);
      List<byte[]> leaves = randomLeaves(random, size);
      List<byte[]> proof = MerkleProofs.inclusion(index, size, new PrecomputedNodes(leaves));
      byte[] root = NaiveProofs.mth(leaves);
      List<byte[]> longer = new ArrayList<>(proof);
      longer.add(new byte[32]);
      String ctx = "seed " + (SEED + 1_100) + " run " + run;
      assertThatThrownBy(
              () -> MerkleProofs.verifyInclusion(leaves.get(index), index, size, longer, root))
          .as(ctx)
          .isInstanceOfSatisfying(
              ProofException.class,
              e -> assertThat(e.reason()).isEqualTo(ProofException.Reason.WRONG_PROOF_LENGTH));
      List<byte[]> shorter = proof.subList(0, proof.size() - 1);
      assertThatThrownBy(
              () -> MerkleProofs.verifyInclusion(leaves.get(index), index, size, shorter, root))
          .as(ctx)
          .isInstanceOfSatisfying(
              ProofException.class,
              e -> assertThat(e.reason()).isEqualTo(ProofException.Reason.WRONG_PROOF_LENGTH));
    }
  }

  @Test
  void verify_hashNot32Bytes_throwsMalformed() {
    byte[] h = new byte[32];
    for (byte[] bad : List.of(new byte[0], new byte[31], new byte[33])) {
      assertReason(
          () -> MerkleProofs.verifyInclusion(bad, 0, 1, List.of(), h),
          ProofException.Reason.MALFORMED);
      assertReason(
          () -> MerkleProofs.verifyInclusion(h, 0, 1, List.of(), bad),
          ProofException.Reason.MALFORMED);
      assertReason(
          () -> MerkleProofs.verifyInclusion(h, 0, 2, List.of(bad), h),
          ProofException.Reason.MALFORMED);
      assertReason(
          () -> MerkleProofs.verifyConsistency(1, 1, List.of(), bad, bad),
          ProofException.Reason.MALFORMED);
      assertReason(
          () -> MerkleProofs.verifyConsistency(1, 2, List.of(bad), h, h),
          ProofException.Reason.MALFORMED);
    }
    assertReason(
        () -> MerkleProofs.verifyInclusion(h, -1, 1, List.of(), h),
        ProofException.Reason.MALFORMED);
    assertReason(
        () -> MerkleProofs.verifyConsistency(-1, 1, List.of(), h, h),
        ProofException.Reason.MALFORMED);
  }

  @Test
  void verify_indexOrSizesOutOfOrder_throwsOutOfRange() {
    byte[] h = new byte[32];
    assertReason(
        () -> MerkleProofs.verifyInclusion(h, 0, 0, List.of(), h),
        ProofException.Reason.OUT_OF_RANGE);
    assertReason(
        () -> MerkleProofs.verifyInclusion(h, 5, 5, List.of(), h),
        ProofException.Reason.OUT_OF_RANGE);
    assertReason(
        () -> MerkleProofs.verifyConsistency(3, 2, List.of(), h, h),
        ProofException.Reason.OUT_OF_RANGE);
  }

  @Test
  void verifyConsistency_fromEmptyTree_needsEmptyProofAndEmptyRoot() {
    byte[] empty = MerkleHasher.emptyRoot();
    byte[] other = new byte[32];
    assertThatCode(() -> MerkleProofs.verifyConsistency(0, 7, List.of(), empty, other))
        .doesNotThrowAnyException();
    assertThatCode(() -> MerkleProofs.verifyConsistency(0, 0, List.of(), empty, empty))
        .doesNotThrowAnyException();
    assertReason(
        () -> MerkleProofs.verifyConsistency(0, 7, List.of(), other, other),
        ProofException.Reason.ROOT_MISMATCH);
    assertReason(
        () -> MerkleProofs.verifyConsistency(0, 0, List.of(), empty, other),
        ProofException.Reason.ROOT_MISMATCH);
    assertReason(
        () -> MerkleProofs.verifyConsistency(0, 7, List.of(empty), empty, other),
        ProofException.Reason.WRONG_PROOF_LENGTH);
  }

  @Test
  void proofs_tenMillionLeaves_readLogarithmicallyManyNodes() throws Exception {
    SplittableRandom random = new SplittableRandom(SEED + 1_200);
    long[] reads = new long[1];
    NodeSource synthetic =
        (level, index) -> {
          reads[0]++;
          return ByteBuffer.allocate(32).putInt(level).putLong(index).array();
        };
    for (int run = 0; run < 200; run++) {
      // The last run is the largest tree a long can count, with its last leaf.
      long size =
          run == 199
              ? Long.MAX_VALUE
              : run < 100 ? 10_000_000L + random.nextInt(1_000) : random.nextLong(1L, 1L << 62);
      long index = run == 199 ? size - 1 : random.nextLong(size);
      long size1 = run == 199 ? size - 1 : random.nextLong(1, size + 1);
      String ctx = "seed " + (SEED + 1_200) + " size " + size + " index " + index;
      int height = 64 - Long.numberOfLeadingZeros(size - 1);
      reads[0] = 0;
      assertThat(MerkleProofs.inclusion(index, size, synthetic))
          .as(ctx)
          .hasSizeLessThanOrEqualTo(height);
      assertThat(reads[0]).as(ctx).isLessThanOrEqualTo(2L * height + 1);
      reads[0] = 0;
      assertThat(MerkleProofs.consistency(size1, size, synthetic))
          .as(ctx + " size1 " + size1)
          .hasSizeLessThanOrEqualTo(height + 1);
      assertThat(reads[0]).as(ctx + " size1 " + size1).isLessThanOrEqualTo(2L * height + 2);
      reads[0] = 0;
      MerkleProofs.root(size, synthetic);
      assertThat(reads[0]).as(ctx).isEqualTo(Long.bitCount(size));
    }
  }

  @Test
  void plannedNodes_fetchedInOneCall_giveTheSameProofs() throws Exception {
    SplittableRandom random = new SplittableRandom(SEED + 1_400);
    for (int run = 0; run < 50; run++) {
      int size = 1 + random.nextInt(2_000);
      List<byte[]> leaves = randomLeaves(random, size);
      PrecomputedNodes all = new PrecomputedNodes(leaves);
      int index = random.nextInt(size);
      int size1 = random.nextInt(size + 1);
      String ctx = "seed " + (SEED + 1_400) + " run " + run + " size " + size;

      List<TreeNode.Id> ids = new ArrayList<>();
      ids.addAll(MerkleProofs.inclusionNodes(index, size));
      ids.addAll(MerkleProofs.consistencyNodes(size1, size));
      ids.addAll(MerkleProofs.rootNodes(size));
      List<TreeNode> fetched = new ArrayList<>();
      for (TreeNode.Id id : ids) {
        fetched.add(new TreeNode(id.level(), id.index(), all.node(id.level(), id.index())));
      }
      NodeSource batch = NodeSource.of(fetched);

      assertThat(hex(MerkleProofs.inclusion(index, size, batch)))
          .as(ctx)
          .isEqualTo(hex(MerkleProofs.inclusion(index, size, all)));
      assertThat(hex(MerkleProofs.consistency(size1, size, batch)))
          .as(ctx)
          .isEqualTo(hex(MerkleProofs.consistency(size1, size, all)));
      assertThat(MerkleProofs.root(size, batch)).as(ctx).isEqualTo(MerkleProofs.root(size, all));
      assertThat(MerkleProofs.rootNodes(size)).as(ctx).hasSize(Long.bitCount(size));
    }
  }

  @Test
  void of_nodeNotFetched_throwsCorruptStoreException() {
    NodeSource empty = NodeSource.of(List.of());
    assertThatThrownBy(() -> MerkleProofs.inclusion(0, 2, empty))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.CORRUPT));
  }

  @Test
  void generation_badRanges_throwIllegalArgument() {
    NodeSource nodes = NodeSource.ofLeaves(List.of(new byte[32], new byte[32]));
    assertThatThrownBy(() -> MerkleProofs.inclusion(2, 2, nodes))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MerkleProofs.inclusion(-1, 2, nodes))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MerkleProofs.consistency(3, 2, nodes))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MerkleProofs.consistency(-1, 2, nodes))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MerkleProofs.root(-1, nodes))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void generation_sourceReturnsShortHash_throwsCorruptStoreException() {
    NodeSource broken = (level, index) -> new byte[31];
    assertThatThrownBy(() -> MerkleProofs.inclusion(0, 2, broken))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.CORRUPT));
  }

  @Test
  void ofLeaves_agreesWithPrecomputedNodes() throws Exception {
    SplittableRandom random = new SplittableRandom(SEED + 1_300);
    List<byte[]> leaves = randomLeaves(random, 77);
    NodeSource lazy = NodeSource.ofLeaves(leaves);
    PrecomputedNodes eager = new PrecomputedNodes(leaves);
    for (int level = 0; level < 7; level++) {
      for (long index = 0; index < (77 >> level); index++) {
        assertThat(lazy.node(level, index)).isEqualTo(eager.node(level, index));
      }
    }
    assertThatThrownBy(() -> lazy.node(0, 77)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> lazy.node(3, 9)).isInstanceOf(IllegalArgumentException.class);
  }

  // --- helpers -----------------------------------------------------------------------------

  interface Verification {
    void run() throws ProofException;
  }

  private static void assertReason(Verification v, ProofException.Reason reason) {
    assertThatThrownBy(v::run)
        .isInstanceOfSatisfying(
            ProofException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  /** The left/right sequence RFC 9162 §2.1.3.2 applies, or null where it fails on length. */
  static List<byte[]> randomLeaves(SplittableRandom random, int n) {
    List<byte[]> leaves = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] h = new byte[32];
      random.nextBytes(h);
      leaves.add(h);
    }
    return leaves;
  }

  static byte[] flip(byte[] hash, int bit) {
    byte[] copy = hash.clone();
    copy[bit / 8] ^= (byte) (1 << (bit % 8));
    return copy;
  }

  static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(HEX::formatHex).toList();
  }
}
