package dev.warden.store.contract;

import static dev.warden.store.contract.Fixtures.FUTURE;
import static dev.warden.store.contract.Fixtures.at;
import static dev.warden.store.contract.Fixtures.idempotency;
import static dev.warden.store.contract.Fixtures.nonce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.DecisionRef;
import dev.warden.store.LogHead;
import dev.warden.store.LogStore;
import dev.warden.store.SealedBatch;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.StoredEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LogStore}: appending batches, the head, reading ranges, decision references. */
public interface LogStoreContract extends ContractFixture {

  private LogStore log() {
    return store().log();
  }

  @Test
  default void head_newStore_isEmpty() throws Exception {
    assertThat(log().head()).isEqualTo(LogHead.EMPTY);
    assertThat(log().read(0, 10)).isEmpty();
  }

  @Test
  default void append_severalBatches_numbersEntriesContiguously() throws Exception {
    ChainBatch first = ChainBatch.of(3, "a");
    ChainBatch second = ChainBatch.of(1, "b");
    ChainBatch third = ChainBatch.of(5, "c");

    SealedBatch s1 = log().append(first);
    SealedBatch s2 = log().append(second);
    SealedBatch s3 = log().append(third);

    assertThat(first.sealedAgainst()).isEqualTo(LogHead.EMPTY);
    assertThat(second.sealedAgainst()).isEqualTo(s1.newHead());
    assertThat(third.sealedAgainst()).isEqualTo(s2.newHead());
    assertThat(s3.entries()).extracting(StoredEntry::index).containsExactly(4L, 5L, 6L, 7L, 8L);
    assertThat(log().head()).isEqualTo(s3.newHead());
    List<StoredEntry> all = log().read(0, 9);
    ChainBatch.verify(all, s3.newHead());
    assertThat(all.subList(4, 9)).isEqualTo(s3.entries());
  }

  @Test
  default void append_thenReopen_headAndEntriesPersist() throws Exception {
    log().append(ChainBatch.of(4, "a"));
    SealedBatch last = log().append(ChainBatch.of(2, "b"));

    LogStore reopened = reopen().log();

    assertThat(reopened.head()).isEqualTo(last.newHead());
    ChainBatch.verify(reopened.read(0, 6), reopened.head());
    ChainBatch next = ChainBatch.of(1, "c");
    reopened.append(next);
    assertThat(next.sealedAgainst()).isEqualTo(last.newHead());
    ChainBatch.verify(reopened.read(0, 100), reopened.head());
  }

  @Test
  default void append_emptyBatch_keepsTheHeadAndStoresItsNonce() throws Exception {
    log().append(ChainBatch.of(2, "a"));
    LogHead before = log().head();

    log().append(ChainBatch.of(0, "none").nonce(nonce("bot-1", "n1", at(60))));

    assertThat(log().head()).isEqualTo(before);
    assertThat(log().liveNonces(at(0))).containsExactly(nonce("bot-1", "n1", at(60)));
  }

  @Test
  default void append_entriesNumberedWrongly_throwsIllegalStateAndWritesNothing() throws Exception {
    log().append(ChainBatch.of(2, "a"));
    LogHead before = log().head();

    assertThatThrownBy(
            () ->
                log()
                    .append(
                        h ->
                            new SealedBatch(
                                new LogHead(h.size() + 1, new byte[] {1}),
                                List.of(new StoredEntry(h.size() + 1, new byte[] {'x'})),
                                List.of(nonce("bot-1", "n1", at(60))),
                                List.of(),
                                List.of())))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () ->
                log()
                    .append(
                        h ->
                            new SealedBatch(
                                new LogHead(h.size() + 2, new byte[] {1}),
                                List.of(new StoredEntry(h.size(), new byte[] {'x'})),
                                List.of(),
                                List.of(),
                                List.of())))
        .isInstanceOf(IllegalStateException.class);

    assertThat(log().head()).isEqualTo(before);
    assertThat(log().read(0, 10)).hasSize(2);
    assertThat(log().liveNonces(at(0))).isEmpty();
  }

  @Test
  default void append_sealerThrows_propagatesAndTheStoreStaysUsable() throws Exception {
    log().append(ChainBatch.of(1, "a"));

    assertThatThrownBy(
            () ->
                log()
                    .append(
                        h -> {
                          throw new ArithmeticException("sealer bug");
                        }))
        .isInstanceOf(ArithmeticException.class);
    SealedBatch after = log().append(ChainBatch.of(1, "b"));

    assertThat(after.entries()).extracting(StoredEntry::index).containsExactly(1L);
    ChainBatch.verify(log().read(0, 2), log().head());
  }

  @Test
  default void append_nonceAlreadyUsed_throwsConflictAndWritesNothingOfTheBatch() throws Exception {
    log().append(ChainBatch.of(1, "a").nonce(nonce("bot-1", "n1", at(300))));
    LogHead before = log().head();

    ChainBatch conflicting =
        ChainBatch.of(3, "b")
            .nonce(nonce("bot-2", "fresh", at(300)))
            .nonce(nonce("bot-1", "n1", at(400)))
            .idempotency(idempotency("bot-2", "idem-1", "dec-2", at(900)))
            .decision("dec-2", "bot-2", 0);
    assertThatThrownBy(() -> log().append(conflicting))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
              assertThat(e.conflict()).isEqualTo(StoreException.Conflict.NONCE);
            });

    assertNothingOfTheBatch(before);
    assertThat(log().liveNonces(at(0))).containsExactly(nonce("bot-1", "n1", at(300)));
  }

  @Test
  default void append_idempotencyKeyTaken_throwsConflictAndWritesNothingOfTheBatch()
      throws Exception {
    log()
        .append(
            ChainBatch.of(1, "a")
                .idempotency(idempotency("bot-1", "idem-1", "dec-1", at(900)))
                .decision("dec-1", "bot-1", 0));
    LogHead before = log().head();

    ChainBatch conflicting =
        ChainBatch.of(2, "b")
            .nonce(nonce("bot-2", "fresh", at(300)))
            .idempotency(idempotency("bot-2", "idem-1", "dec-2", at(900)))
            .idempotency(idempotency("bot-1", "idem-1", "dec-3", at(950)))
            .decision("dec-2", "bot-2", 0);
    assertThatThrownBy(() -> log().append(conflicting))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
              assertThat(e.conflict()).isEqualTo(StoreException.Conflict.IDEMPOTENCY_KEY);
            });

    assertNothingOfTheBatch(before);
    assertThat(log().liveNonces(at(0))).isEmpty();
    assertThat(log().findIdempotency("bot-1", "idem-1", at(0)).orElseThrow().decisionId())
        .isEqualTo("dec-1");
  }

  @Test
  default void append_sameNonceTwiceInOneBatch_throwsConflict() throws Exception {
    ChainBatch twice =
        ChainBatch.of(2, "a")
            .nonce(nonce("bot-1", "n1", at(300)))
            .nonce(nonce("bot-1", "n1", at(300)));

    assertThatThrownBy(() -> log().append(twice))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    assertThat(log().head()).isEqualTo(LogHead.EMPTY);
  }

  @Test
  default void append_sameNonceForAnotherAgent_isAccepted() throws Exception {
    log().append(ChainBatch.of(1, "a").nonce(nonce("bot-1", "n1", at(300))));

    log().append(ChainBatch.of(1, "b").nonce(nonce("bot-2", "n1", at(300))));

    assertThat(log().liveNonces(at(0)))
        .containsExactlyInAnyOrder(nonce("bot-1", "n1", at(300)), nonce("bot-2", "n1", at(300)));
  }

  private void assertNothingOfTheBatch(LogHead before) throws StoreException {
    assertThat(log().head()).isEqualTo(before);
    assertThat(log().read(before.size(), before.size() + 10)).isEmpty();
    assertThat(log().findDecision("dec-2")).isEmpty();
    assertThat(log().findIdempotency("bot-2", "idem-1", at(0))).isEmpty();
    assertThat(log().liveNonces(at(0))).doesNotContain(nonce("bot-2", "fresh", at(300)));
  }

  @Test
  default void read_ranges_returnWhatExistsInOrder() throws Exception {
    SealedBatch s = log().append(ChainBatch.of(10, "a"));
    List<StoredEntry> all = s.entries();

    assertThat(log().read(3, 3)).isEmpty();
    assertThat(log().read(0, 10)).isEqualTo(all);
    assertThat(log().read(2, 5)).isEqualTo(all.subList(2, 5));
    assertThat(log().read(8, 20)).isEqualTo(all.subList(8, 10));
    assertThat(log().read(10, 20)).isEmpty();
    assertThat(log().read(50, Long.MAX_VALUE)).isEmpty();
    assertThatThrownBy(() -> log().read(-1, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log().read(5, 4)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  default void findDecision_appendedDecision_returnsItsIndexAndAgent() throws Exception {
    log().append(ChainBatch.of(2, "a"));
    log().append(ChainBatch.of(3, "b").decision("dec-1", "bot-1", 1).decision("dec-2", "bot-2", 2));

    LogStore reopened = reopen().log();

    assertThat(reopened.findDecision("dec-1")).contains(new DecisionRef("dec-1", "bot-1", 3));
    assertThat(reopened.findDecision("dec-2")).contains(new DecisionRef("dec-2", "bot-2", 4));
    assertThat(reopened.findDecision("dec-3")).isEmpty();
  }

  @Test
  default void findDecision_decisionIdReferencedAgain_keepsTheFirstEntry() throws Exception {
    log().append(ChainBatch.of(1, "a").decision("dec-1", "bot-1", 0));

    log().append(ChainBatch.of(1, "b").decision("dec-1", "bot-1", 0));

    assertThat(log().findDecision("dec-1")).contains(new DecisionRef("dec-1", "bot-1", 0));
    assertThat(log().head().size()).isEqualTo(2);
  }

  @Test
  default void append_farFutureTimes_roundTrip() throws Exception {
    log().append(ChainBatch.of(1, "a").nonce(nonce("bot-1", "n", FUTURE.plusMillis(1))));

    assertThat(log().liveNonces(FUTURE)).containsExactly(nonce("bot-1", "n", FUTURE.plusMillis(1)));
  }
}
