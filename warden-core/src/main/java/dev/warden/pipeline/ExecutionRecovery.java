package dev.warden.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * An execution still {@code in_flight} whose replica is dead ({@link ExecutionStore#orphaned}) was
 * interrupted (its Warden stopped between the allow and the outcome), so the upstream may or may
 * not have acted. Each gets an {@code execution} entry with outcome {@code outcome_unknown}; none
 * is ever run again, and its budget reservation is kept (settled against the logged allow).
 * Resolving them is for an operator ({@link ExecutionResolutions}).
 *
 * <p>Run at start, before requests are served, and then periodically on every replica: another
 * replica's executions are recovered once its lease expired. Each entry is appended with a finish
 * from {@code in_flight}, applied only while the execution is still in flight, so when two replicas
 * recover the same orphan one entry is written and the other append is refused and skipped; an
 * execution whose owner finishes it meanwhile is skipped the same way.
 */
public final class ExecutionRecovery {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 100;
  static final String DETAIL =
      "Warden stopped after the allow was logged and before the adapter's outcome was; the action"
          + " may or may not have happened, and is never run again";

  private ExecutionRecovery() {}

  /**
   * Records every orphaned in-flight execution as {@code outcome_unknown}.
   *
   * @return how many this call recorded (not those another replica recorded at the same time)
   */
  public static int recover(
      ExecutionStore executions,
      LogStore logStore,
      Entries entries,
      GroupCommitLog commitLog,
      Clock clock)
      throws StoreException, RequestRejected {
    int done = 0;
    for (List<ExecutionRecord> page = executions.orphaned(PAGE);
        !page.isEmpty();
        page = executions.orphaned(PAGE)) {
      int before = done;
      for (ExecutionRecord r : page) {
        Instant now = clock.instant();
        byte[] entry =
            entries.execution(
                now,
                subject(r, logStore),
                new Entries.Execution(
                    r.adapter(),
                    ExecutionState.OUTCOME_UNKNOWN.wire(),
                    null,
                    null,
                    null,
                    null,
                    "crash",
                    DETAIL));
        try {
          commitLog.append(
              PendingEntry.execution(
                  entry,
                  new ExecutionChange.Finish(r.decisionId(), ExecutionState.OUTCOME_UNKNOWN, now)));
          done++;
        } catch (RequestRejected e) {
          if (stillInFlight(executions, r)) {
            throw e;
          }
          // Finished meanwhile, by its owner or by another replica's recovery: nothing to record.
        }
      }
      if (done == before) {
        break;
      }
    }
    return done;
  }

  private static boolean stillInFlight(ExecutionStore executions, ExecutionRecord r)
      throws StoreException {
    return executions
        .find(r.decisionId())
        .map(e -> e.state() == ExecutionState.IN_FLIGHT)
        .orElse(true);
  }

  /** The subject of the allow entry that started {@code r}. */
  static Entries.Subject subject(ExecutionRecord r, LogStore logStore) throws StoreException {
    List<StoredEntry> e = logStore.read(r.startedIndex(), r.startedIndex() + 1);
    JsonNode d;
    try {
      d = e.isEmpty() ? null : JSON.readTree(e.get(0).entry());
    } catch (IOException ex) {
      d = null;
    }
    if (d == null || !r.decisionId().equals(d.path("decision_id").asText())) {
      throw new StoreException(
          StoreException.Kind.CORRUPT,
          "execution " + r.decisionId() + " does not point to its allow entry");
    }
    return new Entries.Subject(
        r.decisionId(),
        d.path("agent").asText(),
        d.path("tenant").asText(),
        d.path("key_id").asText(),
        d.path("action").asText(),
        d.path("resource").asText(),
        d.path("request_digest").asText(),
        JSON.createObjectNode());
  }
}
