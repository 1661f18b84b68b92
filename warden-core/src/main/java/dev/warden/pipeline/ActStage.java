package dev.warden.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import dev.warden.store.StoredEntry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The act stage of {@code POST /v1/actions} (SPEC §9): after the allow entry and its {@code
 * in_flight} execution are durable, runs the adapter once (holding no lock), then logs the outcome
 * as an {@code execution} entry that finishes the execution, and settles the budget: spent on a
 * 2xx, released otherwise.
 */
final class ActStage {
  private static final Logger log = LoggerFactory.getLogger(ActStage.class);

  private final ActionRunner runner;
  private final ExecutionStore executions;
  private final LogStore logStore;
  private final Entries entries;
  private final GroupCommitLog commitLog;
  private final BudgetStage budgets;
  private final Clock clock;

  ActStage(
      ActionRunner runner,
      ExecutionStore executions,
      LogStore logStore,
      Entries entries,
      GroupCommitLog commitLog,
      BudgetStage budgets,
      Clock clock) {
    this.runner = runner;
    this.executions = executions;
    this.logStore = logStore;
    this.entries = entries;
    this.commitLog = commitLog;
    this.budgets = budgets;
    this.clock = clock;
  }

  /** The adapter that executes {@code action}, or null when it is decision-only. */
  @Nullable String adapterFor(String action) {
    return runner.adapterFor(action);
  }

  /**
   * Executes the allowed request {@code s}, whose allow entry (with its execution start) is
   * durable.
   *
   * @param reserved whether the allow reserved budget, to settle by the outcome
   * @throws RequestRejected {@code store.unavailable} when the outcome could not be logged: the
   *     execution stays in flight, is recorded as {@code outcome_unknown} at the next start, and
   *     keeps its reservation (the action may have happened)
   */
  ActionResponse.Executed run(
      DecisionResponse allowed, Entries.Subject s, String adapter, boolean reserved)
      throws RequestRejected {
    return new ActionResponse.Executed(allowed, execute(s, adapter, reserved));
  }

  /**
   * Executes the request of {@code s}, whose execution start is durable (with its allow entry, or
   * with the approval entry that approved it), logs the outcome and settles the reservation.
   *
   * @throws RequestRejected as {@link #run}
   */
  ExecutionView execute(Entries.Subject s, String adapter, boolean reserved)
      throws RequestRejected {
    JsonNode params = s.request().path("params");
    ActionResult result;
    try {
      result =
          runner.run(
              adapter,
              new ActionRunner.Call(
                  s.decisionId(),
                  s.agent(),
                  s.tenant(),
                  s.action(),
                  s.resource(),
                  params.isObject() ? params : JsonNodeFactory.instance.objectNode()));
    } catch (RuntimeException e) {
      log.error("adapter {} failed on decision {}", adapter, s.decisionId(), e);
      result = new ActionResult.Failed("internal_error", "the adapter failed unexpectedly", 0);
    }
    ExecutionState outcome =
        result instanceof ActionResult.Completed c && c.successful()
            ? ExecutionState.SUCCEEDED
            : ExecutionState.FAILED;
    ExecutionView view = ExecutionView.of(outcome, result);
    Instant now = clock.instant();
    byte[] entry = entries.execution(now, s, record(adapter, view, result));
    try {
      commitLog.append(
          PendingEntry.execution(entry, new ExecutionChange.Finish(s.decisionId(), outcome, now)));
    } catch (RequestRejected e) {
      throw new RequestRejected(
              ErrorCode.STORE_UNAVAILABLE,
              "the action ran but its outcome could not be logged; it is recorded as"
                  + " outcome_unknown when Warden starts again")
          .withDecisionId(s.decisionId());
    }
    if (reserved) {
      if (outcome == ExecutionState.SUCCEEDED) {
        budgets.spent(s.decisionId());
      } else {
        budgets.releaseQuietly(s.decisionId());
      }
    }
    return view;
  }

  /**
   * The outcome of {@code decisionId}'s execution as logged (without a body), or empty when the
   * decision was not executed.
   *
   * @throws RequestRejected {@code idempotency.in_flight} while it is still running
   */
  Optional<ExecutionView> logged(String decisionId) throws StoreException, RequestRejected {
    ExecutionRecord r = executions.find(decisionId).orElse(null);
    if (r == null) {
      return Optional.empty();
    }
    if (r.finishedIndex() == null) {
      throw new RequestRejected(
          ErrorCode.IDEMPOTENCY_IN_FLIGHT,
          "the action of decision " + decisionId + " is still running; retry to get its outcome");
    }
    return finished(decisionId);
  }

  /**
   * The outcome of {@code decisionId}'s execution as logged (without a body); empty when the
   * decision was not executed or its execution is still in flight.
   */
  Optional<ExecutionView> finished(String decisionId) throws StoreException {
    ExecutionRecord r = executions.find(decisionId).orElse(null);
    Long finished = r == null ? null : r.finishedIndex();
    if (finished == null) {
      return Optional.empty();
    }
    List<StoredEntry> e = logStore.read(finished, finished + 1);
    if (e.isEmpty()) {
      throw new StoreException(
          StoreException.Kind.CORRUPT, "execution " + decisionId + " points past the log");
    }
    return Optional.of(ExecutionView.fromEntry(e.get(0).entry()));
  }

  private static Entries.Execution record(String adapter, ExecutionView view, ActionResult result) {
    // Not a conditional expression: long and Long there would unbox the null of a failure.
    Long bytes = null;
    if (result instanceof ActionResult.Completed c) {
      bytes = (long) c.body().length;
    }
    return new Entries.Execution(
        adapter,
        view.outcome().wire(),
        view.status(),
        view.durationMs(),
        view.responseDigest(),
        bytes,
        view.reason(),
        view.detail());
  }
}
