package dev.warden.server;

import dev.warden.approval.Approvals;
import dev.warden.budget.Ledger;
import dev.warden.budget.Settlements;
import dev.warden.error.RequestRejected;
import dev.warden.log.Entries;
import dev.warden.log.GroupCommitLog;
import dev.warden.log.RefusalSummaries;
import dev.warden.pipeline.DecisionView;
import dev.warden.pipeline.ExecutionRecovery;
import dev.warden.store.ApprovalRecord;
import dev.warden.store.ApprovalState;
import dev.warden.store.DecisionRef;
import dev.warden.store.ReplicaStore;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import dev.warden.store.StoredEntry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's background work, on one thread: refusal summaries into the log, budget commits, this
 * replica's lease, recovering the executions of replicas whose lease expired and following the
 * policy another replica activated (SPEC §18), expiring approvals whose TTL ran out, settling
 * expired reservations against the log, and purging what has expired. Each task logs its failure
 * and runs again at its next turn; none of them can make a decision wrong, only late.
 */
final class Housekeeping implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

  private final ScheduledExecutorService executor;
  private final Runnable flushSummaries;
  private final Runnable flushSettlements;
  private final AutoCloseable decisionWatch;

  private Housekeeping(
      ScheduledExecutorService executor,
      Runnable flushSummaries,
      Runnable flushSettlements,
      AutoCloseable decisionWatch) {
    this.executor = executor;
    this.flushSummaries = flushSummaries;
    this.flushSettlements = flushSettlements;
    this.decisionWatch = decisionWatch;
  }

  static Housekeeping start(
      Store store,
      Clock clock,
      Entries entries,
      GroupCommitLog commitLog,
      RefusalSummaries summaries,
      Duration summaryInterval,
      Ledger ledger,
      Settlements settlements,
      Approvals approvals,
      PolicyActivation policy) {
    ScheduledExecutorService ex =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("warden-housekeeping").daemon().factory());
    Runnable flushSummaries = () -> summaries.flush(entries, commitLog);
    Runnable flushSettlements = () -> run("committing budget reservations", settlements::flush);
    long every = summaryInterval.toMillis();
    ex.scheduleAtFixedRate(flushSummaries, every, every, TimeUnit.MILLISECONDS);
    ex.scheduleWithFixedDelay(flushSettlements, 200, 200, TimeUnit.MILLISECONDS);
    // This replica's share of the shared state, at the lease's beat.
    long beat = ReplicaStore.HEARTBEAT.toMillis();
    every(ex, beat, "renewing this replica's lease", store.replicas()::heartbeat);
    every(
        ex,
        beat,
        "recovering executions of stopped replicas",
        () -> recover(store, entries, commitLog, clock));
    every(
        ex,
        beat,
        "following the active policy",
        () -> {
          if (policy.follow()) {
            log.info("the active policy is now {}, activated elsewhere", policy.get().hash());
          }
        });
    ex.scheduleWithFixedDelay(
        () -> run("expiring approvals", () -> approvals.expireDue(clock.instant())),
        1,
        1,
        TimeUnit.SECONDS);
    ex.scheduleWithFixedDelay(
        () ->
            run(
                "settling expired budget reservations",
                () -> ledger.settleExpired(clock.instant(), id -> allowed(store, id))),
        5,
        30,
        TimeUnit.SECONDS);
    ex.scheduleWithFixedDelay(
        () -> {
          run("purging expired nonces", () -> store.log().purgeExpired(clock.instant()));
          run(
              "purging expired result handoffs",
              () -> store.handoffs().purgeExpired(clock.instant()));
          run("purging ended budget windows", () -> ledger.purge(clock.instant()));
        },
        1,
        1,
        TimeUnit.MINUTES);
    // Approvals resolved and actions finished on other replicas wake this replica's waiters.
    AutoCloseable watch = store.watchDecisions(approvals::changed);
    return new Housekeeping(ex, flushSummaries, flushSettlements, watch);
  }

  /** Runs {@code task} every {@code millis}, logging its failures ({@link #run}). */
  private static void every(ScheduledExecutorService ex, long millis, String what, Task task) {
    ex.scheduleWithFixedDelay(() -> run(what, task), millis, millis, TimeUnit.MILLISECONDS);
  }

  private static void recover(Store store, Entries entries, GroupCommitLog commitLog, Clock clock)
      throws StoreException, RequestRejected {
    int n = ExecutionRecovery.recover(store.executions(), store.log(), entries, commitLog, clock);
    if (n > 0) {
      log.warn(
          "{} action(s) were running on a replica whose lease expired; recorded as"
              + " outcome_unknown (never re-run): GET /v1/executions?state=outcome_unknown lists"
              + " them",
          n);
    }
  }

  /**
   * Whether {@code decisionId} is an allow durable in the log: an allow decision, or an escalation
   * whose approval was logged as approved. A store failure is thrown (as {@link
   * UncheckedStoreException}) rather than answered: "no" would release money an action may have
   * spent.
   */
  static boolean allowed(Store store, String decisionId) {
    try {
      Optional<ApprovalRecord> approval = store.approvals().find(decisionId);
      if (approval.isPresent()) {
        return approval.get().state() == ApprovalState.APPROVED;
      }
      Optional<DecisionRef> ref = store.log().findDecision(decisionId);
      if (ref.isEmpty()) {
        return false;
      }
      List<StoredEntry> e = store.log().read(ref.get().index(), ref.get().index() + 1);
      return !e.isEmpty() && DecisionView.decisionOf(e.get(0).entry()).equals("allow");
    } catch (StoreException e) {
      throw new UncheckedStoreException(e);
    }
  }

  private static final class UncheckedStoreException extends RuntimeException {
    UncheckedStoreException(StoreException cause) {
      super(cause.getMessage(), cause);
    }
  }

  @FunctionalInterface
  private interface Task {
    void run() throws StoreException, RequestRejected;
  }

  private static void run(String what, Task task) {
    try {
      task.run();
    } catch (StoreException | UncheckedStoreException e) {
      log.warn("{} failed, will retry: {}", what, e.getMessage());
    } catch (RequestRejected e) {
      log.warn("{} failed, will retry: {}", what, e.detail());
    } catch (RuntimeException e) {
      log.error("{} failed, will retry", what, e);
    }
  }

  /** Stops the schedule and does the last summaries and commits now. */
  @Override
  public void close() {
    try {
      decisionWatch.close();
    } catch (Exception e) {
      log.warn("stopping the decision watch failed: {}", e.getMessage());
    }
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flushSummaries.run();
    flushSettlements.run();
  }
}
