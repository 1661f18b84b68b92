package dev.warden.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reads approvals. They are written only with the log entries that record them ({@link
 * SealedBatch#approvals()}), never on their own.
 */
public interface ApprovalStore {

  Optional<ApprovalRecord> find(String decisionId) throws StoreException;

  /** Approvals in {@code state}, oldest first, at most {@code limit}. */
  List<ApprovalRecord> list(ApprovalState state, int limit) throws StoreException;

  /** Pending approvals whose time ran out at or before {@code now}, oldest first. */
  List<ApprovalRecord> due(Instant now, int limit) throws StoreException;
}
