package dev.warden.server.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.ratelimit.RateLimiter;
import dev.warden.ratelimit.Ticker;
import dev.warden.store.AgentKey;
import dev.warden.store.AgentRecord;
import dev.warden.store.AgentStatus;
import dev.warden.store.KeyAlgorithm;
import dev.warden.store.Store;
import dev.warden.store.TokenRecord;
import dev.warden.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AgentTokens} against a real store: who a token speaks for, and every refusal. */
class AgentTokensTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path tmp;
  private Store store;
  private AgentTokens tokens;

  @BeforeEach
  void open() throws Exception {
    store = SqliteStore.open(tmp.resolve("warden.db"), Clock.systemUTC());
    tokens = new AgentTokens(store.tokens(), store.agents(), CLOCK);
    store.agents().create(agent("bot-1"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static AgentRecord agent(String id) {
    AgentKey k = new AgentKey("k1", KeyAlgorithm.ED25519, new byte[32], NOW, null);
    return new AgentRecord(id, "default", AgentStatus.ACTIVE, Map.of(), List.of(k), NOW, NOW);
  }

  /** Issues and stores a token for {@code agentId}; returns the secret. */
  private String stored(String agentId, @Nullable Instant expiresAt) throws Exception {
    OperatorTokens.Issued t = AgentTokens.issue(agentId, expiresAt, RANDOM, CLOCK);
    store.tokens().create(t.record());
    return t.token();
  }

  private void assertRefused(@Nullable String authorization, ErrorCode code, String detail) {
    assertThatThrownBy(() -> tokens.authenticate(authorization))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.getMessage()).contains(detail);
            });
  }

  @Test
  void issue_newToken_hasTheFormatTheMcpScopeAndOnlyAHash() {
    OperatorTokens.Issued t = AgentTokens.issue("bot-1", null, RANDOM, CLOCK);

    assertThat(t.token()).matches("wda_[A-Za-z0-9_-]{43}");
    TokenRecord r = t.record();
    assertThat(r.agentId()).isEqualTo("bot-1");
    assertThat(r.subject()).isEqualTo("bot-1");
    assertThat(r.scopes()).containsExactly("mcp");
    assertThat(r.hash()).isEqualTo(BearerTokens.hash(t.token()));
    assertThat(r.createdAt()).isEqualTo(NOW);
    assertThat(r.toString()).doesNotContain(t.token());
    assertThat(t.toString()).doesNotContain(t.token());
  }

  @Test
  void issue_invalidAgentId_throws() {
    assertThatThrownBy(() -> AgentTokens.issue("Not An Id", null, RANDOM, CLOCK))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void authenticate_validToken_returnsTheAgentAndTokenId() throws Exception {
    OperatorTokens.Issued t = AgentTokens.issue("bot-1", NOW.plusSeconds(60), RANDOM, CLOCK);
    store.tokens().create(t.record());

    AgentTokens.Caller c = tokens.authenticate("Bearer " + t.token());

    assertThat(c.agent().id()).isEqualTo("bot-1");
    assertThat(c.tokenId()).isEqualTo(t.record().id());
    assertThat(tokens.authenticate("bearer  " + t.token() + " ").agent().id()).isEqualTo("bot-1");
  }

  @Test
  void authenticate_noHeader_isMissingToken() {
    assertRefused(null, ErrorCode.AUTH_MISSING_TOKEN, "Authorization: Bearer");
    assertRefused("  ", ErrorCode.AUTH_MISSING_TOKEN, "Authorization: Bearer");
  }

  @Test
  void authenticate_malformed_isBadToken() throws Exception {
    String token = stored("bot-1", null);
    for (String h :
        new String[] {
          token,
          "Basic " + token,
          "Bearer",
          "Bearer wda_short",
          "Bearer " + token + "x",
          "Bearer " + token.replace("wda_", "wdx_")
        }) {
      assertThatThrownBy(() -> tokens.authenticate(h))
          .as(h)
          .isInstanceOfSatisfying(
              RequestRejected.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_BAD_TOKEN));
    }
  }

  @Test
  void authenticate_unknownToken_isBadToken() {
    String unknown = AgentTokens.issue("bot-1", null, RANDOM, CLOCK).token();

    assertRefused("Bearer " + unknown, ErrorCode.AUTH_BAD_TOKEN, "not valid");
  }

  @Test
  void authenticate_operatorToken_isBadToken() throws Exception {
    OperatorTokens.Issued op = OperatorTokens.issue("alice", Set.of("admin"), null, RANDOM, CLOCK);
    store.tokens().create(op.record());

    assertRefused("Bearer " + op.token(), ErrorCode.AUTH_BAD_TOKEN, "operator token");
  }

  @Test
  void authenticate_revokedToken_isBadToken() throws Exception {
    OperatorTokens.Issued t = AgentTokens.issue("bot-1", null, RANDOM, CLOCK);
    store.tokens().create(t.record());
    store.tokens().revoke(t.record().id(), NOW.minusSeconds(1));

    assertRefused("Bearer " + t.token(), ErrorCode.AUTH_BAD_TOKEN, "revoked or expired");
  }

  @Test
  void authenticate_expiredToken_isBadToken() throws Exception {
    String atExpiry = stored("bot-1", NOW);
    String past = stored("bot-1", NOW.minus(Duration.ofDays(1)));

    assertRefused("Bearer " + atExpiry, ErrorCode.AUTH_BAD_TOKEN, "revoked or expired");
    assertRefused("Bearer " + past, ErrorCode.AUTH_BAD_TOKEN, "revoked or expired");
  }

  @Test
  void authenticate_agentUnknown_isBadToken() throws Exception {
    String token = stored("bot-1", null);
    // An agent is never deleted; a store that does not know it answers as if it were unknown.
    try (Store other = SqliteStore.open(tmp.resolve("other.db"), Clock.systemUTC())) {
      TokenRecord r = store.tokens().findByHash(BearerTokens.hash(token)).orElseThrow();
      AgentTokens elsewhere = new AgentTokens(store.tokens(), other.agents(), CLOCK);

      assertThatThrownBy(() -> elsewhere.authenticate("Bearer " + token))
          .isInstanceOfSatisfying(
              RequestRejected.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.AUTH_BAD_TOKEN);
                assertThat(e.getMessage()).doesNotContain(r.id());
              });
    }
  }

  @Test
  void authenticate_suspendedAgent_isAgentSuspended_untilActivated() throws Exception {
    String token = stored("bot-1", null);
    store.agents().updateStatus("bot-1", AgentStatus.SUSPENDED, NOW);

    assertRefused(
        "Bearer " + token,
        ErrorCode.AUTH_AGENT_SUSPENDED,
        "agent bot-1 is suspended by an operator");

    store.agents().updateStatus("bot-1", AgentStatus.ACTIVE, NOW);
    assertThat(tokens.authenticate("Bearer " + token).agent().id()).isEqualTo("bot-1");
  }

  @Test
  void authenticate_revokedAgent_isAgentRevoked() throws Exception {
    String token = stored("bot-1", null);
    store.agents().updateStatus("bot-1", AgentStatus.REVOKED, NOW);

    assertRefused("Bearer " + token, ErrorCode.AUTH_AGENT_REVOKED, "agent bot-1 is revoked");
  }

  @Test
  void operatorAuthorize_agentToken_isBadToken() throws Exception {
    String token = stored("bot-1", null);
    OperatorTokens operators =
        new OperatorTokens(
            store.tokens(), CLOCK, false, List::of, new RateLimiter(Ticker.system()));

    for (String scope : new String[] {"admin", "mcp"}) {
      assertThatThrownBy(() -> operators.authorize("Bearer " + token, scope))
          .isInstanceOfSatisfying(
              RequestRejected.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_BAD_TOKEN));
    }
  }

  @Test
  void tokenRecord_agentTokenWithOperatorScopes_orOperatorTokenWithMcp_isRefused() {
    byte[] h = new byte[32];
    assertThatThrownBy(
            () ->
                new TokenRecord("t", "bot-1", Set.of("mcp", "admin"), h, NOW, null, null, "bot-1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenRecord("t", "alice", Set.of("mcp"), h, NOW, null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
