package dev.warden.audit;

import dev.warden.store.LogHead;
import dev.warden.store.LogStore;
import dev.warden.store.StoreException;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import dev.warden.store.TreeNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link AuditSource#of(LogStore)}. */
final class StoreSource implements AuditSource {
  static final int NODES_PER_CALL = 256;

  private final LogStore log;

  StoreSource(LogStore log) {
    this.log = log;
  }

  @Override
  public long expectedSize() throws StoreException {
    return log.head().size();
  }

  @Override
  public List<StoredEntry> read(long start, long end) throws StoreException {
    return log.read(start, end);
  }

  @Override
  public List<StoredCheckpoint> checkpoints(long fromSize, int limit) throws StoreException {
    return log.checkpoints(fromSize, limit);
  }

  @Override
  public boolean keepsTreeNodes() {
    return true;
  }

  /**
   * Asks {@link LogStore#nodes} {@value #NODES_PER_CALL} at a time (a store may turn one call into
   * one statement with two parameters per node). It refuses a whole call when one node is missing,
   * which happens only in a damaged log (entries past the nodes that were written for them): then
   * that call's nodes are asked for one at a time, so the others still count.
   */
  @Override
  public Map<TreeNode.Id, byte[]> storedNodes(List<TreeNode.Id> ids) throws StoreException {
    Map<TreeNode.Id, byte[]> out = new HashMap<>(ids.size() * 2);
    for (int from = 0; from < ids.size(); from += NODES_PER_CALL) {
      List<TreeNode.Id> chunk = ids.subList(from, Math.min(ids.size(), from + NODES_PER_CALL));
      try {
        put(log.nodes(chunk), out);
      } catch (StoreException e) {
        if (e.kind() != StoreException.Kind.CORRUPT) {
          throw e;
        }
        for (TreeNode.Id id : chunk) {
          try {
            put(log.nodes(List.of(id)), out);
          } catch (StoreException missing) {
            if (missing.kind() != StoreException.Kind.CORRUPT) {
              throw missing;
            }
          }
        }
      }
    }
    return out;
  }

  private static void put(List<TreeNode> nodes, Map<TreeNode.Id, byte[]> out) {
    for (TreeNode n : nodes) {
      out.put(n.id(), n.hash());
    }
  }

  @Override
  public Optional<LogHead> head() throws StoreException {
    return Optional.of(log.head());
  }
}
