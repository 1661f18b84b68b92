package dev.warden.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.budget.Ledger;
import dev.warden.budget.Outcome;
import dev.warden.budget.Settlements;
import dev.warden.policy.Effect;
import dev.warden.policy.Policy;
import dev.warden.policy.PolicyDecision;
import dev.warden.policy.PolicyRequest;
import dev.warden.policy.Usage;
import dev.warden.store.StoreException;
import java.util.List;

/**
 * The budget stage: an allow reserves the request's amount on every budget and 1 on every quota
 * that selects it, all or none, before it is logged; the reservation is settled after.
 */
final class BudgetStage {
  private final Ledger ledger;
  private final Settlements settlements;

  BudgetStage(Ledger ledger, Settlements settlements) {
    this.ledger = ledger;
    this.settlements = settlements;
  }

  /**
   * The decision after budgets and quotas.
   *
   * @param reserved whether a reservation was made (to settle once the decision is logged)
   */
  record Budgeted(PolicyDecision decision, boolean reserved) {}

  /** What the request's agent and tenant have used, for conditions. */
  Usage usage(String agentId, String tenant, Policy active, java.time.Instant now) {
    return rule -> ledger.used(rule, agentId, tenant, active.zone(), now);
  }

  /**
   * For an allow, reserves what the request costs; what does not fit turns the allow into a deny
   * naming the budget and what is left. Other decisions pass unchanged.
   */
  Budgeted apply(String decisionId, Policy active, PolicyRequest asked, PolicyDecision d)
      throws StoreException {
    if (d.effect() != Effect.ALLOW) {
      return new Budgeted(d, false);
    }
    JsonNode amount = asked.body().path("amount");
    Outcome outcome =
        ledger.reserve(
            decisionId,
            active.budgetsFor(asked),
            asked.agentId(),
            asked.tenant(),
            amount.path("value").textValue(),
            amount.path("currency").textValue(),
            active.zone(),
            asked.now());
    if (outcome instanceof Outcome.Refused r) {
      return new Budgeted(
          new PolicyDecision(
              Effect.DENY,
              List.of(new PolicyDecision.Reason(r.rule().id(), r.code(), r.message())),
              d.matched()),
          false);
    }
    return new Budgeted(d, !((Outcome.Reserved) outcome).charges().isEmpty());
  }

  /** The allow of {@code decisionId} is durable: with no adapter its receipt is the warrant. */
  void spent(String decisionId) {
    settlements.committed(decisionId);
  }

  /**
   * Gives back the reservation of a decision that could not be logged. If this fails too, the
   * reservation expires and {@link Ledger#settleExpired} releases it: the decision is in no log.
   */
  void releaseQuietly(String decisionId) {
    try {
      ledger.release(decisionId);
    } catch (StoreException | RuntimeException ignored) {
      // Settled on expiry.
    }
  }
}
