package dev.warden.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.warden.log.MerkleProofsTest.Verification;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The verifiers of {@link MerkleProofs} against every single-bit mutation of their inputs: proof
 * hashes, leaf, roots, index and sizes. Reproduce a failure with {@code -Dwarden.seed=<seed>}.
 */
class MerkleProofMutationsTest {
  private static final long SEED = Long.getLong("warden.seed", 0x9162_2131L);

  @Test
  void verifyInclusion_everySingleBitFlipOfProofLeafOrRoot_throws() throws Exception {
    for (int run = 0; run < 30; run++) {
      long seed = SEED + 300 + run;
      SplittableRandom random = new SplittableRandom(seed);
      int size = 1 + random.nextInt(2_000);
      int index = random.nextInt(size);
      List<byte[]> leaves = MerkleProofsTest.randomLeaves(random, size);
      List<byte[]> proof = MerkleProofs.inclusion(index, size, new PrecomputedNodes(leaves));
      byte[] leaf = leaves.get(index);
      byte[] root = NaiveProofs.mth(leaves);
      for (int bit = 0; bit < 256; bit++) {
        String ctx = "seed " + seed + " size " + size + " index " + index + " bit " + bit;
        byte[] badLeaf = MerkleProofsTest.flip(leaf, bit);
        byte[] badRoot = MerkleProofsTest.flip(root, bit);
        assertRejected(() -> MerkleProofs.verifyInclusion(badLeaf, index, size, proof, root), ctx);
        assertRejected(() -> MerkleProofs.verifyInclusion(leaf, index, size, proof, badRoot), ctx);
        for (int p = 0; p < proof.size(); p++) {
          List<byte[]> bad = new ArrayList<>(proof);
          bad.set(p, MerkleProofsTest.flip(proof.get(p), bit));
          assertRejected(
              () -> MerkleProofs.verifyInclusion(leaf, index, size, bad, root), ctx + " hash " + p);
        }
      }
    }
  }

  @Test
  void verifyInclusion_everySingleBitFlipOfIndex_throws() throws Exception {
    for (int run = 0; run < 200; run++) {
      long seed = SEED + 400 + run;
      SplittableRandom random = new SplittableRandom(seed);
      int size = 1 + random.nextInt(run < 100 ? 40 : 2_000);
      int index = random.nextInt(size);
      List<byte[]> leaves = MerkleProofsTest.randomLeaves(random, size);
      List<byte[]> proof = MerkleProofs.inclusion(index, size, new PrecomputedNodes(leaves));
      byte[] root = NaiveProofs.mth(leaves);
      for (int bit = 0; bit < 64; bit++) {
        long badIndex = index ^ (1L << bit);
        assertRejected(
            () -> MerkleProofs.verifyInclusion(leaves.get(index), badIndex, size, proof, root),
            "seed " + seed + " size " + size + " index " + index + " bit " + bit);
      }
    }
  }

  /**
   * An inclusion proof binds the size only through the root: leaf 3 has the same audit path shape
   * in trees of 6 and 7 leaves, so (index 3, size 7) with the size-6 root and proof recomputes that
   * root. RFC 9162 relies on the signed tree head binding size and root. So a flipped size must be
   * refused exactly when it changes the shape of the computation.
   */
  @Test
  void verifyInclusion_everySingleBitFlipOfSize_throwsUnlessAuditPathShapeIsUnchanged()
      throws Exception {
    int accepted = 0;
    for (int run = 0; run < 200; run++) {
      long seed = SEED + 600 + run;
      SplittableRandom random = new SplittableRandom(seed);
      int size = 1 + random.nextInt(run < 100 ? 40 : 2_000);
      int index = random.nextInt(size);
      List<byte[]> leaves = MerkleProofsTest.randomLeaves(random, size);
      List<byte[]> proof = MerkleProofs.inclusion(index, size, new PrecomputedNodes(leaves));
      byte[] root = NaiveProofs.mth(leaves);
      String shape = inclusionShape(index, size, proof.size());
      for (int bit = 0; bit < 64; bit++) {
        long badSize = size ^ (1L << bit);
        String ctx = "seed " + seed + " size " + size + " index " + index + " bit " + bit;
        boolean sameShape = shape.equals(inclusionShape(index, badSize, proof.size()));
        if (sameShape) {
          accepted++;
          assertThatCode(
                  () ->
                      MerkleProofs.verifyInclusion(leaves.get(index), index, badSize, proof, root))
              .as(ctx)
              .doesNotThrowAnyException();
        } else {
          assertRejected(
              () -> MerkleProofs.verifyInclusion(leaves.get(index), index, badSize, proof, root),
              ctx);
        }
      }
    }
    assertThat(accepted).as("seed %d: the shape-preserving case occurs", SEED).isPositive();
  }

  @Test
  void verifyConsistency_everySingleBitFlipOfProofOrRoots_throws() throws Exception {
    for (int run = 0; run < 30; run++) {
      long seed = SEED + 800 + run;
      SplittableRandom random = new SplittableRandom(seed);
      int size2 = 2 + random.nextInt(2_000);
      int size1 = 1 + random.nextInt(size2 - 1);
      List<byte[]> leaves = MerkleProofsTest.randomLeaves(random, size2);
      List<byte[]> proof = MerkleProofs.consistency(size1, size2, new PrecomputedNodes(leaves));
      byte[] root1 = NaiveProofs.mth(leaves.subList(0, size1));
      byte[] root2 = NaiveProofs.mth(leaves);
      for (int bit = 0; bit < 256; bit++) {
        String ctx = "seed " + seed + " sizes " + size1 + ", " + size2 + " bit " + bit;
        byte[] bad1 = MerkleProofsTest.flip(root1, bit);
        byte[] bad2 = MerkleProofsTest.flip(root2, bit);
        assertRejected(
            () -> MerkleProofs.verifyConsistency(size1, size2, proof, bad1, root2), ctx + " root1");
        assertRejected(
            () -> MerkleProofs.verifyConsistency(size1, size2, proof, root1, bad2), ctx + " root2");
        for (int p = 0; p < proof.size(); p++) {
          List<byte[]> bad = new ArrayList<>(proof);
          bad.set(p, MerkleProofsTest.flip(proof.get(p), bit));
          assertRejected(
              () -> MerkleProofs.verifyConsistency(size1, size2, bad, root1, root2),
              ctx + " hash " + p);
        }
      }
    }
  }

  /** As for inclusion: sizes are bound by the roots, the proof only constrains its shape. */
  @Test
  void verifyConsistency_everySingleBitFlipOfASize_throwsUnlessProofShapeIsUnchanged()
      throws Exception {
    for (int run = 0; run < 200; run++) {
      long seed = SEED + 900 + run;
      SplittableRandom random = new SplittableRandom(seed);
      int size2 = 1 + random.nextInt(run < 100 ? 40 : 2_000);
      int size1 = random.nextInt(size2 + 1);
      List<byte[]> leaves = MerkleProofsTest.randomLeaves(random, size2);
      List<byte[]> proof = MerkleProofs.consistency(size1, size2, new PrecomputedNodes(leaves));
      byte[] root1 = NaiveProofs.mth(leaves.subList(0, size1));
      byte[] root2 = NaiveProofs.mth(leaves);
      String shape = consistencyShape(size1, size2, proof.size());
      for (int bit = 0; bit < 64; bit++) {
        long s1 = size1 ^ (1L << bit);
        long s2 = size2 ^ (1L << bit);
        String ctx = "seed " + seed + " sizes " + size1 + ", " + size2 + " bit " + bit;
        checkShape(
            shape,
            consistencyShape(s1, size2, proof.size()),
            ctx + " size1",
            () -> MerkleProofs.verifyConsistency(s1, size2, proof, root1, root2));
        checkShape(
            shape,
            consistencyShape(size1, s2, proof.size()),
            ctx + " size2",
            () -> MerkleProofs.verifyConsistency(size1, s2, proof, root1, root2));
      }
    }
  }

  // --- helpers -----------------------------------------------------------------------------

  private static void checkShape(
      String shape, @Nullable String mutatedShape, String ctx, Verification v) {
    if (shape.equals(mutatedShape)) {
      assertThatCode(v::run).as(ctx).doesNotThrowAnyException();
    } else {
      assertRejected(v, ctx);
    }
  }

  /** Plain try/catch: this runs a hundred thousand times, where AssertJ's machinery shows. */
  private static void assertRejected(Verification v, String ctx) {
    try {
      v.run();
    } catch (ProofException expected) {
      return;
    }
    throw new AssertionError(ctx + ": verification passed, expected ProofException");
  }

  static @Nullable String inclusionShape(long index, long size, int proofLength) {
    if (index < 0 || index >= size) {
      return null;
    }
    StringBuilder shape = new StringBuilder();
    long fn = index;
    long sn = size - 1;
    for (int i = 0; i < proofLength; i++) {
      if (sn == 0) {
        return null;
      }
      if ((fn & 1) == 1 || fn == sn) {
        shape.append('L');
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        shape.append('R');
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 ? shape.toString() : null;
  }

  /** The same for §2.1.4.2, with the special cases of size 0 and equal sizes. */
  static @Nullable String consistencyShape(long size1, long size2, int proofLength) {
    if (size1 < 0 || size1 > size2) {
      return null;
    }
    if (size1 == 0 || size1 == size2) {
      // Equal sizes compare the roots; from size 0 to a larger size, root2 is free.
      return proofLength == 0 ? (size1 == size2 ? "equal" : "from-empty") : null;
    }
    if (proofLength == 0) {
      return null;
    }
    boolean prepend = Long.bitCount(size1) == 1;
    StringBuilder shape = new StringBuilder(prepend ? "P" : "N");
    long fn = size1 - 1;
    long sn = size2 - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    for (int i = 1; i < proofLength + (prepend ? 1 : 0); i++) {
      if (sn == 0) {
        return null;
      }
      if ((fn & 1) == 1 || fn == sn) {
        shape.append('B');
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        shape.append('S');
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 ? shape.toString() : null;
  }
}
