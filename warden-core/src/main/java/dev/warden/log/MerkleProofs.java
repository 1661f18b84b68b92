package dev.warden.log;

import dev.warden.log.ProofException.Reason;
import dev.warden.store.StoreException;
import dev.warden.store.TreeNode;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Merkle inclusion and consistency proofs of RFC 9162 §2.1.3 and §2.1.4 (the same trees and proofs
 * as RFC 6962 §2.1.1–2.1.2): generation from a {@link NodeSource}, and verification.
 *
 * <p>Generation decomposes every subtree it needs into perfect subtrees, so one proof costs O(log
 * n) node reads however large the tree. Verification follows the RFC's algorithms step by step,
 * after checking that every hash is 32 bytes. Stateless and thread-safe.
 */
public final class MerkleProofs {
  private static final int HASH_SIZE = MerkleHasher.HASH_SIZE;

  private MerkleProofs() {}

  /**
   * The audit path of leaf {@code index} in the tree of {@code size} leaves (RFC 9162 §2.1.3.1):
   * sibling hashes from the leaf's up to the root's child.
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < size}
   * @throws StoreException if {@code nodes} cannot serve a node
   */
  public static List<byte[]> inclusion(long index, long size, NodeSource nodes)
      throws StoreException {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException(
          "leaf index " + index + " is not in a tree of " + size + " leaves");
    }
    List<byte[]> path = new ArrayList<>();
    // Bottom-up, one level at a time: PATH(m, D[n]) of §2.1.3.1 takes, per level, the sibling of
    // the leaf's ancestor when it exists; a right sibling cut off by the tree's size is the root of
    // what is left of it, and a sibling wholly beyond the size is skipped (the node is promoted).
    for (int level = 0; ((size - 1) >> level) > 0; level++) {
      long ancestor = index >> level;
      long sibling = ancestor ^ 1;
      if (sibling > (size - 1) >> level) {
        continue;
      }
      long siblingStart = sibling << level; // < size: no overflow
      if (sibling < ancestor || size - siblingStart >= 1L << level) {
        path.add(node(nodes, level, sibling));
      } else {
        path.add(rangeRoot(siblingStart, size - siblingStart, nodes));
      }
    }
    return path;
  }

  /**
   * The consistency proof between the trees of {@code size1} and {@code size2} leaves (RFC 9162
   * §2.1.4.1, PROOF(m, D[n])). Empty when the sizes are equal or {@code size1} is 0.
   *
   * @throws IllegalArgumentException unless {@code 0 <= size1 <= size2}
   * @throws StoreException if {@code nodes} cannot serve a node
   */
  public static List<byte[]> consistency(long size1, long size2, NodeSource nodes)
      throws StoreException {
    if (size1 < 0 || size1 > size2) {
      throw new IllegalArgumentException(
          "no consistency proof from size " + size1 + " to size " + size2);
    }
    List<byte[]> proof = new ArrayList<>();
    if (size1 > 0 && size1 < size2) {
      subproof(size1, 0, size2, true, nodes, proof);
    }
    return proof;
  }

  /**
   * MTH of the tree of {@code size} leaves (RFC 9162 §2.1.1), from at most 63 node reads.
   *
   * @throws IllegalArgumentException if {@code size} is negative
   * @throws StoreException if {@code nodes} cannot serve a node
   */
  public static byte[] root(long size, NodeSource nodes) throws StoreException {
    if (size < 0) {
      throw new IllegalArgumentException("tree size " + size + " is negative");
    }
    return size == 0 ? MerkleHasher.emptyRoot() : rangeRoot(0, size, nodes);
  }

  /**
   * The nodes {@link #inclusion}{@code (index, size, …)} reads, in the order it reads them: fetch
   * them in one store call, then generate from {@link NodeSource#of(Collection)}.
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < size}
   */
  public static List<TreeNode.Id> inclusionNodes(long index, long size) {
    return plan(nodes -> inclusion(index, size, nodes));
  }

  /**
   * The nodes {@link #consistency}{@code (size1, size2, …)} reads, in order.
   *
   * @throws IllegalArgumentException unless {@code 0 <= size1 <= size2}
   */
  public static List<TreeNode.Id> consistencyNodes(long size1, long size2) {
    return plan(nodes -> consistency(size1, size2, nodes));
  }

  /**
   * The nodes {@link #root}{@code (size, …)} reads: one per set bit of {@code size}.
   *
   * @throws IllegalArgumentException if {@code size} is negative
   */
  public static List<TreeNode.Id> rootNodes(long size) {
    return plan(nodes -> root(size, nodes));
  }

  private interface Generation {
    void run(NodeSource nodes) throws StoreException;
  }

  /** Which nodes a generation reads does not depend on their hashes: record them on a dry run. */
  private static List<TreeNode.Id> plan(Generation generation) {
    List<TreeNode.Id> ids = new ArrayList<>();
    byte[] placeholder = new byte[HASH_SIZE];
    try {
      generation.run(
          (level, index) -> {
            ids.add(new TreeNode.Id(level, index));
            return placeholder;
          });
    } catch (StoreException e) {
      throw new IllegalStateException("the recording source does not throw", e);
    }
    return List.copyOf(ids);
  }

  /**
   * Verifies that {@code leafHash} is leaf {@code index} of the tree of {@code size} leaves whose
   * root is {@code root}, by the algorithm of RFC 9162 §2.1.3.2.
   *
   * @throws ProofException {@code MALFORMED} if a hash is not 32 bytes or a number is negative,
   *     {@code OUT_OF_RANGE} if {@code index >= size}, {@code WRONG_PROOF_LENGTH} if the proof has
   *     too many or too few hashes, {@code ROOT_MISMATCH} if it leads to another root
   */
  public static void verifyInclusion(
      byte[] leafHash, long index, long size, List<byte[]> proof, byte[] root)
      throws ProofException {
    requireHash(leafHash, "leaf hash");
    requireHash(root, "root");
    requireHashes(proof);
    if (index < 0 || size < 0) {
      throw new ProofException(
          Reason.MALFORMED, "leaf index " + index + " and tree size " + size + " must be >= 0");
    }
    if (index >= size) {
      throw new ProofException(
          Reason.OUT_OF_RANGE, "leaf index " + index + " is not below tree size " + size);
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        throw wrongLength("inclusion", proof.size());
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = MerkleHasher.nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = MerkleHasher.nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw wrongLength("inclusion", proof.size());
    }
    if (!MessageDigest.isEqual(r, root)) {
      throw new ProofException(
          Reason.ROOT_MISMATCH,
          "inclusion proof of leaf " + index + " leads to another root than the given one");
    }
  }

  /**
   * Verifies that the tree of {@code size1} leaves with root {@code root1} is a prefix of the tree
   * of {@code size2} leaves with root {@code root2}, by the algorithm of RFC 9162 §2.1.4.2 for
   * {@code 0 < size1 < size2}. Equal sizes need an empty proof and equal roots (§2.1.4.1: PROOF(n,
   * D[n]) is empty); size 0 needs an empty proof and {@code root1} the empty tree's root, as every
   * tree extends the empty one.
   *
   * @throws ProofException {@code MALFORMED} if a hash is not 32 bytes or a size is negative,
   *     {@code OUT_OF_RANGE} if {@code size1 > size2}, {@code WRONG_PROOF_LENGTH} if the proof has
   *     too many or too few hashes, {@code ROOT_MISMATCH} if it leads to other roots
   */
  public static void verifyConsistency(
      long size1, long size2, List<byte[]> proof, byte[] root1, byte[] root2)
      throws ProofException {
    requireHash(root1, "first root");
    requireHash(root2, "second root");
    requireHashes(proof);
    if (size1 < 0 || size2 < 0) {
      throw new ProofException(
          Reason.MALFORMED, "tree sizes " + size1 + " and " + size2 + " must be >= 0");
    }
    if (size1 > size2) {
      throw new ProofException(
          Reason.OUT_OF_RANGE, "first tree size " + size1 + " is above second size " + size2);
    }
    if (size1 == 0 || size1 == size2) {
      if (!proof.isEmpty()) {
        throw wrongLength("consistency", proof.size());
      }
      if (size1 == 0) {
        requireRoot(root1, MerkleHasher.emptyRoot(), "first root is not the empty tree's root");
      }
      if (size1 == size2) {
        requireRoot(root2, root1, "roots of trees of equal size " + size2 + " differ");
      }
      return;
    }
    if (proof.isEmpty()) {
      throw wrongLength("consistency", 0);
    }
    List<byte[]> path = proof;
    if (Long.bitCount(size1) == 1) {
      path = new ArrayList<>(proof.size() + 1);
      path.add(root1);
      path.addAll(proof);
    }
    long fn = size1 - 1;
    long sn = size2 - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) {
        throw wrongLength("consistency", proof.size());
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = MerkleHasher.nodeHash(c, fr);
        sr = MerkleHasher.nodeHash(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = MerkleHasher.nodeHash(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw wrongLength("consistency", proof.size());
    }
    requireRoot(fr, root1, "consistency proof leads to another first root");
    requireRoot(sr, root2, "consistency proof leads to another second root");
  }

  /** SUBPROOF(m, D[start:start+n], b) of RFC 9162 §2.1.4.1, appending to {@code out}. */
  private static void subproof(
      long m, long start, long n, boolean complete, NodeSource nodes, List<byte[]> out)
      throws StoreException {
    if (m == n) {
      if (!complete) {
        out.add(rangeRoot(start, n, nodes));
      }
      return;
    }
    long k = Long.highestOneBit(n - 1); // the largest power of two smaller than n
    if (m <= k) {
      subproof(m, start, k, complete, nodes, out);
      out.add(rangeRoot(start + k, n - k, nodes));
    } else {
      subproof(m - k, start + k, n - k, false, nodes, out);
      out.add(rangeRoot(start, k, nodes));
    }
  }

  /**
   * MTH of leaves {@code [start, start+n)}, where {@code start} is a multiple of a power of two not
   * below {@code n} (true of every subtree RFC 9162's recursions visit): the perfect subtrees of
   * the binary digits of {@code n}, largest first, hashed together from the right.
   */
  static byte[] rangeRoot(long start, long n, NodeSource nodes) throws StoreException {
    List<byte[]> pieces = new ArrayList<>(Long.bitCount(n));
    long offset = start;
    for (int level = 63 - Long.numberOfLeadingZeros(n); level >= 0; level--) {
      if (((n >>> level) & 1) == 1) {
        pieces.add(node(nodes, level, offset >> level));
        offset += 1L << level;
      }
    }
    byte[] r = pieces.get(pieces.size() - 1);
    for (int i = pieces.size() - 2; i >= 0; i--) {
      r = MerkleHasher.nodeHash(pieces.get(i), r);
    }
    return r;
  }

  private static byte[] node(NodeSource nodes, int level, long index) throws StoreException {
    byte[] h = nodes.node(level, index);
    if (h.length != HASH_SIZE) {
      throw new StoreException(
          StoreException.Kind.CORRUPT,
          "Merkle node (level " + level + ", index " + index + ") is " + h.length + " bytes");
    }
    return h;
  }

  private static void requireHash(byte[] hash, String what) throws ProofException {
    if (hash.length != HASH_SIZE) {
      throw new ProofException(
          Reason.MALFORMED, what + " is " + hash.length + " bytes, not " + HASH_SIZE);
    }
  }

  private static void requireHashes(List<byte[]> proof) throws ProofException {
    for (int i = 0; i < proof.size(); i++) {
      requireHash(proof.get(i), "proof hash " + i);
    }
  }

  private static void requireRoot(byte[] computed, byte[] expected, String message)
      throws ProofException {
    if (!MessageDigest.isEqual(computed, expected)) {
      throw new ProofException(Reason.ROOT_MISMATCH, message);
    }
  }

  private static ProofException wrongLength(String kind, int length) {
    return new ProofException(
        Reason.WRONG_PROOF_LENGTH,
        kind + " proof of " + length + " hashes has the wrong length for its sizes");
  }
}
