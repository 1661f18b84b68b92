package dev.warden.store.contract;

import static dev.warden.store.contract.Fixtures.PAST;
import static dev.warden.store.contract.Fixtures.at;
import static dev.warden.store.contract.Fixtures.idempotency;
import static dev.warden.store.contract.Fixtures.nonce;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.store.IdempotencyRecord;
import dev.warden.store.LogStore;
import org.junit.jupiter.api.Test;

/**
 * Nonces and idempotency records over time. A record is live while {@code expiresAt >= now}; it has
 * expired once {@code expiresAt < now}, and then it is purged and its key may be taken again.
 */
public interface LogExpiryContract extends ContractFixture {

  private LogStore log() {
    return store().log();
  }

  @Test
  default void findIdempotency_liveUntilItsExpiryInclusive() throws Exception {
    IdempotencyRecord r = idempotency("bot-1", "idem-1", "dec-1", at(100));
    log().append(ChainBatch.of(1, "a").idempotency(r).decision("dec-1", "bot-1", 0));

    assertThat(log().findIdempotency("bot-1", "idem-1", at(0))).contains(r);
    assertThat(log().findIdempotency("bot-1", "idem-1", at(100))).contains(r);
    assertThat(log().findIdempotency("bot-1", "idem-1", at(100).plusMillis(1))).isEmpty();
    assertThat(log().findIdempotency("bot-2", "idem-1", at(0))).isEmpty();
    assertThat(log().findIdempotency("bot-1", "idem-2", at(0))).isEmpty();
  }

  @Test
  default void liveNonces_afterReopen_returnsExactlyTheUnexpired() throws Exception {
    log()
        .append(
            ChainBatch.of(2, "a")
                .nonce(nonce("bot-1", "n1", at(10)))
                .nonce(nonce("bot-1", "n2", at(20)))
                .nonce(nonce("bot-2", "n1", at(30))));

    LogStore reopened = reopen().log();

    assertThat(reopened.liveNonces(at(20)))
        .containsExactlyInAnyOrder(nonce("bot-1", "n2", at(20)), nonce("bot-2", "n1", at(30)));
    assertThat(reopened.liveNonces(at(0))).hasSize(3);
    assertThat(reopened.liveNonces(at(31))).isEmpty();
  }

  @Test
  default void purgeExpired_deletesOnlyWhatExpiredBeforeNow() throws Exception {
    log()
        .append(
            ChainBatch.of(1, "a")
                .nonce(nonce("bot-1", "old", at(10)))
                .nonce(nonce("bot-1", "edge", at(20)))
                .nonce(nonce("bot-1", "new", at(30)))
                .idempotency(idempotency("bot-1", "old", "dec-1", at(5)))
                .idempotency(idempotency("bot-1", "new", "dec-2", at(50))));

    int purged = log().purgeExpired(at(20));

    assertThat(purged).isEqualTo(2);
    assertThat(log().liveNonces(at(0)))
        .containsExactlyInAnyOrder(nonce("bot-1", "edge", at(20)), nonce("bot-1", "new", at(30)));
    assertThat(log().findIdempotency("bot-1", "old", at(0))).isEmpty();
    assertThat(log().findIdempotency("bot-1", "new", at(0))).isPresent();
    assertThat(log().purgeExpired(at(20))).isZero();
    assertThat(log().purgeExpired(at(100))).isEqualTo(3);
    assertThat(log().head().size()).as("the log itself is never purged").isEqualTo(1);
  }

  @Test
  default void append_purgedNonce_canBeUsedAgain() throws Exception {
    log().append(ChainBatch.of(1, "a").nonce(nonce("bot-1", "n1", at(10))));
    log().purgeExpired(at(11));

    log().append(ChainBatch.of(1, "b").nonce(nonce("bot-1", "n1", at(500))));

    assertThat(log().liveNonces(at(0))).containsExactly(nonce("bot-1", "n1", at(500)));
  }

  @Test
  default void append_expiredButUnpurgedKeys_areTakenAgain() throws Exception {
    log()
        .append(
            ChainBatch.of(1, "a")
                .nonce(nonce("bot-1", "n1", PAST))
                .idempotency(idempotency("bot-1", "idem-1", "dec-1", PAST)));

    IdempotencyRecord again = idempotency("bot-1", "idem-1", "dec-2", at(500));
    log().append(ChainBatch.of(1, "b").nonce(nonce("bot-1", "n1", at(500))).idempotency(again));

    assertThat(log().liveNonces(PAST)).containsExactly(nonce("bot-1", "n1", at(500)));
    assertThat(log().findIdempotency("bot-1", "idem-1", PAST)).contains(again);
  }
}
