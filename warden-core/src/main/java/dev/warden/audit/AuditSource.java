package dev.warden.audit;

import dev.warden.store.LogHead;
import dev.warden.store.LogStore;
import dev.warden.store.StoreException;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import dev.warden.store.TreeNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link LogAuditor} reads: entries, signed checkpoints and, where the source keeps them, the
 * tree nodes and head written at append time. A {@link LogStore} is one ({@link #of}); an export
 * file is another ({@link ExportSource}).
 *
 * <p>Nothing read here is trusted. A source reports data it cannot read at all as {@link
 * StoreException.Kind#CORRUPT} (the audit reports it as {@code malformed}) and any other failure as
 * {@link StoreException.Kind#UNAVAILABLE} (the audit stops with the exception).
 */
public interface AuditSource {

  /** The number of entries the source says it holds, for progress only; -1 if unknown. */
  long expectedSize() throws StoreException;

  /**
   * Entries with {@code start <= index < end}, in index order; fewer at the end of the log, and
   * with gaps where rows are missing.
   */
  List<StoredEntry> read(long start, long end) throws StoreException;

  /** Checkpoints with {@code size >= fromSize}, by size, at most {@code limit}. */
  List<StoredCheckpoint> checkpoints(long fromSize, int limit) throws StoreException;

  /**
   * Whether the source keeps the tree nodes written at append time ({@link #storedNodes}): then
   * every node of a complete subtree must be there and agree with the entries.
   */
  default boolean keepsTreeNodes() {
    return false;
  }

  /**
   * The stored hashes of these tree nodes; nodes the source does not hold are absent from the map.
   * Sources without tree nodes (export files) return an empty map.
   */
  default Map<TreeNode.Id, byte[]> storedNodes(List<TreeNode.Id> ids) throws StoreException {
    return Map.of();
  }

  /** The stored head (size and Merkle frontier), if the source keeps one. */
  default Optional<LogHead> head() throws StoreException {
    return Optional.empty();
  }

  /** A source reading {@code log}: entries, checkpoints, tree nodes and head. */
  static AuditSource of(LogStore log) {
    return new StoreSource(log);
  }
}
