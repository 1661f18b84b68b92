package dev.warden.approval;

import dev.warden.error.RequestRejected;
import dev.warden.store.ApprovalRequest;
import dev.warden.store.StoreException;
import org.jspecify.annotations.Nullable;

/**
 * Runs approved escalations of {@code POST /v1/actions} through their adapters (SPEC §8). The
 * pipeline implements it, so this package does not depend on how actions are executed.
 */
public interface ApprovedActions {

  /** Runs nothing: every approved escalation only decides. */
  ApprovedActions NONE =
      new ApprovedActions() {
        @Override
        public @Nullable String adapterFor(String action) {
          return null;
        }

        @Override
        public boolean executing(String decisionId) {
          return false;
        }

        @Override
        public void run(ApprovalRequest request, String adapter, boolean reserved) {
          throw new IllegalStateException("no adapter " + adapter);
        }
      };

  /** The id of the adapter that executes {@code action}, or null when it is decision-only. */
  @Nullable String adapterFor(String action);

  /**
   * Whether decision {@code decisionId}'s approved action is being executed now, by this replica or
   * another (its execution is in flight).
   */
  boolean executing(String decisionId) throws StoreException;

  /**
   * Runs the approved {@code request} once with {@code adapter}, holding no lock: its approval
   * entry started the execution; the outcome is logged as an {@code execution} entry and the
   * reservation settled (spent on success, released on failure).
   *
   * @param reserved whether the approval reserved budget
   * @throws RequestRejected {@code store.unavailable} when the outcome could not be logged (the
   *     execution becomes {@code outcome_unknown} at the next start)
   */
  void run(ApprovalRequest request, String adapter, boolean reserved) throws RequestRejected;
}
