package dev.warden.log;

import dev.warden.store.ApprovalChange;
import dev.warden.store.ExecutionChange;
import dev.warden.store.IdempotencyRecord;
import dev.warden.store.NonceRecord;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An entry waiting for its group commit, with the state that must become durable together with it.
 *
 * @param entry the canonical JSON bytes of the entry (exactly what is hashed)
 * @param decisionId the decision this entry records, to index it for {@code GET
 *     /v1/decisions/{id}}; null for entries that are not decisions
 * @param agentId the agent the decision belongs to; null exactly when {@code decisionId} is
 * @param approval the approval change written with the entry, if any
 * @param execution the execution change written with the entry, if any
 */
public record PendingEntry(
    byte[] entry,
    @Nullable String decisionId,
    @Nullable String agentId,
    @Nullable NonceRecord nonce,
    @Nullable IdempotencyRecord idempotency,
    @Nullable ApprovalChange approval,
    @Nullable ExecutionChange execution) {

  public PendingEntry {
    Objects.requireNonNull(entry, "entry");
    if ((decisionId == null) != (agentId == null)) {
      throw new IllegalArgumentException("decisionId and agentId go together");
    }
  }

  /** An entry that changes no execution. */
  public PendingEntry(
      byte[] entry,
      @Nullable String decisionId,
      @Nullable String agentId,
      @Nullable NonceRecord nonce,
      @Nullable IdempotencyRecord idempotency,
      @Nullable ApprovalChange approval) {
    this(entry, decisionId, agentId, nonce, idempotency, approval, null);
  }

  /** An entry that changes no approval. */
  public PendingEntry(
      byte[] entry,
      @Nullable String decisionId,
      @Nullable String agentId,
      @Nullable NonceRecord nonce,
      @Nullable IdempotencyRecord idempotency) {
    this(entry, decisionId, agentId, nonce, idempotency, null, null);
  }

  /** An entry that carries no other state (summaries, admin actions, policy activations). */
  public static PendingEntry of(byte[] entry) {
    return new PendingEntry(entry, null, null, null, null, null, null);
  }

  /** An entry recording {@code change} to an approval (its approval, rejection, expiry). */
  public static PendingEntry approval(byte[] entry, ApprovalChange change) {
    return new PendingEntry(entry, null, null, null, null, change, null);
  }

  /**
   * An entry recording {@code change} to an approval that also starts or finishes an execution: the
   * final approval of an escalated action starts it (SPEC §8).
   */
  public static PendingEntry approval(
      byte[] entry, ApprovalChange change, @Nullable ExecutionChange execution) {
    return new PendingEntry(entry, null, null, null, null, change, execution);
  }

  /** An entry recording {@code change} to an execution (its outcome). */
  public static PendingEntry execution(byte[] entry, ExecutionChange change) {
    return new PendingEntry(entry, null, null, null, null, null, change);
  }
}
