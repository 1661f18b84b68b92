package dev.warden.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.LogHead;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import org.junit.jupiter.api.Test;

/** {@link Store#checkHealth}, {@link Store#integrityProblems} and {@link Store#close}. */
public interface LifecycleContract extends ContractFixture {

  @Test
  default void checkHealth_openStore_passesAndChangesNothing() throws Exception {
    assertThatCode(store()::checkHealth).doesNotThrowAnyException();
    assertThatCode(store()::checkHealth).doesNotThrowAnyException();

    assertThat(store().log().head()).isEqualTo(LogHead.EMPTY);
    assertThat(store().agents().list()).isEmpty();
  }

  @Test
  default void integrityProblems_soundStoreWithEntries_none() throws Exception {
    store().log().append(ChainBatch.of(3, "integrity"));
    assertThat(store().integrityProblems()).isEmpty();
  }

  @Test
  default void close_thenUse_throwsUnavailable() throws Exception {
    Store s = store();
    s.close();
    s.close(); // closing twice is harmless

    assertThatThrownBy(() -> s.log().append(ChainBatch.of(1, "a")))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    assertThatThrownBy(s.log()::head)
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    assertThatThrownBy(s::checkHealth)
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    assertThat(reopen().log().head()).isEqualTo(LogHead.EMPTY);
  }
}
