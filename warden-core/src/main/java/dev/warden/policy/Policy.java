package dev.warden.policy;

import java.time.ZoneId;
import java.util.List;

/**
 * A loaded, immutable policy. Implementations are thread-safe and never throw from {@link
 * #evaluate}: a rule that cannot be evaluated denies (fail closed).
 */
public interface Policy {

  /**
   * Decides {@code request}. Deny overrides escalate overrides allow; no match is the default; a
   * rule condition that cannot be evaluated is a deny with {@code policy.evaluation_error}.
   */
  PolicyDecision evaluate(PolicyRequest request);

  /**
   * Whether a request with this agent, tenant, action, resource and labels could ever be allowed or
   * escalated, whatever its params, amount and time: false only when it is denied whatever they are
   * — an unconditional deny rule matches it, or no allow or escalate rule matches it and the
   * default is deny. A rule with a {@code when} condition counts as possibly applying (its
   * condition is not evaluated). Used to hide what an agent can never do (the MCP gateway's lists);
   * never to allow anything.
   */
  boolean mayPermit(PolicyRequest request);

  /**
   * The policy's identity: {@code sha256:} and 64 lower-case hex digits of the SHA-256 of the RFC
   * 8785 canonical JSON of the document. The YAML and the JSON form of one document share it.
   */
  String hash();

  /** The document exactly as loaded, so that a past decision can be explained again. */
  String text();

  /**
   * The effect when no rule matches: {@link Effect#DENY} or {@link Effect#ESCALATE}, never allow.
   */
  Effect defaultEffect();

  /**
   * The budgets and quotas whose match selects {@code request}, in document order: each is charged
   * when the request is allowed.
   */
  List<BudgetRule> budgetsFor(PolicyRequest request);

  /** Every budget and quota of the policy, in document order. */
  List<BudgetRule> budgets();

  /** The token buckets of the policy's {@code limits} section, in document order. */
  List<RateLimitRule> rateLimits();

  /**
   * How an escalated {@code decision} is approved: the terms of its escalate rules together, as
   * strict as the strictest — approvers in every rule's list (any approver when no rule has one),
   * the largest {@code min_approvals}, the shortest {@code ttl}; the defaults when the escalation
   * is the policy's default.
   */
  Escalation escalation(PolicyDecision decision);

  /** The time zone of calendar windows (the document's {@code timezone}; UTC when absent). */
  ZoneId zone();
}
