package dev.warden.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.TreeNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchProofs} against {@link MerkleProofs} over every leaf ({@link NodeSource#ofLeaves}
 * semantics) on seeded random batches. Reproduce a failure with {@code -Dwarden.seed=<seed>}.
 */
class BatchProofsTest {
  private static final long SEED = Long.getLong("warden.seed", 0xba7c_4e5L);
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void inclusion_randomBatches_equalsProofFromAllLeaves() throws Exception {
    for (int run = 0; run < 60; run++) {
      long seed = SEED + run;
      SplittableRandom random = new SplittableRandom(seed);
      int before = run < 20 ? random.nextInt(40) : random.nextInt(2_000);
      int batch = run % 10 == 0 ? 1 : random.nextInt(run < 20 ? 40 : 300);
      List<byte[]> leaves = MerkleProofsTest.randomLeaves(random, before + batch);
      MerkleFrontier frontier = MerkleFrontier.empty();
      leaves.subList(0, before).forEach(frontier::append);

      BatchProofs proofs =
          BatchProofs.compute(before, frontier.serialize(), leaves.subList(before, before + batch));

      String ctx = "seed " + seed + " before " + before + " batch " + batch;
      PrecomputedNodes all = new PrecomputedNodes(leaves);
      int size = before + batch;
      assertThat(proofs.sizeBefore()).as(ctx).isEqualTo(before);
      assertThat(proofs.sizeAfter()).as(ctx).isEqualTo(size);
      for (int i = before; i < size; i++) {
        assertThat(MerkleProofsTest.hex(proofs.inclusion(i)))
            .as(ctx + " leaf " + i)
            .isEqualTo(MerkleProofsTest.hex(MerkleProofs.inclusion(i, size, all)));
        MerkleProofs.verifyInclusion(leaves.get(i), i, size, proofs.inclusion(i), proofs.root());
      }
      leaves.subList(before, size).forEach(frontier::append);
      assertThat(HEX.formatHex(proofs.root())).as(ctx).isEqualTo(HEX.formatHex(frontier.root()));
      assertThat(HEX.formatHex(proofs.frontierAfter()))
          .as(ctx)
          .isEqualTo(HEX.formatHex(frontier.serialize()));
    }
  }

  @Test
  void completedNodes_randomBatch_areExactlyTheSubtreesEndingInTheBatch() throws Exception {
    for (int run = 0; run < 40; run++) {
      long seed = SEED + 100 + run;
      SplittableRandom random = new SplittableRandom(seed);
      int before = random.nextInt(1_500);
      int batch = random.nextInt(200);
      List<byte[]> leaves = MerkleProofsTest.randomLeaves(random, before + batch);
      MerkleFrontier frontier = MerkleFrontier.empty();
      leaves.subList(0, before).forEach(frontier::append);
      BatchProofs proofs =
          BatchProofs.compute(before, frontier.serialize(), leaves.subList(before, before + batch));
      PrecomputedNodes all = new PrecomputedNodes(leaves);
      long size = before + batch;

      List<String> expected = new ArrayList<>();
      for (int level = 0; level < 63; level++) {
        for (long index = before >> level; index < size >> level; index++) {
          expected.add(level + "/" + index + "/" + HEX.formatHex(all.node(level, index)));
        }
      }
      List<String> actual =
          proofs.completedNodes().stream()
              .map(n -> n.level() + "/" + n.index() + "/" + HEX.formatHex(n.hash()))
              .toList();
      assertThat(actual).as("seed %d before %d batch %d", seed, before, batch).isEqualTo(expected);
    }
  }

  /** A store that keeps each batch's completed nodes can serve every later proof. */
  @Test
  void completedNodes_ofSuccessiveBatches_serveAllProofsOfTheTree() throws Exception {
    long seed = SEED + 200;
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, byte[]> store = new HashMap<>();
    NodeSource stored =
        (level, index) -> {
          byte[] h = store.get(level + "/" + index);
          if (h == null) {
            throw new AssertionError("seed " + seed + ": node " + level + "/" + index + " missing");
          }
          return h;
        };
    MerkleFrontier frontier = MerkleFrontier.empty();
    List<byte[]> leaves = new ArrayList<>();
    for (int b = 0; b < 60; b++) {
      List<byte[]> batch = MerkleProofsTest.randomLeaves(random, random.nextInt(50));
      BatchProofs proofs = BatchProofs.compute(frontier.size(), frontier.serialize(), batch);
      proofs.completedNodes().forEach(n -> store.put(n.level() + "/" + n.index(), n.hash()));
      batch.forEach(frontier::append);
      leaves.addAll(batch);

      long size = leaves.size();
      String ctx = "seed " + seed + " batch " + b + " size " + size;
      assertThat(HEX.formatHex(MerkleProofs.root(size, stored)))
          .as(ctx)
          .isEqualTo(HEX.formatHex(frontier.root()));
      PrecomputedNodes all = new PrecomputedNodes(leaves);
      for (int k = 0; k < 10 && size > 0; k++) {
        long i = random.nextLong(size);
        long size1 = random.nextLong(size + 1);
        assertThat(MerkleProofsTest.hex(MerkleProofs.inclusion(i, size, stored)))
            .as(ctx + " leaf " + i)
            .isEqualTo(MerkleProofsTest.hex(MerkleProofs.inclusion(i, size, all)));
        assertThat(MerkleProofsTest.hex(MerkleProofs.consistency(size1, size, stored)))
            .as(ctx + " size1 " + size1)
            .isEqualTo(MerkleProofsTest.hex(MerkleProofs.consistency(size1, size, all)));
      }
    }
  }

  @Test
  void compute_emptyBatch_keepsRootAndCompletesNothing() {
    MerkleFrontier frontier = MerkleFrontier.empty();
    MerkleProofsTest.randomLeaves(new SplittableRandom(SEED), 13).forEach(frontier::append);
    BatchProofs proofs = BatchProofs.compute(13, frontier.serialize(), List.of());
    assertThat(proofs.root()).isEqualTo(frontier.root());
    assertThat(proofs.completedNodes()).isEmpty();
    assertThat(BatchProofs.compute(0, new byte[0], List.of()).root())
        .isEqualTo(MerkleHasher.emptyRoot());
  }

  @Test
  void compute_badInput_throwsIllegalArgument() {
    assertThatThrownBy(() -> BatchProofs.compute(3, new byte[32], List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BatchProofs.compute(-1, new byte[0], List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BatchProofs.compute(0, new byte[0], List.of(new byte[31])))
        .isInstanceOf(IllegalArgumentException.class);
    BatchProofs proofs = BatchProofs.compute(1, new byte[32], List.of(new byte[32]));
    assertThatThrownBy(() -> proofs.inclusion(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> proofs.inclusion(2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void completedNodes_randomBatch_areTheNodesTheFrontierReportsForTheSameAppends() {
    for (int run = 0; run < 20; run++) {
      long seed = SEED + 300 + run;
      SplittableRandom random = new SplittableRandom(seed);
      int before = random.nextInt(1_000);
      int batch = random.nextInt(100);
      List<byte[]> leaves = MerkleProofsTest.randomLeaves(random, before + batch);
      MerkleFrontier frontier = MerkleFrontier.empty();
      leaves.subList(0, before).forEach(frontier::append);
      BatchProofs proofs =
          BatchProofs.compute(before, frontier.serialize(), leaves.subList(before, before + batch));
      Set<TreeNode> reported = new HashSet<>();
      for (byte[] leaf : leaves.subList(before, before + batch)) {
        frontier.append(
            leaf, (level, index, hash) -> reported.add(new TreeNode(level, index, hash)));
      }
      assertThat(new HashSet<>(proofs.completedNodes()))
          .as("seed %d before %d batch %d", seed, before, batch)
          .isEqualTo(reported);
    }
  }
}
