package dev.warden.approval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.budget.Ledger;
import dev.warden.budget.Outcome;
import dev.warden.budget.Settlements;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.log.Entries;
import dev.warden.log.GroupCommitLog;
import dev.warden.log.PendingEntry;
import dev.warden.policy.Escalation;
import dev.warden.policy.Policy;
import dev.warden.policy.PolicyDecision;
import dev.warden.store.ApprovalChange;
import dev.warden.store.ApprovalRecord;
import dev.warden.store.ApprovalRequest;
import dev.warden.store.ApprovalState;
import dev.warden.store.ApprovalStore;
import dev.warden.store.ExecutionChange;
import dev.warden.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The approval workflow of escalated decisions (SPEC §8). A pending decision opens its approval in
 * the same transaction as its entry; every step here — an approval counted, a rejection, a
 * re-evaluation, an expiry — is one log entry written in the same transaction as the approval's
 * change, so the log and the approval never disagree.
 *
 * <p>Rules: only operators among the escalating rules' {@code approvers} (any approver when there
 * are none) may approve, never the requesting agent; an approver counts once; the approval is bound
 * to the policy that escalated it ({@code approval.policy_changed} otherwise, until it is
 * re-evaluated); after its TTL it can only expire. When the last approval needed arrives, the
 * request's budgets and quotas are reserved as for an allow: what does not fit rejects it. An
 * approved escalation of {@code POST /v1/actions} then runs through its adapter: the approval entry
 * starts the execution in the same transaction, the adapter runs after the lock is released, and
 * the {@code execution} entry finishes it ({@link ApprovedActions}).
 *
 * <p>Steps are serialized in this process by one lock; the store additionally refuses a step on an
 * approval that is no longer pending, so two replicas cannot both resolve it.
 */
public final class Approvals {
  private static final int BATCH = 100;

  private final ApprovalStore store;
  private final GroupCommitLog log;
  private final Entries entries;
  private final Supplier<Policy> policy;
  private final Ledger ledger;
  private final Settlements settlements;
  private final Clock clock;
  private final ApprovedActions actions;
  private final Waiters waiters = new Waiters();

  /** Decisions whose approved action is being executed: their waiters wait for the outcome. */
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  private final ReentrantLock lock = new ReentrantLock();

  public Approvals(
      ApprovalStore store,
      GroupCommitLog log,
      Entries entries,
      Supplier<Policy> policy,
      Ledger ledger,
      Settlements settlements,
      Clock clock,
      ApprovedActions actions) {
    this.store = store;
    this.log = log;
    this.entries = entries;
    this.policy = policy;
    this.ledger = ledger;
    this.settlements = settlements;
    this.clock = clock;
    this.actions = actions;
  }

  /**
   * The approval of decision {@code decisionId}.
   *
   * @throws RequestRejected {@code admin.not_found} if the decision was not escalated
   */
  public ApprovalRecord find(String decisionId) throws RequestRejected, StoreException {
    return store
        .find(decisionId)
        .orElseThrow(
            () ->
                new RequestRejected(
                    ErrorCode.ADMIN_NOT_FOUND, "no approval for decision " + decisionId));
  }

  /** Approvals in {@code state}, oldest first. */
  public List<ApprovalRecord> list(ApprovalState state, int limit) throws StoreException {
    return store.list(state, limit);
  }

  /**
   * Counts {@code operator}'s approval; with enough of them the decision is approved.
   *
   * @return the approval after the step (unchanged if {@code operator} had approved already)
   * @throws RequestRejected {@code approval.forbidden}, {@code approval.resolved}, {@code
   *     approval.expired} or {@code approval.policy_changed}
   */
  public ApprovalRecord approve(String decisionId, String operator, @Nullable String reason)
      throws RequestRejected, StoreException {
    Launch launch = new Launch(actions, running, waiters);
    ApprovalRecord after;
    lock.lock();
    try {
      after = approveLocked(decisionId, operator, reason, launch);
    } finally {
      lock.unlock();
    }
    launch.run();
    return after;
  }

  private ApprovalRecord approveLocked(
      String decisionId, String operator, @Nullable String reason, Launch launch)
      throws RequestRejected, StoreException {
    ApprovalRecord a = pending(decisionId);
    ApprovalRequest r = a.request();
    if (operator.equals(r.agentId())) {
      throw new RequestRejected(
          ErrorCode.APPROVAL_FORBIDDEN, "the requesting agent cannot approve its own request");
    }
    if (!r.approvers().isEmpty() && !r.approvers().contains(operator)) {
      throw new RequestRejected(
          ErrorCode.APPROVAL_FORBIDDEN,
          operator + " is not among the approvers of this request: " + r.approvers());
    }
    requireSamePolicy(r);
    if (a.approvedBy().contains(operator)) {
      return a;
    }
    List<String> approvedBy = new ArrayList<>(a.approvedBy());
    approvedBy.add(operator);
    String message = reason == null || reason.isBlank() ? "approved by " + operator : reason;
    if (approvedBy.size() < r.minApprovals()) {
      return step(
          a, operator, "approve", ApprovalState.PENDING, "approval.counted", message, approvedBy);
    }
    return approveFinally(a, operator, "approve", message, approvedBy, r.policyHash(), launch);
  }

  /** Rejects the request: a deny. {@code reason} is required and logged. */
  public ApprovalRecord reject(String decisionId, String operator, String reason)
      throws RequestRejected, StoreException {
    lock.lock();
    try {
      ApprovalRecord a = pending(decisionId);
      ApprovalRequest r = a.request();
      if (!r.approvers().isEmpty() && !r.approvers().contains(operator)) {
        throw new RequestRejected(
            ErrorCode.APPROVAL_FORBIDDEN,
            operator + " is not among the approvers of this request: " + r.approvers());
      }
      return step(
          a,
          operator,
          "reject",
          ApprovalState.REJECTED,
          "approval.rejected",
          reason,
          a.approvedBy());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Evaluates the pending request again under the active policy, for an approval refused with
   * {@code approval.policy_changed}: an allow approves it (budgets reserved), a deny rejects it, an
   * escalation binds it to the new policy and its approval terms with no approvals counted yet.
   *
   * @throws RequestRejected {@code admin.conflict} if the active policy is the one that escalated
   *     it (re-evaluating would only drop the approvals counted)
   */
  public ApprovalRecord reevaluate(String decisionId, String operator)
      throws RequestRejected, StoreException {
    Launch launch = new Launch(actions, running, waiters);
    ApprovalRecord after;
    lock.lock();
    try {
      after = reevaluateLocked(decisionId, operator, launch);
    } finally {
      lock.unlock();
    }
    launch.run();
    return after;
  }

  private ApprovalRecord reevaluateLocked(String decisionId, String operator, Launch launch)
      throws RequestRejected, StoreException {
    ApprovalRecord a = pending(decisionId);
    Policy active = policy.get();
    if (active.hash().equals(a.request().policyHash())) {
      // Nothing to re-evaluate; and a rebind would drop the approvals counted so far.
      throw new RequestRejected(
          ErrorCode.ADMIN_CONFLICT,
          "decision "
              + decisionId
              + " was escalated by the active policy "
              + active.hash()
              + "; there is nothing to re-evaluate");
    }
    PolicyDecision d = active.evaluate(Requests.of(a.request(), clock.instant()));
    String why = d.reasons().get(0).code() + ": " + d.reasons().get(0).message();
    return switch (d.effect()) {
      case ALLOW ->
          approveFinally(a, operator, "reevaluate", why, a.approvedBy(), active.hash(), launch);
      case DENY ->
          step(
              a,
              operator,
              "reevaluate",
              ApprovalState.REJECTED,
              d.reasons().get(0).code(),
              why,
              a.approvedBy(),
              active.hash(),
              null);
      case ESCALATE -> rebind(a, operator, active, d, why);
    };
  }

  /**
   * Expires every pending approval whose TTL ran out by {@code now}: each gets an {@code expire}
   * entry and becomes a deny. Runs at start and periodically, so expiry survives restarts.
   *
   * @return how many expired
   */
  public int expireDue(Instant now) throws RequestRejected, StoreException {
    int expired = 0;
    while (true) {
      List<ApprovalRecord> due = store.due(now, BATCH);
      for (ApprovalRecord a : due) {
        lock.lock();
        try {
          ApprovalRecord current = store.find(a.decisionId()).orElse(a);
          if (current.state() == ApprovalState.PENDING) {
            expire(current);
            expired++;
          }
        } finally {
          lock.unlock();
        }
      }
      if (due.size() < BATCH) {
        return expired;
      }
    }
  }

  /**
   * Waits up to {@code timeout} until decision {@code decisionId} has no approval, or a resolved
   * one whose approved action (if any) is not executing here or on another replica: woken by {@link
   * #changed} or reading the store again every 2 s. Returns at once if so.
   */
  public void await(String decisionId, Duration timeout) throws StoreException {
    waiters.await(
        decisionId,
        timeout,
        () -> {
          ApprovalState state = store.find(decisionId).map(ApprovalRecord::state).orElse(null);
          return state == null
              || (state != ApprovalState.PENDING
                  && !running.contains(decisionId)
                  && (state != ApprovalState.APPROVED || !actions.executing(decisionId)));
        });
  }

  /** Wakes the waiters of {@code decisionId} (another replica changed it): they read it again. */
  public void changed(String decisionId) {
    waiters.resolved(decisionId);
  }

  // ---- steps ------------------------------------------------------------------------------------

  /** The approval if it can still take a step; an expired one is expired now and refused. */
  private ApprovalRecord pending(String decisionId) throws RequestRejected, StoreException {
    ApprovalRecord a = find(decisionId);
    if (a.state() != ApprovalState.PENDING) {
      throw new RequestRejected(
          ErrorCode.APPROVAL_RESOLVED,
          "the approval of decision " + decisionId + " is already " + a.state().wire());
    }
    if (!clock.instant().isBefore(a.request().expiresAt())) {
      expire(a);
      throw new RequestRejected(
          ErrorCode.APPROVAL_EXPIRED,
          "the approval of decision "
              + decisionId
              + " expired at "
              + a.request().expiresAt()
              + "; the request is denied");
    }
    return a;
  }

  private void requireSamePolicy(ApprovalRequest r) throws RequestRejected {
    String active = policy.get().hash();
    if (!active.equals(r.policyHash())) {
      throw new RequestRejected(
          ErrorCode.APPROVAL_POLICY_CHANGED,
          "the request was escalated by policy "
              + r.policyHash()
              + ", but "
              + active
              + " is active now; re-evaluate it (POST /v1/approvals/"
              + r.decisionId()
              + "/reevaluate, or warden approvals reevaluate) before approving");
    }
  }

  /**
   * The last approval: reserve the budgets as for an allow; what does not fit rejects it. An
   * approved action request an adapter serves starts its execution with the approval entry, and
   * {@code launch} runs it once the lock is released; its outcome settles the reservation.
   */
  private ApprovalRecord approveFinally(
      ApprovalRecord a,
      String operator,
      String stepName,
      String message,
      List<String> approvedBy,
      String policyHash,
      Launch launch)
      throws RequestRejected, StoreException {
    ApprovalRequest r = a.request();
    Policy active = policy.get();
    JsonNode body = Requests.body(r);
    Outcome budgets =
        ledger.reserve(
            r.decisionId(),
            active.budgetsFor(Requests.of(r, clock.instant())),
            r.agentId(),
            r.tenant(),
            body.path("amount").path("value").textValue(),
            body.path("amount").path("currency").textValue(),
            active.zone(),
            clock.instant());
    if (budgets instanceof Outcome.Refused refused) {
      return step(
          a,
          operator,
          stepName,
          ApprovalState.REJECTED,
          refused.code(),
          refused.message(),
          approvedBy,
          policyHash,
          null);
    }
    boolean reserved = !((Outcome.Reserved) budgets).charges().isEmpty();
    String adapter = r.act() ? actions.adapterFor(r.action()) : null;
    ExecutionChange start =
        adapter == null ? null : new ExecutionChange.Start(r.decisionId(), r.agentId(), adapter);
    if (start != null) {
      running.add(r.decisionId()); // before the step is durable, so no waiter misses the run
    }
    ApprovalRecord approved;
    try {
      approved =
          step(
              a,
              operator,
              stepName,
              ApprovalState.APPROVED,
              "approval.approved",
              message,
              approvedBy,
              policyHash,
              start);
    } catch (RequestRejected | StoreException | RuntimeException e) {
      if (reserved) {
        ledger.release(r.decisionId());
      }
      if (start != null) {
        running.remove(r.decisionId());
        waiters.resolved(r.decisionId());
      }
      throw e;
    }
    if (adapter != null) {
      launch.set(r, adapter, reserved); // settled by the outcome
    } else if (reserved) {
      settlements.committed(r.decisionId());
    }
    return approved;
  }

  /** Binds a pending approval to {@code active} and the terms of its escalation, uncounted. */
  private ApprovalRecord rebind(
      ApprovalRecord a, String operator, Policy active, PolicyDecision d, String why)
      throws RequestRejected, StoreException {
    ApprovalRequest r = a.request();
    Escalation terms = active.escalation(d);
    byte[] entry =
        entries.approval(
            clock.instant(),
            Requests.subject(r),
            operator,
            "reevaluate",
            "pending",
            List.of(new Entries.Reason(null, "approval.rebound", why)),
            List.of(),
            terms.minApprovals(),
            active.hash());
    log.append(
        PendingEntry.approval(
            entry,
            new ApprovalChange.Step(
                r.decisionId(),
                ApprovalState.PENDING,
                List.of(),
                clock.instant(),
                new ApprovalChange.Rebind(
                    active.hash(), terms.approvers(), terms.minApprovals()))));
    return find(r.decisionId());
  }

  private void expire(ApprovalRecord a) throws RequestRejected, StoreException {
    step(
        a,
        "warden",
        "expire",
        ApprovalState.EXPIRED,
        "approval.expired",
        "nobody approved before " + a.request().expiresAt(),
        a.approvedBy());
  }

  /** Logs one step with its change to the approval, then wakes whoever waits for it. */
  private ApprovalRecord step(
      ApprovalRecord a,
      String operator,
      String stepName,
      ApprovalState next,
      String code,
      String message,
      List<String> approvedBy)
      throws RequestRejected, StoreException {
    return step(
        a, operator, stepName, next, code, message, approvedBy, a.request().policyHash(), null);
  }

  /**
   * {@link #step}, recording {@code policyHash} as the policy of the step (a re-evaluation's
   * outcome is the active policy's, not the one that escalated), and starting the execution of an
   * approved action with it when {@code start} is given (its waiters are woken by its outcome).
   */
  private ApprovalRecord step(
      ApprovalRecord a,
      String operator,
      String stepName,
      ApprovalState next,
      String code,
      String message,
      List<String> approvedBy,
      String policyHash,
      @Nullable ExecutionChange start)
      throws RequestRejected, StoreException {
    ApprovalRequest r = a.request();
    Instant now = clock.instant();
    byte[] entry =
        entries.approval(
            now,
            Requests.subject(r),
            operator,
            stepName,
            next == ApprovalState.PENDING ? "pending" : next.wire(),
            List.of(new Entries.Reason(null, code, message)),
            approvedBy,
            r.minApprovals(),
            policyHash);
    log.append(
        PendingEntry.approval(
            entry, new ApprovalChange.Step(r.decisionId(), next, approvedBy, now, null), start));
    if (next != ApprovalState.PENDING && start == null) {
      waiters.resolved(r.decisionId());
    }
    return find(r.decisionId());
  }
}
