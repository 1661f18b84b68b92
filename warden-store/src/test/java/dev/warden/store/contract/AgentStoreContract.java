package dev.warden.store.contract;

import static dev.warden.store.contract.Fixtures.agent;
import static dev.warden.store.contract.Fixtures.at;
import static dev.warden.store.contract.Fixtures.ed25519;
import static dev.warden.store.contract.Fixtures.hmac;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.AgentKey;
import dev.warden.store.AgentRecord;
import dev.warden.store.AgentStatus;
import dev.warden.store.AgentStore;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link AgentStore}: agents, their keys, and revocation being final. */
public interface AgentStoreContract extends ContractFixture {

  private AgentStore agents() {
    return store().agents();
  }

  @Test
  default void create_newAgent_findReturnsItWithKeysInCreationOrder() throws Exception {
    AgentKey late = ed25519("late", at(20));
    AgentKey b = hmac("b", at(10));
    AgentKey a = ed25519("a", at(10));
    AgentRecord agent =
        new AgentRecord(
            "bot-1",
            "acme",
            AgentStatus.ACTIVE,
            Map.of("team", "payments"),
            List.of(late, b, a),
            at(0),
            at(1));

    agents().create(agent);

    AgentRecord found = agents().find("bot-1").orElseThrow();
    assertThat(found.keys()).extracting(AgentKey::keyId).containsExactly("a", "b", "late");
    assertThat(found)
        .isEqualTo(
            new AgentRecord(
                "bot-1",
                "acme",
                AgentStatus.ACTIVE,
                Map.of("team", "payments"),
                List.of(a, b, late),
                at(0),
                at(1)));
    assertThat(found.key("b").orElseThrow().material()).isEqualTo(b.material());
  }

  @Test
  default void create_existingId_throwsConflictAndKeepsTheFirst() throws Exception {
    agents().create(agent("bot-1", ed25519("k1", at(0))));

    assertThatThrownBy(() -> agents().create(agent("bot-1", ed25519("k2", at(0)))))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));

    assertThat(agents().find("bot-1").orElseThrow().keys())
        .extracting(AgentKey::keyId)
        .containsExactly("k1");
  }

  @Test
  default void create_sameKeyIdTwice_throwsConflictAndStoresNothing() throws Exception {
    assertThatThrownBy(() -> agents().create(agent("bot-1", ed25519("k", at(0)), hmac("k", at(1)))))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));

    assertThat(agents().find("bot-1")).isEmpty();
  }

  @Test
  default void find_unknownId_returnsEmpty() throws Exception {
    assertThat(agents().find("nobody")).isEmpty();
  }

  @Test
  default void list_severalAgents_returnsAllOrderedById() throws Exception {
    assertThat(agents().list()).isEmpty();
    agents().create(agent("carol", ed25519("k", at(0))));
    agents().create(agent("alice"));
    agents().create(agent("bob", hmac("h", at(0))));

    List<AgentRecord> all = agents().list();

    assertThat(all).extracting(AgentRecord::id).containsExactly("alice", "bob", "carol");
    assertThat(all.get(0).keys()).isEmpty();
    assertThat(all.get(1).keys()).extracting(AgentKey::keyId).containsExactly("h");
    assertThat(all.get(2)).isEqualTo(agents().find("carol").orElseThrow());
  }

  @Test
  default void updateStatus_suspendAndResume_persistsStatusAndTime() throws Exception {
    agents().create(agent("bot-1"));

    agents().updateStatus("bot-1", AgentStatus.SUSPENDED, at(5));
    AgentRecord suspended = agents().find("bot-1").orElseThrow();
    agents().updateStatus("bot-1", AgentStatus.ACTIVE, at(9));
    AgentRecord resumed = reopen().agents().find("bot-1").orElseThrow();

    assertThat(suspended.status()).isEqualTo(AgentStatus.SUSPENDED);
    assertThat(suspended.updatedAt()).isEqualTo(at(5));
    assertThat(resumed.status()).isEqualTo(AgentStatus.ACTIVE);
    assertThat(resumed.updatedAt()).isEqualTo(at(9));
    assertThat(resumed.createdAt()).isEqualTo(at(0));
  }

  @Test
  default void updateStatus_unknownAgent_throwsNotFound() {
    assertThatThrownBy(() -> agents().updateStatus("nobody", AgentStatus.SUSPENDED, at(1)))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
  }

  @Test
  default void updateStatus_revokedAgent_throwsConflictForEveryChange() throws Exception {
    agents().create(agent("bot-1", ed25519("k", at(0))));
    agents().updateStatus("bot-1", AgentStatus.REVOKED, at(1));

    for (AgentStatus s : List.of(AgentStatus.ACTIVE, AgentStatus.SUSPENDED)) {
      assertThatThrownBy(() -> agents().updateStatus("bot-1", s, at(2)))
          .as("revoked -> %s", s)
          .isInstanceOfSatisfying(
              StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    }
    assertThatThrownBy(() -> agents().addKey("bot-1", ed25519("k2", at(2))))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    assertThatThrownBy(() -> agents().revokeKey("bot-1", "k", at(2)))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    agents().updateStatus("bot-1", AgentStatus.REVOKED, at(3)); // not a change

    AgentRecord after = agents().find("bot-1").orElseThrow();
    assertThat(after.status()).isEqualTo(AgentStatus.REVOKED);
    assertThat(after.updatedAt()).isEqualTo(at(1));
    assertThat(after.keys()).extracting(AgentKey::keyId).containsExactly("k");
    assertThat(after.keys().getFirst().revoked()).isFalse();
  }

  @Test
  default void addKey_newKey_appearsAfterTheOthers() throws Exception {
    agents().create(agent("bot-1", ed25519("k1", at(0))));

    agents().addKey("bot-1", hmac("k2", at(7)));

    AgentRecord found = reopen().agents().find("bot-1").orElseThrow();
    assertThat(found.keys()).containsExactly(ed25519("k1", at(0)), hmac("k2", at(7)));
    assertThat(found.updatedAt()).isEqualTo(at(7));
  }

  @Test
  default void addKey_takenKeyId_throwsConflictAndKeepsTheFirst() throws Exception {
    agents().create(agent("bot-1", ed25519("k1", at(0))));

    assertThatThrownBy(() -> agents().addKey("bot-1", hmac("k1", at(3))))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));

    assertThat(agents().find("bot-1").orElseThrow().keys()).containsExactly(ed25519("k1", at(0)));
  }

  @Test
  default void addKey_unknownAgent_throwsNotFound() {
    assertThatThrownBy(() -> agents().addKey("nobody", ed25519("k1", at(0))))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
  }

  @Test
  default void revokeKey_activeKey_marksItRevokedOnceAndForAll() throws Exception {
    agents().create(agent("bot-1", ed25519("k1", at(0)), ed25519("k2", at(1))));

    agents().revokeKey("bot-1", "k1", at(10));
    agents().revokeKey("bot-1", "k1", at(20)); // changes nothing

    AgentRecord found = reopen().agents().find("bot-1").orElseThrow();
    assertThat(found.key("k1").orElseThrow().revokedAt()).isEqualTo(at(10));
    assertThat(found.key("k2").orElseThrow().revoked()).isFalse();
    assertThat(found.updatedAt()).isEqualTo(at(10));
  }

  @Test
  default void revokeKey_unknownAgentOrKey_throwsNotFound() throws Exception {
    agents().create(agent("bot-1", ed25519("k1", at(0))));

    assertThatThrownBy(() -> agents().revokeKey("nobody", "k1", at(1)))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    assertThatThrownBy(() -> agents().revokeKey("bot-1", "k9", at(1)))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
  }
}
