package dev.warden.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The append-only log and the state that is written with it. */
public interface LogStore {

  /** The current end of the log ({@link LogHead#EMPTY} for a new log). */
  LogHead head() throws StoreException;

  /**
   * Appends one batch durably: locks the head, calls {@code sealer} with it, checks that the sealed
   * entries are numbered {@code head.size()}, {@code head.size()+1}, … and that the new head's size
   * follows, then writes entries, head, nonces, idempotency records and decision references in one
   * transaction and returns only after it is on disk (fsynced).
   *
   * @throws StoreException {@code CONFLICT} if a nonce or idempotency key in the batch already
   *     exists, with {@link StoreException#conflict()} saying which (nothing of the batch is
   *     written); {@code UNAVAILABLE} if it could not be written
   */
  SealedBatch append(BatchSealer sealer) throws StoreException;

  /**
   * The stored tree nodes at these positions, in the same order.
   *
   * @throws StoreException {@code CORRUPT} if one is missing (a node below the head always exists)
   */
  List<TreeNode> nodes(List<TreeNode.Id> ids) throws StoreException;

  /** The checkpoint of the largest size, if any was written. */
  Optional<StoredCheckpoint> latestCheckpoint() throws StoreException;

  /**
   * The first checkpoint that covers entry {@code index}: the one of the smallest size greater than
   * {@code index} (the checkpoint of the entry's own batch).
   */
  Optional<StoredCheckpoint> checkpointCovering(long index) throws StoreException;

  /** Checkpoints with {@code size >= fromSize}, by size, at most {@code limit}. */
  List<StoredCheckpoint> checkpoints(long fromSize, int limit) throws StoreException;

  /** Entries with {@code start <= index < end}, in order; fewer if the log is shorter. */
  List<StoredEntry> read(long start, long end) throws StoreException;

  Optional<DecisionRef> findDecision(String decisionId) throws StoreException;

  /** The record for this agent and key, unless it expired before {@code now}. */
  Optional<IdempotencyRecord> findIdempotency(String agentId, String key, Instant now)
      throws StoreException;

  /** Every nonce that has not expired at {@code now}, to warm the replay guard at start. */
  List<NonceRecord> liveNonces(Instant now) throws StoreException;

  /** Deletes nonces and idempotency records that expired before {@code now}; returns how many. */
  int purgeExpired(Instant now) throws StoreException;
}
