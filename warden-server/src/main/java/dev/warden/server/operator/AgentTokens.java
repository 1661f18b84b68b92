package dev.warden.server.operator;

import dev.warden.auth.AgentStatusCheck;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.store.AgentRecord;
import dev.warden.store.AgentStore;
import dev.warden.store.StoreException;
import dev.warden.store.TokenRecord;
import dev.warden.store.TokenStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Agent bearer tokens for the MCP gateway ({@code warden token create --agent ID --mcp}): 256
 * random bits shown once as {@code wda_<base64url>}, stored only as their SHA-256, bound to one
 * agent, revocable, with optional expiry. A token speaks for its agent only while the agent is
 * active: suspending or revoking the agent cuts every token of it off on its next use.
 *
 * <p>Agent tokens are not operator tokens: {@link OperatorTokens#authorize} refuses them, and their
 * only scope is {@code mcp}.
 */
public final class AgentTokens {
  private static final String PREFIX = "wda";
  private static final Pattern FORMAT = BearerTokens.format(PREFIX);

  private final TokenStore tokens;
  private final AgentStore agents;
  private final Clock clock;

  public AgentTokens(TokenStore tokens, AgentStore agents, Clock clock) {
    this.tokens = tokens;
    this.agents = agents;
    this.clock = clock;
  }

  /**
   * Who a valid agent token speaks for.
   *
   * @param agent the agent as stored when the token was checked (active)
   * @param tokenId the token record's id (not secret)
   */
  public record Caller(AgentRecord agent, String tokenId) {
    public Caller {
      Objects.requireNonNull(agent, "agent");
      Objects.requireNonNull(tokenId, "tokenId");
    }
  }

  /**
   * Checks {@code Authorization: Bearer wda_...}.
   *
   * @return the agent the token speaks for
   * @throws RequestRejected {@code auth.missing_token} without the header; {@code auth.bad_token}
   *     for a malformed, unknown, revoked or expired token, an operator token, or a token whose
   *     agent is unknown; {@code auth.agent_suspended} or {@code auth.agent_revoked} when its agent
   *     is cut off
   */
  public Caller authenticate(@Nullable String authorization)
      throws RequestRejected, StoreException {
    if (authorization == null || authorization.isBlank()) {
      throw new RequestRejected(
          ErrorCode.AUTH_MISSING_TOKEN, "send the agent's token as Authorization: Bearer <token>");
    }
    Optional<String> token = BearerTokens.bearer(authorization, FORMAT);
    if (token.isEmpty()) {
      if (BearerTokens.bearer(authorization, OperatorTokens.FORMAT).isPresent()) {
        throw new RequestRejected(
            ErrorCode.AUTH_BAD_TOKEN,
            "an operator token is not an agent token; issue one with: warden token create"
                + " --agent ID --mcp");
      }
      throw bad();
    }
    Optional<TokenRecord> found = BearerTokens.lookup(tokens, token.get());
    String agentId = found.map(TokenRecord::agentId).orElse(null);
    if (found.isEmpty() || agentId == null) {
      throw bad();
    }
    TokenRecord t = found.get();
    if (!t.activeAt(clock.instant())) {
      throw new RequestRejected(ErrorCode.AUTH_BAD_TOKEN, "this agent token is revoked or expired");
    }
    Optional<AgentRecord> agent = agents.find(agentId);
    if (agent.isEmpty()) {
      throw bad();
    }
    AgentStatusCheck.requireActive(agent.get());
    return new Caller(agent.get(), t.id());
  }

  /**
   * A new agent token: the secret ({@code wda_} + 43 base64url characters, to show once) and the
   * record to store, with the scope {@code mcp} and the agent as its subject.
   */
  public static OperatorTokens.Issued issue(
      String agentId, @Nullable Instant expiresAt, SecureRandom random, Clock clock) {
    if (!AgentRecord.ID.matcher(agentId).matches()) {
      throw new IllegalArgumentException("agent id must match " + AgentRecord.ID.pattern());
    }
    String token = BearerTokens.newSecret(PREFIX, random);
    TokenRecord r =
        new TokenRecord(
            BearerTokens.newId(random),
            agentId,
            Set.of(TokenRecord.AGENT_SCOPE),
            BearerTokens.hash(token),
            clock.instant(),
            expiresAt,
            null,
            agentId);
    return new OperatorTokens.Issued(token, r);
  }

  private static RequestRejected bad() {
    return new RequestRejected(ErrorCode.AUTH_BAD_TOKEN, "the agent token is not valid");
  }
}
