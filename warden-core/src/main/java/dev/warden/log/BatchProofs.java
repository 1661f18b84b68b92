package dev.warden.log;

import dev.warden.store.TreeNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The inclusion proofs of a commit batch, computed in memory from the {@link MerkleFrontier} before
 * the batch and the batch's leaf hashes, without reading any stored node.
 *
 * <p>Every sibling on the audit path (RFC 9162 §2.1.3.1) of a batch leaf against the tree at the
 * end of the batch is either a frontier node, or a perfect subtree built from frontier nodes and
 * batch leaves, or (on the right) the root of what the batch holds right of the leaf. This class
 * builds all of them once, level by level: O(batch + log n) hashes for the batch, O(log n) per
 * proof.
 *
 * <p>{@link #completedNodes()} lists the perfect subtrees the batch completes, leaves included:
 * what a store persists so that a {@link NodeSource} can serve later proofs (the same nodes {@link
 * MerkleFrontier#append(byte[], MerkleFrontier.NodeSink)} reports). Immutable.
 */
public final class BatchProofs {
  private static final int HASH_SIZE = MerkleHasher.HASH_SIZE;

  private final long sizeBefore;
  private final long sizeAfter;

  /** {@code levels[l][j]} is the node at level l, index {@code first[l] + j}. */
  private final byte[][][] levels;

  private final long[] first;

  /**
   * {@code rightEdge[l]} is the root of leaves {@code [(n>>l)<<l, n)} for the size n after the
   * batch (the partial node at level l), or null when {@code n} is a multiple of {@code 2^l}.
   */
  private final byte[][] rightEdge;

  private BatchProofs(long sizeBefore, long sizeAfter, byte[][][] levels, long[] first) {
    this.sizeBefore = sizeBefore;
    this.sizeAfter = sizeAfter;
    this.levels = levels;
    this.first = first;
    this.rightEdge = new byte[levels.length + 1][];
    for (int l = 0; l < levels.length; l++) {
      if (((sizeAfter >> l) & 1) == 1) {
        byte[] left = get(l, (sizeAfter >> l) - 1);
        rightEdge[l + 1] = rightEdge[l] == null ? left : MerkleHasher.nodeHash(left, rightEdge[l]);
      } else {
        rightEdge[l + 1] = rightEdge[l];
      }
    }
  }

  /**
   * Builds the batch's nodes.
   *
   * @param sizeBefore the tree size before the batch ({@link MerkleFrontier#size()})
   * @param frontierState {@link MerkleFrontier#serialize()} at that size
   * @param leafHashes the batch's leaf hashes, in log order; may be empty
   * @throws IllegalArgumentException if the state does not fit the size, a leaf hash is not 32
   *     bytes, or the tree would outgrow 2^62 leaves
   */
  public static BatchProofs compute(
      long sizeBefore, byte[] frontierState, List<byte[]> leafHashes) {
    if (sizeBefore < 0 || sizeBefore > (1L << 62) - leafHashes.size()) {
      throw new IllegalArgumentException(
          "tree size " + sizeBefore + " plus " + leafHashes.size() + " leaves is out of range");
    }
    if (frontierState.length != Long.bitCount(sizeBefore) * HASH_SIZE) {
      throw new IllegalArgumentException(
          "frontier state holds "
              + frontierState.length
              + " bytes; a tree of "
              + sizeBefore
              + " leaves needs "
              + Long.bitCount(sizeBefore) * HASH_SIZE);
    }
    long n = sizeBefore + leafHashes.size();
    int height = n == 0 ? 0 : 64 - Long.numberOfLeadingZeros(n); // levels 0..height-1 hold nodes
    byte[][][] levels = new byte[height][][];
    long[] first = new long[height];
    int frontierSlot = Long.bitCount(sizeBefore); // frontier hashes run largest (highest bit) first
    for (int l = 0; l < height; l++) {
      boolean hasFrontier = ((sizeBefore >> l) & 1) == 1;
      long lo = (sizeBefore >> l) - (hasFrontier ? 1 : 0);
      long hi = n >> l;
      first[l] = lo;
      byte[][] nodes = new byte[Math.toIntExact(hi - lo)][];
      int j = 0;
      if (hasFrontier) {
        frontierSlot--;
        nodes[j++] =
            Arrays.copyOfRange(
                frontierState, frontierSlot * HASH_SIZE, (frontierSlot + 1) * HASH_SIZE);
      }
      for (long index = lo + j; index < hi; index++, j++) {
        if (l == 0) {
          byte[] leaf = leafHashes.get(Math.toIntExact(index - sizeBefore));
          if (leaf.length != HASH_SIZE) {
            throw new IllegalArgumentException(
                "leaf hash " + index + " is " + leaf.length + " bytes, not " + HASH_SIZE);
          }
          nodes[j] = leaf.clone();
        } else {
          byte[][] below = levels[l - 1];
          int left = Math.toIntExact(2 * index - first[l - 1]);
          nodes[j] = MerkleHasher.nodeHash(below[left], below[left + 1]);
        }
      }
      levels[l] = nodes;
    }
    return new BatchProofs(sizeBefore, n, levels, first);
  }

  /** The tree size before the batch; the first batch leaf has this index. */
  public long sizeBefore() {
    return sizeBefore;
  }

  /** The tree size after the batch; the proofs are against this tree. */
  public long sizeAfter() {
    return sizeAfter;
  }

  /** The root of the tree after the batch (RFC 9162 §2.1.1 MTH). */
  public byte[] root() {
    return sizeAfter == 0 ? MerkleHasher.emptyRoot() : rightEdge[levels.length].clone();
  }

  /** {@link MerkleFrontier#serialize()} of the tree after the batch. */
  public byte[] frontierAfter() {
    byte[] out = new byte[Long.bitCount(sizeAfter) * HASH_SIZE];
    int slot = 0;
    for (int l = levels.length - 1; l >= 0; l--) {
      if (((sizeAfter >> l) & 1) == 1) {
        System.arraycopy(get(l, (sizeAfter >> l) - 1), 0, out, slot++ * HASH_SIZE, HASH_SIZE);
      }
    }
    return out;
  }

  /**
   * The audit path (RFC 9162 §2.1.3.1) of batch leaf {@code leafIndex} against the tree after the
   * batch: equal to {@link MerkleProofs#inclusion}{@code (leafIndex, sizeAfter(), ...)}.
   *
   * @throws IllegalArgumentException unless {@code sizeBefore() <= leafIndex < sizeAfter()}
   */
  public List<byte[]> inclusion(long leafIndex) {
    if (leafIndex < sizeBefore || leafIndex >= sizeAfter) {
      throw new IllegalArgumentException(
          "leaf " + leafIndex + " is not in the batch [" + sizeBefore + ", " + sizeAfter + ")");
    }
    long n = sizeAfter;
    List<byte[]> path = new ArrayList<>(levels.length);
    for (int level = 0; ((n - 1) >> level) > 0; level++) {
      long ancestor = leafIndex >> level;
      long sibling = ancestor ^ 1;
      if (sibling > (n - 1) >> level) {
        continue; // no sibling at this level: the ancestor is promoted
      }
      long siblingStart = sibling << level; // < n: no overflow
      if (sibling < ancestor || n - siblingStart >= 1L << level) {
        path.add(get(level, sibling).clone());
      } else {
        path.add(rightEdge[level].clone()); // the sibling is cut off by the size: what is left
      }
    }
    return path;
  }

  /**
   * The perfect subtrees whose last leaf is in the batch, every level from 0 (the batch's leaf
   * hashes) up, ordered by level then index. A store that keeps leaf hashes elsewhere may skip
   * level 0. Together with the nodes of earlier batches they are every node a {@link NodeSource}
   * for the tree after the batch must serve.
   */
  public List<TreeNode> completedNodes() {
    List<TreeNode> out = new ArrayList<>();
    for (int l = 0; l < levels.length; l++) {
      for (long index = sizeBefore >> l; index < sizeAfter >> l; index++) {
        out.add(new TreeNode(l, index, get(l, index)));
      }
    }
    return out;
  }

  private byte[] get(int level, long index) {
    return levels[level][Math.toIntExact(index - first[level])];
  }
}
