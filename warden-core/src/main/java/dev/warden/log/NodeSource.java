package dev.warden.log;

import dev.warden.store.StoreException;
import dev.warden.store.TreeNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where {@link MerkleProofs} reads the hashes of a Merkle tree (RFC 9162 §2.1.1): the hash of the
 * perfect subtree at {@code level} covering leaves {@code [index·2^level, (index+1)·2^level)}.
 * Level 0 holds the leaf hashes; the node at level {@code l}, index {@code i} is {@code
 * SHA-256(0x01 ‖ node(l-1, 2i) ‖ node(l-1, 2i+1))}.
 *
 * <p>A log store serves the nodes each batch completed ({@link BatchProofs#completedNodes()}, or
 * {@link MerkleFrontier#append(byte[], MerkleFrontier.NodeSink)}); a proof reads O(log n) of them.
 * To read them in one store call, ask {@link MerkleProofs#inclusionNodes} (and its siblings) which
 * ones, fetch them, and generate from {@link #of(Collection)}.
 */
@FunctionalInterface
public interface NodeSource {

  /**
   * The 32-byte hash of the perfect subtree at {@code level} (0 for leaves) and {@code index}.
   * Callers only ask for subtrees that lie entirely within a tree the source holds.
   *
   * @throws StoreException if the node cannot be read or is not stored
   */
  byte[] node(int level, long index) throws StoreException;

  /**
   * A source over nodes already fetched, for instance those {@link MerkleProofs#inclusionNodes}
   * names, read in one store call.
   *
   * @throws StoreException {@code CORRUPT} from {@link #node} for a node not among them
   */
  static NodeSource of(Collection<TreeNode> nodes) {
    Map<TreeNode.Id, TreeNode> byId = new HashMap<>();
    for (TreeNode n : nodes) {
      byId.put(n.id(), n);
    }
    return (level, index) -> {
      TreeNode n = byId.get(new TreeNode.Id(level, index));
      if (n == null) {
        throw new StoreException(
            StoreException.Kind.CORRUPT,
            "Merkle node (level " + level + ", index " + index + ") was not fetched");
      }
      return n.hash();
    };
  }

  /**
   * A source over leaf hashes held in memory, computing each node from the leaves on demand
   * (O(2^level) hashes per node): for tests and small trees. The list is copied.
   *
   * @throws IllegalArgumentException if a leaf hash is not 32 bytes
   */
  static NodeSource ofLeaves(List<byte[]> leafHashes) {
    List<byte[]> leaves = new ArrayList<>(leafHashes.size());
    for (byte[] h : leafHashes) {
      if (h.length != MerkleHasher.HASH_SIZE) {
        throw new IllegalArgumentException(
            "a leaf hash is " + MerkleHasher.HASH_SIZE + " bytes, not " + h.length);
      }
      leaves.add(h.clone());
    }
    return new NodeSource() {
      @Override
      public byte[] node(int level, long index) {
        if (level < 0 || level > 62 || index < 0 || (index + 1) > (leaves.size() >> level)) {
          throw new IllegalArgumentException(
              "node (level "
                  + level
                  + ", index "
                  + index
                  + ") is not a complete subtree of a tree of "
                  + leaves.size()
                  + " leaves");
        }
        return compute(level, index);
      }

      private byte[] compute(int level, long index) {
        if (level == 0) {
          return leaves.get(Math.toIntExact(index)).clone();
        }
        return MerkleHasher.nodeHash(
            compute(level - 1, 2 * index), compute(level - 1, 2 * index + 1));
      }
    };
  }
}
