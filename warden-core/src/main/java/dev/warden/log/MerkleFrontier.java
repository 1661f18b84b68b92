package dev.warden.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The right edge of an RFC 6962 Merkle tree: the roots of the perfect subtrees that make up a tree
 * of {@code size} leaves, one per set bit of {@code size}, largest first. Enough to append a leaf
 * in O(log n) and to compute the root, without reading any old leaf. Not thread-safe.
 */
public final class MerkleFrontier {
  private long size;
  private final List<byte[]> hashes;

  private MerkleFrontier(long size, List<byte[]> hashes) {
    this.size = size;
    this.hashes = hashes;
  }

  public static MerkleFrontier empty() {
    return new MerkleFrontier(0, new ArrayList<>());
  }

  /**
   * Restores a frontier from {@link #serialize()}.
   *
   * @throws IllegalArgumentException if the bytes do not hold one 32-byte hash per set bit of size
   */
  public static MerkleFrontier restore(long size, byte[] state) {
    if (size < 0) {
      throw new IllegalArgumentException("log head size " + size + " is negative");
    }
    int n = Long.bitCount(size);
    if (state.length != n * MerkleHasher.HASH_SIZE) {
      throw new IllegalArgumentException(
          "log head state holds "
              + state.length
              + " bytes; a tree of "
              + size
              + " leaves needs "
              + n * 32);
    }
    List<byte[]> hashes = new ArrayList<>(n + 1);
    for (int i = 0; i < n; i++) {
      hashes.add(Arrays.copyOfRange(state, i * 32, (i + 1) * 32));
    }
    return new MerkleFrontier(size, hashes);
  }

  /**
   * Appends a leaf by its leaf hash: merges equal-sized subtrees as binary addition carries.
   *
   * @throws IllegalArgumentException if {@code leafHash} is not 32 bytes
   */
  public void append(byte[] leafHash) {
    append(leafHash, (level, index, hash) -> {});
  }

  /** Receives each node an append completes: the leaf itself, then every merged subtree root. */
  @FunctionalInterface
  public interface NodeSink {
    void completed(int level, long index, byte[] hash);
  }

  /**
   * Appends a leaf and reports the perfect-subtree nodes it completes (the leaf at level 0, then
   * one node per carry), which never change afterwards.
   */
  public void append(byte[] leafHash, NodeSink completed) {
    if (leafHash.length != MerkleHasher.HASH_SIZE) {
      throw new IllegalArgumentException(
          "a leaf hash is " + MerkleHasher.HASH_SIZE + " bytes, not " + leafHash.length);
    }
    byte[] h = leafHash.clone(); // the caller's array stays the caller's
    completed.completed(0, size, h.clone());
    int level = 0;
    for (long s = size; (s & 1) == 1; s >>>= 1) {
      h = MerkleHasher.nodeHash(hashes.remove(hashes.size() - 1), h);
      level++;
      completed.completed(level, size >>> level, h.clone());
    }
    hashes.add(h);
    size++;
  }

  public long size() {
    return size;
  }

  /** The tree's root hash (RFC 6962 MTH); the empty tree's root for size 0. */
  public byte[] root() {
    if (hashes.isEmpty()) {
      return MerkleHasher.emptyRoot();
    }
    byte[] r = hashes.get(hashes.size() - 1).clone(); // never hand out the stored hash
    for (int i = hashes.size() - 2; i >= 0; i--) {
      r = MerkleHasher.nodeHash(hashes.get(i), r);
    }
    return r;
  }

  public byte[] serialize() {
    byte[] out = new byte[hashes.size() * 32];
    for (int i = 0; i < hashes.size(); i++) {
      System.arraycopy(hashes.get(i), 0, out, i * 32, 32);
    }
    return out;
  }
}
