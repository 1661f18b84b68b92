package dev.warden.store;

import java.util.Arrays;

/**
 * A node of the log's Merkle tree that will never change: the root of the perfect subtree at {@code
 * level} covering leaves {@code [index·2^level, (index+1)·2^level)}. Level 0 holds leaf hashes.
 * Stores keep every such node so that any proof costs O(log n) reads.
 */
public record TreeNode(int level, long index, byte[] hash) {

  /** Where a node is, without its hash. */
  public record Id(int level, long index) {
    public Id {
      if (level < 0 || level > 63 || index < 0) {
        throw new IllegalArgumentException("no tree node at level " + level + ", index " + index);
      }
    }
  }

  public TreeNode {
    new Id(level, index);
    if (hash.length != 32) {
      throw new IllegalArgumentException("a tree node hash is 32 bytes");
    }
    hash = hash.clone();
  }

  public Id id() {
    return new Id(level, index);
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TreeNode n
        && level == n.level
        && index == n.index
        && Arrays.equals(hash, n.hash);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(index) * 31 + level;
  }

  @Override
  public String toString() {
    return "TreeNode[" + level + "/" + index + "]";
  }
}
