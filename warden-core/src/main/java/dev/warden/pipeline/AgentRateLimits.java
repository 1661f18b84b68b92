package dev.warden.pipeline;

import dev.warden.error.RequestRejected;
import dev.warden.policy.Policy;
import dev.warden.policy.RateLimitRule;
import dev.warden.policy.Scope;
import dev.warden.ratelimit.Decision;
import dev.warden.ratelimit.RateLimitHeaders;
import dev.warden.ratelimit.RateLimiter;
import dev.warden.ratelimit.Subjects;
import dev.warden.store.AgentRecord;
import java.util.List;
import java.util.Map;

/** The rate-limit stage: the agent's and its tenant's token buckets of the policy's limits. */
final class AgentRateLimits {
  private final RateLimiter limiter;

  AgentRateLimits(RateLimiter limiter) {
    this.limiter = limiter;
  }

  /**
   * Takes a token from the agent's and the tenant's buckets of {@code active}'s {@code limits}, all
   * or none, and returns the {@code RateLimit} headers of every answer from here on.
   *
   * @throws RequestRejected {@code limit.rate} with {@code Retry-After} when a bucket is empty
   */
  Map<String, String> take(AgentRecord agent, Policy active) throws RequestRejected {
    if (active.rateLimits().isEmpty()) {
      return Map.of();
    }
    Decision d = limiter.acquire(active.rateLimits(), Subjects.agent(agent.id(), agent.tenant()));
    if (d instanceof Decision.Limited limited) {
      String whose =
          limited.rule().scope() == Scope.TENANT
              ? "tenant " + agent.tenant()
              : "agent " + agent.id();
      throw RateLimitHeaders.refusal(limited, whose);
    }
    return RateLimitHeaders.of(d);
  }

  /** The agent's rate-limit headers as its buckets stand, taking nothing. */
  Map<String, String> current(AgentRecord agent, Policy active) {
    List<RateLimitRule> rules = active.rateLimits();
    return rules.isEmpty()
        ? Map.of()
        : RateLimitHeaders.of(limiter.peek(rules, Subjects.agent(agent.id(), agent.tenant())));
  }
}
