package dev.warden.pipeline;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.id.Ulid;
import dev.warden.log.Entries;
import dev.warden.log.GroupCommitLog;
import dev.warden.log.PendingEntry;
import dev.warden.policy.Policy;
import dev.warden.store.AgentRecord;
import dev.warden.store.NonceRecord;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Refusals after authentication (SPEC §5): each is one {@code refusal} entry, written with the
 * request's nonce so a refused request cannot be replayed either, and answered with the agent's
 * rate-limit headers and the entry's decision id. A {@link Refusal} gathers what is known about a
 * request as the pipeline learns it.
 */
final class Refusals {
  private final Ulid ids;
  private final AgentRateLimits rateLimits;
  private final Supplier<Policy> policy;
  private final Entries entries;
  private final GroupCommitLog log;

  Refusals(
      Ulid ids,
      AgentRateLimits rateLimits,
      Supplier<Policy> policy,
      Entries entries,
      GroupCommitLog log) {
    this.ids = ids;
    this.rateLimits = rateLimits;
    this.policy = policy;
    this.entries = entries;
    this.log = log;
  }

  /** A request of {@code agent}, authenticated by {@code credential}, with a new decision id. */
  Refusal open(AgentRecord agent, String credential, Instant now) {
    return new Refusal(agent, credential, ids.next(), now);
  }

  /** What is known about a request when it is refused after authentication. */
  final class Refusal {
    final AgentRecord agent;
    final String credential;
    final String decisionId;
    final Instant now;
    @Nullable NonceRecord nonce;
    @Nullable String requestDigest;
    byte @Nullable [] claimDigest;
    Map<String, String> headers = Map.of();

    Refusal(AgentRecord agent, String credential, String decisionId, Instant now) {
      this.agent = agent;
      this.credential = credential;
      this.decisionId = decisionId;
      this.now = now;
    }

    /**
     * Writes the refusal entry (burning the nonce with it) and returns what to answer, with the
     * agent's rate-limit headers (as they stand, when the refusal came before tokens were taken).
     */
    RequestRejected log(RequestRejected r) {
      if (headers.isEmpty() && r.code() != ErrorCode.LIMIT_RATE) {
        headers = rateLimits.current(agent, policy.get());
      }
      if (r.code() == ErrorCode.STORE_UNAVAILABLE) {
        return r; // nothing can be logged; fail closed without pretending otherwise
      }
      byte[] entry =
          entries.refusal(
              now,
              decisionId,
              agent.id(),
              agent.tenant(),
              requestDigest,
              new Entries.Reason(null, r.code().code(), r.detail()));
      try {
        log.append(new PendingEntry(entry, decisionId, agent.id(), nonce, null));
        return r.withDecisionId(decisionId).withHeaders(headers);
      } catch (RequestRejected failed) {
        return failed;
      }
    }
  }
}
