package dev.warden.pipeline;

import dev.warden.budget.Ledger;
import dev.warden.budget.Settlements;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.log.Entries;
import dev.warden.log.GroupCommitLog;
import dev.warden.log.PendingEntry;
import dev.warden.store.ExecutionChange;
import dev.warden.store.ExecutionRecord;
import dev.warden.store.ExecutionState;
import dev.warden.store.ExecutionStore;
import dev.warden.store.LogStore;
import dev.warden.store.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An operator's resolution of an {@code outcome_unknown} execution ({@link ExecutionRecovery}),
 * after checking at the upstream whether the action happened: an {@code execution} entry with
 * {@code step: "resolve"} finishes it as {@code succeeded} or {@code failed} in the same
 * transaction, then its reservation is settled — spent for {@code succeeded}, released for {@code
 * failed}. A reservation that housekeeping already settled as spent (it keeps an unknown outcome's
 * reservation, and commits it once its hold ran out) stays spent.
 *
 * <p>Only an {@code outcome_unknown} execution is resolved, once: the store refuses any other.
 */
public final class ExecutionResolutions {
  private final ExecutionStore executions;
  private final LogStore logStore;
  private final Entries entries;
  private final GroupCommitLog log;
  private final Ledger ledger;
  private final Settlements settlements;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();

  public ExecutionResolutions(
      ExecutionStore executions,
      LogStore logStore,
      Entries entries,
      GroupCommitLog log,
      Ledger ledger,
      Settlements settlements,
      Clock clock) {
    this.executions = executions;
    this.logStore = logStore;
    this.entries = entries;
    this.log = log;
    this.ledger = ledger;
    this.settlements = settlements;
    this.clock = clock;
  }

  /**
   * Resolves {@code decisionId}'s {@code outcome_unknown} execution as {@code outcome}.
   *
   * @param outcome {@link ExecutionState#SUCCEEDED} or {@link ExecutionState#FAILED}
   * @param reason the operator's words (what was checked), logged as the entry's {@code detail}
   * @return the execution after the resolution
   * @throws RequestRejected {@code admin.not_found} if the decision has no execution, {@code
   *     admin.conflict} if its execution's outcome is not unknown
   */
  public ExecutionRecord resolve(
      String decisionId, ExecutionState outcome, String operator, String reason)
      throws RequestRejected, StoreException {
    if (outcome != ExecutionState.SUCCEEDED && outcome != ExecutionState.FAILED) {
      throw new IllegalArgumentException("resolved as succeeded or failed, not " + outcome.wire());
    }
    lock.lock();
    try {
      ExecutionRecord r =
          executions
              .find(decisionId)
              .orElseThrow(
                  () ->
                      new RequestRejected(
                          ErrorCode.ADMIN_NOT_FOUND, "no execution for decision " + decisionId));
      if (r.state() != ExecutionState.OUTCOME_UNKNOWN) {
        throw new RequestRejected(
            ErrorCode.ADMIN_CONFLICT,
            "the execution of decision "
                + decisionId
                + " is "
                + r.state().wire()
                + "; only an outcome_unknown execution is resolved by an operator");
      }
      Instant now = clock.instant();
      byte[] entry =
          entries.executionResolved(
              now,
              ExecutionRecovery.subject(r, logStore),
              r.adapter(),
              outcome.wire(),
              operator,
              reason);
      log.append(
          PendingEntry.execution(
              entry,
              new ExecutionChange.Finish(
                  decisionId, ExecutionState.OUTCOME_UNKNOWN, outcome, now)));
      if (outcome == ExecutionState.SUCCEEDED) {
        settlements.committed(decisionId);
      } else {
        ledger.giveBack(decisionId);
      }
      return executions.find(decisionId).orElseThrow();
    } finally {
      lock.unlock();
    }
  }
}
