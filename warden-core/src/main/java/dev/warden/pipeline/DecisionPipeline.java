package dev.warden.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.approval.Approvals;
import dev.warden.auth.AgentAuthenticator;
import dev.warden.auth.Authenticated;
import dev.warden.budget.Ledger;
import dev.warden.budget.Settlements;
import dev.warden.crypto.Digests;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.id.Ulid;
import dev.warden.idempotency.IdempotencyGuard;
import dev.warden.json.Canonical;
import dev.warden.json.JsonRejected;
import dev.warden.json.StrictJson;
import dev.warden.limits.Limits;
import dev.warden.log.Entries;
import dev.warden.log.GroupCommitLog;
import dev.warden.log.PendingEntry;
import dev.warden.log.RefusalSummaries;
import dev.warden.pipeline.Refusals.Refusal;
import dev.warden.policy.Effect;
import dev.warden.policy.Escalation;
import dev.warden.policy.Policy;
import dev.warden.policy.PolicyDecision;
import dev.warden.policy.PolicyRequest;
import dev.warden.policy.Usage;
import dev.warden.ratelimit.RateLimiter;
import dev.warden.replay.ReplayGuard;
import dev.warden.store.AgentRecord;
import dev.warden.store.ApprovalChange;
import dev.warden.store.ApprovalRequest;
import dev.warden.store.DecisionRef;
import dev.warden.store.ExecutionChange;
import dev.warden.store.ExecutionStore;
import dev.warden.store.IdempotencyRecord;
import dev.warden.store.LogStore;
import dev.warden.store.NonceRecord;
import dev.warden.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The path of an agent request, in the order of SPEC §1: authenticate → freshness → status → digest
 * → replay → rate limit → body → idempotency → policy → budget → log → answer. {@link #decide}
 * lists the stages; read it to know what Warden does.
 *
 * <p>Every refusal of an authenticated agent is written to the log as its own entry before it is
 * answered; refusals before authentication are counted into refusal summaries. Nothing is answered
 * that is not durable in the log.
 */
public final class DecisionPipeline {
  private final Clock clock;
  private final Limits limits;
  private final AgentAuthenticator authenticator;
  private final ReplayGuard replay;
  private final IdempotencyGuard idempotency;
  private final Supplier<Policy> policy;
  private final Entries entries;
  private final GroupCommitLog log;
  private final LogStore logStore;
  private final RefusalSummaries summaries;
  private final BudgetStage budgets;
  private final AgentRateLimits rateLimits;
  private final Approvals approvals;
  private final ActStage acts;
  private final LoggedDecisions decisions;
  private final Refusals refusals;

  public DecisionPipeline(
      Clock clock,
      Ulid ids,
      Limits limits,
      AgentAuthenticator authenticator,
      ReplayGuard replay,
      IdempotencyGuard idempotency,
      Supplier<Policy> policy,
      Entries entries,
      GroupCommitLog log,
      LogStore logStore,
      RefusalSummaries summaries,
      Receipts receipts,
      Ledger ledger,
      Settlements settlements,
      RateLimiter rateLimiter,
      Approvals approvals,
      ActionRunner runner,
      ExecutionStore executions) {
    this.clock = clock;
    this.limits = limits;
    this.authenticator = authenticator;
    this.replay = replay;
    this.idempotency = idempotency;
    this.policy = policy;
    this.entries = entries;
    this.log = log;
    this.logStore = logStore;
    this.summaries = summaries;
    this.budgets = new BudgetStage(ledger, settlements);
    this.rateLimits = new AgentRateLimits(rateLimiter);
    this.approvals = approvals;
    this.acts = new ActStage(runner, executions, logStore, entries, log, budgets, clock);
    this.decisions = new LoggedDecisions(logStore, receipts, approvals);
    this.refusals = new Refusals(ids, rateLimits, policy, entries, log);
  }

  /** {@code POST /v1/decisions}: decide an action request and log the decision. */
  public DecisionResponse decide(IncomingRequest req) throws RequestRejected {
    return handle(req, false).decision();
  }

  /**
   * {@code POST /v1/actions}: decide an action request like {@link #decide}, and when it is allowed
   * and an adapter serves it, execute it ({@link ActStage}). An idempotent retry answers from the
   * log and never executes again.
   */
  public ActionResponse act(IncomingRequest req) throws RequestRejected {
    return handle(req, true);
  }

  private ActionResponse handle(IncomingRequest req, boolean execute) throws RequestRejected {
    Instant now = clock.instant();
    Authenticated auth = authenticate(req, now);
    Refusal refusal = refusals.open(auth.agent(), auth.key().keyId(), now);
    IdempotencyGuard.Start claim = null;
    try {
      RequestChecks.requireActive(auth.agent());
      RequestChecks.requireJson(req);
      RequestChecks.verifyDigest(req);
      refusal.nonce = reserveNonce(auth);
      Policy active = policy.get();
      refusal.headers = rateLimits.take(auth.agent(), active);
      JsonNode body = parseBody(req.body());
      byte[] digest = Digests.sha256(Canonical.bytes(body));
      refusal.requestDigest = Digests.prefixed(digest);
      ActionRequest action = ActionRequest.from(body);
      String idemKey = req.header("idempotency-key");
      if (idemKey != null) {
        refusal.claimDigest = execute ? IdempotencyGuard.boundToActions(digest) : digest;
        claim =
            idempotency.begin(
                auth.agent().id(), idempotency.parseKey(idemKey), refusal.claimDigest, now);
        if (claim instanceof IdempotencyGuard.Start.Replay r) {
          DecisionResponse done = decisions.replayed(r.decisionId()).withHeaders(refusal.headers);
          return execute ? answerLogged(done) : new ActionResponse.Decided(done);
        }
      }
      return decideAndAct(refusal, action, digest, active, claim, execute, null);
    } catch (RequestRejected r) {
      throw refusal.log(r);
    } catch (StoreException e) {
      throw refusal.log(storeUnavailable(e));
    } finally {
      if (claim instanceof IdempotencyGuard.Start.Fresh f) {
        idempotency.end(f);
      }
    }
  }

  /**
   * An MCP request (SPEC §10) of an agent its gateway authenticated by an MCP token: the stages of
   * {@link #act} after authentication — status, rate limit, policy, budget, log, receipt and, when
   * allowed and an adapter serves the action, execution. There is no nonce and no idempotency key:
   * the agent's MCP session carries the request, and every call is a new decision.
   *
   * @param credential the token's id, recorded where a signed request records its key id
   * @param request the action request the gateway built ({@code action}, {@code resource}, {@code
   *     params}, {@code labels})
   * @param approvalTtl the longest the gateway holds the call for approval: an escalation's
   *     approval expires then at the latest, so nobody approves a call nobody waits for
   */
  public ActionResponse call(
      AgentRecord agent, String credential, JsonNode request, Duration approvalTtl)
      throws RequestRejected {
    Refusal refusal = refusals.open(agent, credential, clock.instant());
    try {
      RequestChecks.requireActive(agent);
      Policy active = policy.get();
      refusal.headers = rateLimits.take(agent, active);
      byte[] digest = Digests.sha256(Canonical.bytes(request));
      refusal.requestDigest = Digests.prefixed(digest);
      ActionRequest action = ActionRequest.from(request);
      return decideAndAct(refusal, action, digest, active, null, true, approvalTtl);
    } catch (RequestRejected r) {
      throw refusal.log(r);
    } catch (StoreException e) {
      throw refusal.log(storeUnavailable(e));
    }
  }

  /**
   * Refuses a request of an authenticated agent that never reached a decision (a malformed MCP
   * message, an unknown tool): logs the refusal and returns it, with the decision id to quote.
   */
  public RequestRejected refuse(AgentRecord agent, String credential, RequestRejected r) {
    return refusals.open(agent, credential, clock.instant()).log(r);
  }

  /** The stages from policy on, shared by signed requests and MCP calls. */
  private ActionResponse decideAndAct(
      Refusal refusal,
      ActionRequest action,
      byte[] digest,
      Policy active,
      IdempotencyGuard.@Nullable Start claim,
      boolean execute,
      @Nullable Duration approvalTtl)
      throws RequestRejected, StoreException {
    PolicyRequest asked = policyRequest(refusal.agent, action, active, refusal.now);
    PolicyDecision d = active.evaluate(asked);
    BudgetStage.Budgeted b = budgets.apply(refusal.decisionId, active, asked, d);
    Effect effect = b.decision().effect();
    String adapter = execute && effect == Effect.ALLOW ? acts.adapterFor(action.action()) : null;
    DecisionResponse decided =
        logDecision(
                refusal,
                action,
                b.decision(),
                active,
                new Logged(claim, digest, b.reserved(), execute, adapter, approvalTtl))
            .withHeaders(refusal.headers);
    if (adapter != null) {
      return acts.run(decided, subject(refusal, action, digest), adapter, b.reserved());
    }
    return execute && effect == Effect.DENY
        ? new ActionResponse.Denied(decided)
        : new ActionResponse.Decided(decided);
  }

  /** Longest {@code ?wait=} of {@code GET /v1/decisions/{id}}. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(60);

  /**
   * {@code GET /v1/decisions/{id}[?wait=30s]}: the agent's own decision as it stands — the pending
   * answer, or once its approval is resolved, the entry that resolved it, and once an approved
   * action was executed, its outcome ({@link ActionResponse.Executed}). With {@code wait}, a
   * pending decision is answered when it is resolved (and an approved action executed) or after
   * {@code wait} (at most {@link #MAX_WAIT}), whichever comes first.
   */
  public ActionResponse get(IncomingRequest req, String decisionId, Duration wait)
      throws RequestRejected {
    Instant now = clock.instant();
    Authenticated auth = authenticate(req, now);
    Refusal refusal = refusals.open(auth.agent(), auth.key().keyId(), now);
    try {
      RequestChecks.requireActive(auth.agent());
      // Reads change nothing, so their nonces are kept in memory only (not across a restart).
      replay.reserve(
          auth.agent().id(), auth.params().nonce(), authenticator.freshUntil(auth.params()));
      DecisionRef ref = logStore.findDecision(decisionId).orElse(null);
      if (ref == null || !ref.agentId().equals(auth.agent().id())) {
        // Another agent's decision is reported as absent: ids are not secrets, but they are not
        // an oracle either.
        throw new RequestRejected(
            ErrorCode.REQUEST_NOT_FOUND, "no decision " + decisionId + " for this agent");
      }
      if (!wait.isZero()) {
        approvals.await(decisionId, wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait);
      }
      DecisionResponse answer =
          decisions.current(ref).withHeaders(rateLimits.current(auth.agent(), policy.get()));
      // Only an approved escalation is executed after its decision entry; an allow executed at
      // once is answered by POST /v1/actions itself (and its retries).
      Optional<ExecutionView> executed =
          answer.status() == 200 && decisions.approvalResolution(decisionId) != null
              ? acts.finished(decisionId)
              : Optional.empty();
      return executed.isPresent()
          ? new ActionResponse.Executed(answer, executed.get())
          : new ActionResponse.Decided(answer);
    } catch (RequestRejected r) {
      if (r.code() == ErrorCode.REQUEST_NOT_FOUND) {
        throw r;
      }
      throw refusal.log(r);
    } catch (StoreException e) {
      throw storeUnavailable(e);
    }
  }

  /**
   * Decision {@code decisionId} as it stands — the entry that resolved its approval once there is
   * one — for a gateway holding the call it decided (the gateway authenticated the agent).
   */
  public DecisionResponse decision(String decisionId) throws RequestRejected, StoreException {
    return decisions.byId(decisionId);
  }

  /** Counts a refusal made before authentication by the HTTP layer (size, headers). */
  public void countUnauthenticated(ErrorCode code, String source) {
    summaries.count(code.code(), source);
  }

  // ---- the stages ----------------------------------------------------------------------------

  private Authenticated authenticate(IncomingRequest req, Instant now) throws RequestRejected {
    try {
      return authenticator.authenticate(req, req.body().length > 0, now);
    } catch (RequestRejected r) {
      summaries.count(r.code().code(), req.source());
      throw r;
    } catch (StoreException e) {
      throw storeUnavailable(e);
    }
  }

  private NonceRecord reserveNonce(Authenticated auth) throws RequestRejected {
    Instant until = authenticator.freshUntil(auth.params());
    replay.reserve(auth.agent().id(), auth.params().nonce(), until);
    return new NonceRecord(auth.agent().id(), auth.params().nonce(), until);
  }

  private JsonNode parseBody(byte[] body) throws RequestRejected {
    try {
      return StrictJson.parse(body, limits.json());
    } catch (JsonRejected e) {
      ErrorCode code =
          e.reason() == JsonRejected.Reason.TOO_LARGE
              ? ErrorCode.REQUEST_TOO_LARGE
              : ErrorCode.REQUEST_INVALID;
      throw RequestRejected.atPointer(code, e.pointer(), e.getMessage());
    }
  }

  private PolicyRequest policyRequest(
      AgentRecord agent, ActionRequest a, Policy active, Instant now) {
    Usage usage = budgets.usage(agent.id(), agent.tenant(), active, now);
    return new PolicyRequest(
        agent.id(),
        agent.tenant(),
        agent.labels(),
        a.action(),
        a.resource(),
        a.labels(),
        a.classification(),
        a.json(),
        now,
        usage);
  }

  private DecisionResponse logDecision(
      Refusal ctx, ActionRequest action, PolicyDecision d, Policy active, Logged how)
      throws RequestRejected, StoreException {
    IdempotencyGuard.Start claim = how.claim();
    byte[] digest = how.digest();
    boolean reserved = how.reserved();
    String adapter = how.adapter();
    String decision =
        switch (d.effect()) {
          case ALLOW -> "allow";
          case DENY -> "deny";
          case ESCALATE -> "pending";
        };
    List<Entries.Reason> reasons =
        d.reasons().stream().map(r -> new Entries.Reason(r.rule(), r.code(), r.message())).toList();
    Entries.Subject s = subject(ctx, action, digest);
    List<Entries.Matched> matched =
        d.matched().stream()
            .map(m -> new Entries.Matched(m.rule(), m.effect().wireName()))
            .toList();
    Entries.ApprovalTerms terms = null;
    ApprovalChange open = null;
    if (d.effect() == Effect.ESCALATE) {
      Escalation e = active.escalation(d);
      Duration ttl =
          how.approvalTtl() != null && how.approvalTtl().compareTo(e.ttl()) < 0
              ? how.approvalTtl()
              : e.ttl();
      terms = new Entries.ApprovalTerms(e.approvers(), e.minApprovals(), ctx.now.plus(ttl));
      open =
          new ApprovalChange.Open(
              new ApprovalRequest(
                  ctx.decisionId,
                  s.agent(),
                  s.tenant(),
                  s.action(),
                  s.resource(),
                  s.requestDigest(),
                  active.hash(),
                  new String(Canonical.bytes(action.json()), StandardCharsets.UTF_8),
                  e.approvers(),
                  e.minApprovals(),
                  terms.expires(),
                  how.execute()));
    }
    ObjectNode entryNode =
        entries.decision(
            ctx.now,
            s,
            decision,
            reasons,
            matched,
            active.hash(),
            d.effect() == Effect.ALLOW ? ctx.now.plus(limits.warrantTtl()) : null,
            terms);
    byte[] entry = Canonical.bytes(entryNode);
    IdempotencyRecord idem =
        claim instanceof IdempotencyGuard.Start.Fresh f
            ? new IdempotencyRecord(
                f.agentId(),
                f.key(),
                ctx.claimDigest,
                ctx.decisionId,
                ctx.now.plus(limits.idempotencyRetention()))
            : null;
    GroupCommitLog.Appended appended;
    try {
      ExecutionChange start =
          adapter == null
              ? null
              : new ExecutionChange.Start(ctx.decisionId, ctx.agent.id(), adapter);
      appended =
          log.appendProved(
              new PendingEntry(
                  entry, ctx.decisionId, ctx.agent.id(), ctx.nonce, idem, open, start));
    } catch (RequestRejected | RuntimeException e) {
      if (reserved) {
        budgets.releaseQuietly(ctx.decisionId);
      }
      throw e;
    }
    ctx.nonce = null; // durable now
    if (reserved && adapter == null) {
      budgets.spent(ctx.decisionId); // else settled by the act stage, by the outcome
    }
    int status = DecisionView.status(decision);
    byte[] body = decisions.render(entryNode, entry, appended);
    return new DecisionResponse(status, body, ctx.decisionId, false, java.util.Map.of());
  }

  /** The facts every entry about the request records. */
  private static Entries.Subject subject(Refusal ctx, ActionRequest action, byte[] digest) {
    return new Entries.Subject(
        ctx.decisionId,
        ctx.agent.id(),
        ctx.agent.tenant(),
        ctx.credential,
        action.action(),
        action.resource(),
        Digests.prefixed(digest),
        action.json());
  }

  /** An idempotent retry of {@code POST /v1/actions}: the decision and its logged outcome. */
  private ActionResponse answerLogged(DecisionResponse done)
      throws RequestRejected, StoreException {
    var execution = acts.logged(done.decisionId());
    if (execution.isPresent()) {
      return new ActionResponse.Executed(done, execution.get());
    }
    return done.status() == 200 && DecisionView.decisionOf(done.body()).equals("deny")
        ? new ActionResponse.Denied(done)
        : new ActionResponse.Decided(done);
  }

  private static RequestRejected storeUnavailable(StoreException e) {
    return new RequestRejected(
        ErrorCode.STORE_UNAVAILABLE, "the store is unavailable; the request was not decided");
  }

  /**
   * How a decision is logged: the idempotency claim to record, the request's digest, whether budget
   * was reserved, whether it is an action to execute (and by which adapter, when allowed), and the
   * longest its approval may wait (null: the policy's).
   */
  private record Logged(
      IdempotencyGuard.@Nullable Start claim,
      byte[] digest,
      boolean reserved,
      boolean execute,
      @Nullable String adapter,
      @Nullable Duration approvalTtl) {}
}
