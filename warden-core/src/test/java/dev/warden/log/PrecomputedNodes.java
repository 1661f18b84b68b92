package dev.warden.log;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link NodeSource} over leaf hashes with every complete node computed once, counting the nodes
 * read, so tests can check that a proof reads O(log n) of them.
 */
final class PrecomputedNodes implements NodeSource {
  private final List<byte[][]> levels = new ArrayList<>();
  private long reads;

  PrecomputedNodes(List<byte[]> leafHashes) {
    byte[][] level = leafHashes.toArray(new byte[0][]);
    levels.add(level);
    while (level.length > 1) {
      byte[][] up = new byte[level.length / 2][];
      for (int i = 0; i < up.length; i++) {
        up[i] = MerkleHasher.nodeHash(level[2 * i], level[2 * i + 1]);
      }
      levels.add(up);
      level = up;
    }
  }

  @Override
  public byte[] node(int level, long index) {
    if (level >= levels.size() || index < 0 || index >= levels.get(level).length) {
      throw new IllegalArgumentException("no complete node (" + level + ", " + index + ")");
    }
    reads++;
    return levels.get(level)[(int) index].clone();
  }

  long reads() {
    return reads;
  }
}
