package dev.warden.store;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything one group commit writes, in one transaction: the entries with their indexes, the new
 * head, the tree nodes the batch completed, the checkpoint signed for the new head, and the state
 * that must become durable with them (nonces, idempotency records, decision references, approval
 * and execution changes) so that a crash can never keep one without the other.
 *
 * @param checkpoint the signed checkpoint of {@code newHead}, or null only in store tests that do
 *     not exercise checkpoints
 */
public record SealedBatch(
    LogHead newHead,
    List<StoredEntry> entries,
    List<NonceRecord> nonces,
    List<IdempotencyRecord> idempotency,
    List<DecisionRef> decisions,
    List<TreeNode> nodes,
    @Nullable StoredCheckpoint checkpoint,
    List<ApprovalWrite> approvals,
    List<ExecutionWrite> executions) {

  public SealedBatch {
    Objects.requireNonNull(newHead, "newHead");
    entries = List.copyOf(entries);
    nonces = List.copyOf(nonces);
    idempotency = List.copyOf(idempotency);
    decisions = List.copyOf(decisions);
    nodes = List.copyOf(nodes);
    approvals = List.copyOf(approvals);
    executions = List.copyOf(executions);
    if (checkpoint != null && checkpoint.size() != newHead.size()) {
      throw new IllegalArgumentException("the checkpoint must be of the new head");
    }
  }

  /** A batch that changes no execution. */
  public SealedBatch(
      LogHead newHead,
      List<StoredEntry> entries,
      List<NonceRecord> nonces,
      List<IdempotencyRecord> idempotency,
      List<DecisionRef> decisions,
      List<TreeNode> nodes,
      @Nullable StoredCheckpoint checkpoint,
      List<ApprovalWrite> approvals) {
    this(newHead, entries, nonces, idempotency, decisions, nodes, checkpoint, approvals, List.of());
  }

  /** A batch that changes no approval. */
  public SealedBatch(
      LogHead newHead,
      List<StoredEntry> entries,
      List<NonceRecord> nonces,
      List<IdempotencyRecord> idempotency,
      List<DecisionRef> decisions,
      List<TreeNode> nodes,
      @Nullable StoredCheckpoint checkpoint) {
    this(newHead, entries, nonces, idempotency, decisions, nodes, checkpoint, List.of(), List.of());
  }

  /** A batch without tree nodes or checkpoint (store tests of the other state). */
  public SealedBatch(
      LogHead newHead,
      List<StoredEntry> entries,
      List<NonceRecord> nonces,
      List<IdempotencyRecord> idempotency,
      List<DecisionRef> decisions) {
    this(newHead, entries, nonces, idempotency, decisions, List.of(), null, List.of(), List.of());
  }
}
