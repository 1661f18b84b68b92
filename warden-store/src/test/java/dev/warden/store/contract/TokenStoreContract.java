package dev.warden.store.contract;

import static dev.warden.store.contract.Fixtures.agent;
import static dev.warden.store.contract.Fixtures.at;
import static dev.warden.store.contract.Fixtures.ed25519;
import static dev.warden.store.contract.Fixtures.sha256;
import static dev.warden.store.contract.Fixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.TokenRecord;
import dev.warden.store.TokenStore;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link TokenStore}: operator and agent tokens, kept and found only by their hash. */
public interface TokenStoreContract extends ContractFixture {

  private TokenStore tokens() {
    return store().tokens();
  }

  @Test
  default void create_thenFindByHash_returnsTheSameRecord() throws Exception {
    TokenRecord t = token("tok-1", at(0), at(3600));
    TokenRecord noExpiry =
        new TokenRecord("tok-2", "metrics-bot", Set.of("metrics"), sha256("x"), at(1), null, null);

    tokens().create(t);
    tokens().create(noExpiry);

    TokenStore reopened = reopen().tokens();
    assertThat(reopened.findByHash(sha256("token:tok-1"))).contains(t);
    assertThat(reopened.findByHash(sha256("x"))).contains(noExpiry);
  }

  @Test
  default void create_agentToken_roundTripsTheAgentAndListsBesideOperatorTokens() throws Exception {
    store().agents().create(agent("bot-1", ed25519("k1", at(0))));
    TokenRecord agentToken =
        new TokenRecord(
            "tok-a", "bot-1", Set.of("mcp"), sha256("agent"), at(1), at(3600), null, "bot-1");
    TokenRecord operatorToken = token("tok-o", at(0), null);

    tokens().create(operatorToken);
    tokens().create(agentToken);

    TokenStore reopened = reopen().tokens();
    assertThat(reopened.findByHash(sha256("agent"))).contains(agentToken);
    assertThat(reopened.findByHash(sha256("agent")).orElseThrow().agentId()).isEqualTo("bot-1");
    assertThat(reopened.findByHash(sha256("token:tok-o")).orElseThrow().agentId()).isNull();
    assertThat(reopened.list()).containsExactly(operatorToken, agentToken);
    reopened.revoke("tok-a", at(5));
    assertThat(reopened.findByHash(sha256("agent")).orElseThrow().revokedAt()).isEqualTo(at(5));
  }

  @Test
  default void create_agentTokenOfUnknownAgent_throwsNotFoundAndStoresNothing() throws Exception {
    TokenRecord t =
        new TokenRecord(
            "tok-a", "ghost", Set.of("mcp"), sha256("agent"), at(1), null, null, "ghost");

    assertThatThrownBy(() -> tokens().create(t))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    assertThat(store().tokens().findByHash(sha256("agent"))).isEmpty();
  }

  @Test
  default void findByHash_unknownHash_returnsEmpty() throws Exception {
    tokens().create(token("tok-1", at(0), null));

    assertThat(tokens().findByHash(sha256("token:tok-2"))).isEmpty();
  }

  @Test
  default void create_takenIdOrHash_throwsConflictAndKeepsTheFirst() throws Exception {
    TokenRecord first = token("tok-1", at(0), null);
    tokens().create(first);
    TokenRecord sameId =
        new TokenRecord("tok-1", "mallory", Set.of("admin"), sha256("other"), at(1), null, null);
    TokenRecord sameHash =
        new TokenRecord("tok-9", "mallory", Set.of("admin"), first.hash(), at(1), null, null);

    for (TokenRecord dup : new TokenRecord[] {sameId, sameHash}) {
      assertThatThrownBy(() -> tokens().create(dup))
          .as("%s", dup)
          .isInstanceOfSatisfying(
              StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    }
    assertThat(tokens().list()).containsExactly(first);
  }

  @Test
  default void list_severalTokens_orderedByCreationTime() throws Exception {
    tokens().create(token("c", at(30), null));
    tokens().create(token("a", at(10), null));
    tokens().create(token("b", at(20), null));

    assertThat(tokens().list()).extracting(TokenRecord::id).containsExactly("a", "b", "c");
  }

  @Test
  default void revoke_activeToken_keepsTheFirstRevocationTime() throws Exception {
    tokens().create(token("tok-1", at(0), null));

    tokens().revoke("tok-1", at(50));
    tokens().revoke("tok-1", at(90)); // changes nothing

    TokenRecord found = reopen().tokens().findByHash(sha256("token:tok-1")).orElseThrow();
    assertThat(found.revokedAt()).isEqualTo(at(50));
    assertThat(found.activeAt(at(40))).isFalse();
  }

  @Test
  default void revoke_unknownToken_throwsNotFound() {
    assertThatThrownBy(() -> tokens().revoke("nope", at(1)))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
  }
}
