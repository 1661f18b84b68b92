package dev.warden.store.contract;

import static dev.warden.store.contract.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.PolicyStore;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import org.junit.jupiter.api.Test;

/** {@link PolicyStore}: activated policy texts by hash, added only; the active one. */
public interface PolicyStoreContract extends ContractFixture {

  String HASH_A = "sha256:" + "a".repeat(64);
  String HASH_B = "sha256:" + "b".repeat(64);

  private PolicyStore policies() {
    return store().policies();
  }

  @Test
  default void save_thenText_returnsItAfterReopen() throws Exception {
    policies().save(HASH_A, "version: 1\nrules: []\n", at(0));
    policies().save(HASH_B, "{\"version\": 1, \"rules\": []}", at(1));

    PolicyStore reopened = reopen().policies();
    assertThat(reopened.text(HASH_A)).contains("version: 1\nrules: []\n");
    assertThat(reopened.text(HASH_B)).contains("{\"version\": 1, \"rules\": []}");
  }

  @Test
  default void text_unknownHash_isEmpty() throws Exception {
    assertThat(policies().text(HASH_A)).isEmpty();
  }

  @Test
  default void save_sameHashAndTextAgain_changesNothing() throws Exception {
    policies().save(HASH_A, "version: 1\nrules: []\n", at(0));
    policies().save(HASH_A, "version: 1\nrules: []\n", at(5));

    assertThat(policies().text(HASH_A)).contains("version: 1\nrules: []\n");
  }

  @Test
  default void save_sameHashOtherText_throwsConflictAndKeepsTheFirst() throws Exception {
    policies().save(HASH_A, "version: 1\nrules: []\n", at(0));

    assertThatThrownBy(() -> policies().save(HASH_A, "version: 1\ndefault: escalate\n", at(1)))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    assertThat(policies().text(HASH_A)).contains("version: 1\nrules: []\n");
  }

  @Test
  default void save_malformedHash_isRefused() {
    assertThatThrownBy(() -> policies().save("md5:abc", "version: 1\n", at(0)))
        .isInstanceOf(StoreException.class);
  }

  @Test
  default void activate_lastOneWins_andSurvivesAReopen() throws Exception {
    assertThat(policies().activeHash()).isEmpty();
    policies().save(HASH_A, "version: 1\nrules: []\n", at(0));
    policies().save(HASH_B, "{\"version\": 1, \"rules\": []}", at(1));
    policies().activate(HASH_A, at(2));
    assertThat(policies().activeHash()).contains(HASH_A);
    policies().activate(HASH_B, at(3));
    policies().activate(HASH_A, at(4));
    assertThat(reopen().policies().activeHash()).contains(HASH_A);
  }

  @Test
  default void activate_aPolicyNotKept_conflictAndNothingChanges() throws Exception {
    policies().save(HASH_A, "version: 1\nrules: []\n", at(0));
    policies().activate(HASH_A, at(1));
    assertThatThrownBy(() -> policies().activate(HASH_B, at(2)))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    assertThat(policies().activeHash()).contains(HASH_A);
  }

  @Test
  default void savedSinceActivation_onlyForASaveAfterTheActivePolicysActivation() throws Exception {
    policies().save(HASH_A, "version: 1\nrules: []\n", at(0));
    assertThat(policies().savedSinceActivation(HASH_A)).as("nothing active yet").isFalse();
    policies().activate(HASH_A, at(1));
    policies().save(HASH_B, "{\"version\": 1, \"rules\": []}", at(2));
    assertThat(policies().savedSinceActivation(HASH_B)).isTrue();
    assertThat(policies().savedSinceActivation(HASH_A)).isFalse();
    policies().activate(HASH_B, at(3));
    assertThat(policies().savedSinceActivation(HASH_B)).isFalse();
    assertThat(policies().savedSinceActivation("sha256:" + "c".repeat(64))).isFalse();
  }
}
