package dev.warden.log;

import static dev.warden.log.GroupCommitLogTest.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.store.NonceRecord;
import dev.warden.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link GroupCommitLog} when the store fails, refuses part of a batch, or the log closes. */
class GroupCommitLogFailureTest {
  private static final Instant UNTIL = Instant.now().plusSeconds(3600);

  @Test
  void append_signerUnavailable_refusesTheBatchWithNothingWritten_thenSignsAgain()
      throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    AtomicBoolean tokenGone = new AtomicBoolean();
    Checkpointer signer =
        (size, root) -> {
          if (tokenGone.get()) {
            throw new Checkpointer.SignerUnavailable(
                "token gone", new IllegalStateException("CKR_DEVICE_REMOVED"));
          }
          return TestCheckpoints.sign(size, root);
        };
    try (GroupCommitLog log = GroupCommitLog.start(store, signer)) {
      assertThat(log.append(PendingEntry.of(entry("ok")))).isZero();
      tokenGone.set(true);
      assertThatThrownBy(() -> log.append(PendingEntry.of(entry("unsigned"))))
          .isInstanceOfSatisfying(
              RequestRejected.class,
              r -> assertThat(r.code()).isEqualTo(ErrorCode.SIGNER_UNAVAILABLE));
      assertThat(log.head().size()).isEqualTo(1);
      assertThat(log.healthy()).isTrue(); // the store is fine; readiness probes the key
      tokenGone.set(false);
      assertThat(log.append(PendingEntry.of(entry("again")))).isEqualTo(1);
    }
    assertThat(store.entries())
        .extracting(e -> new String(e, StandardCharsets.UTF_8))
        .containsExactly("{\"e\":\"ok\"}", "{\"e\":\"again\"}");
  }

  @Test
  void append_storeUnavailable_throwsStoreUnavailableAndIsUnhealthyUntilAWriteSucceeds()
      throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    try (GroupCommitLog log = GroupCommitLog.start(store, TestCheckpoints::sign)) {
      assertThat(log.append(PendingEntry.of(entry("ok")))).isZero();
      assertThat(log.healthy()).isTrue();

      store.failWith(new StoreException(StoreException.Kind.UNAVAILABLE, "disk full"));
      assertThatThrownBy(() -> log.append(PendingEntry.of(entry("lost"))))
          .isInstanceOfSatisfying(
              RequestRejected.class,
              r -> assertThat(r.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
      assertThat(log.healthy()).isFalse();
      assertThat(log.head().size()).isEqualTo(1);

      store.heal();
      assertThat(log.append(PendingEntry.of(entry("again")))).isEqualTo(1);
      assertThat(log.healthy()).isTrue();
    }
    assertThat(store.entries())
        .extracting(e -> new String(e, StandardCharsets.UTF_8))
        .containsExactly("{\"e\":\"ok\"}", "{\"e\":\"again\"}");
  }

  @Test
  void append_storeThrowsRuntimeException_throwsStoreUnavailableAndCommitterSurvives()
      throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    try (GroupCommitLog log = GroupCommitLog.start(store, TestCheckpoints::sign)) {
      store.failWithBug(new IllegalStateException("a bug"));
      assertThatThrownBy(() -> log.append(PendingEntry.of(entry("x"))))
          .isInstanceOfSatisfying(
              RequestRejected.class,
              r -> assertThat(r.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
      store.heal();
      assertThat(log.append(PendingEntry.of(entry("y")))).isZero();
    }
  }

  @Test
  void submit_conflictInBatchOfSeveral_failsOnlyTheConflictingEntry() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    List<CompletableFuture<Long>> futures = new ArrayList<>();
    try (GroupCommitLog log = GroupCommitLog.start(store, TestCheckpoints::sign)) {
      log.append(withNonce("used-before", "taken-nonce"));

      store.hold();
      CompletableFuture<Long> blocker = log.submit(PendingEntry.of(entry("blocker")));
      store.awaitHeldAppend();
      for (int i = 0; i < 5; i++) {
        futures.add(log.submit(withNonce("n" + i, i == 2 ? "taken-nonce" : "fresh-nonce-" + i)));
      }
      int callsBefore = store.appendCalls();
      store.release();

      assertThat(blocker.join()).isEqualTo(1);
      assertThat(futures.get(0).join()).isEqualTo(2);
      assertThat(futures.get(1).join()).isEqualTo(3);
      assertThatThrownBy(futures.get(2)::join)
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOfSatisfying(
              RequestRejected.class,
              r -> assertThat(r.code()).isEqualTo(ErrorCode.REPLAY_NONCE_REUSED));
      assertThat(futures.get(3).join()).isEqualTo(4);
      assertThat(futures.get(4).join()).isEqualTo(5);
      assertThat(log.healthy()).isTrue();
      // blocker, the batch of five that conflicted, then the five one by one
      assertThat(store.appendCalls() - callsBefore).isEqualTo(1 + 1 + 5);
    }
    assertThat(store.entries())
        .extracting(e -> new String(e, StandardCharsets.UTF_8))
        .containsExactly(
            "{\"e\":\"used-before\"}",
            "{\"e\":\"blocker\"}",
            "{\"e\":\"n0\"}",
            "{\"e\":\"n1\"}",
            "{\"e\":\"n3\"}",
            "{\"e\":\"n4\"}");
  }

  @Test
  void submit_sameNonceTwiceInOneBatch_firstWinsSecondIsRefused() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    try (GroupCommitLog log = GroupCommitLog.start(store, TestCheckpoints::sign)) {
      store.hold();
      CompletableFuture<Long> blocker = log.submit(PendingEntry.of(entry("blocker")));
      store.awaitHeldAppend();
      CompletableFuture<Long> first = log.submit(withNonce("first", "same-nonce"));
      CompletableFuture<Long> second = log.submit(withNonce("second", "same-nonce"));
      store.release();

      assertThat(blocker.join()).isZero();
      assertThat(first.join()).isEqualTo(1);
      assertThatThrownBy(second::join)
          .cause()
          .isInstanceOfSatisfying(
              RequestRejected.class,
              r -> assertThat(r.code()).isEqualTo(ErrorCode.REPLAY_NONCE_REUSED));
    }
    assertThat(store.entries()).hasSize(2);
  }

  @Test
  void submit_sameIdempotencyKeyTwiceInOneBatch_secondRefusedAsInFlight() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    try (GroupCommitLog log = GroupCommitLog.start(store, TestCheckpoints::sign)) {
      store.hold();
      CompletableFuture<Long> blocker = log.submit(PendingEntry.of(entry("blocker")));
      store.awaitHeldAppend();
      CompletableFuture<Long> first = log.submit(withIdempotencyKey("first", "dec-1"));
      CompletableFuture<Long> second = log.submit(withIdempotencyKey("second", "dec-2"));
      store.release();

      assertThat(blocker.join()).isZero();
      assertThat(first.join()).isEqualTo(1);
      assertThatThrownBy(second::join)
          .cause()
          .isInstanceOfSatisfying(
              RequestRejected.class,
              r -> assertThat(r.code()).isEqualTo(ErrorCode.IDEMPOTENCY_IN_FLIGHT));
    }
  }

  private static PendingEntry withIdempotencyKey(String name, String decisionId) {
    return new PendingEntry(
        entry(name),
        decisionId,
        "bot-1",
        null,
        new dev.warden.store.IdempotencyRecord(
            "bot-1", "same-key", new byte[32], decisionId, UNTIL));
  }

  @Test
  void close_withEntriesQueued_writesEveryQueuedEntryBeforeStopping() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    GroupCommitLog log = GroupCommitLog.start(store, TestCheckpoints::sign);
    List<CompletableFuture<Long>> accepted = new ArrayList<>();
    store.hold();
    accepted.add(log.submit(PendingEntry.of(entry("in-flight"))));
    store.awaitHeldAppend();
    for (int i = 0; i < 20; i++) {
      accepted.add(log.submit(PendingEntry.of(entry("queued" + i))));
    }
    Thread closer = Thread.ofVirtual().start(log::close);
    // Keep submitting until the log says it is closed: every entry accepted before that point
    // must still be written.
    while (true) {
      CompletableFuture<Long> probe = log.submit(PendingEntry.of(entry("probe")));
      if (probe.isCompletedExceptionally()) {
        assertThatThrownBy(probe::join)
            .cause()
            .isInstanceOfSatisfying(
                RequestRejected.class,
                r -> assertThat(r.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
        break;
      }
      accepted.add(probe);
      Thread.onSpinWait();
    }
    store.release();
    closer.join();

    for (int i = 0; i < accepted.size(); i++) {
      assertThat(accepted.get(i)).as("entry %d", i).isDone();
      assertThat(accepted.get(i).join()).isEqualTo(i);
    }
    assertThat(store.entries()).hasSize(accepted.size());
  }

  @Test
  void close_whileManyThreadsSubmit_leavesNoFutureUncompleted() throws Exception {
    for (int round = 0; round < 10; round++) {
      InMemoryLogStore store = new InMemoryLogStore();
      GroupCommitLog log = GroupCommitLog.start(store, TestCheckpoints::sign);
      ConcurrentLinkedQueue<CompletableFuture<Long>> all = new ConcurrentLinkedQueue<>();
      AtomicInteger submitted = new AtomicInteger();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> submitters = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          submitters.add(
              pool.submit(
                  () -> {
                    while (true) {
                      CompletableFuture<Long> f = log.submit(PendingEntry.of(entry("x")));
                      all.add(f);
                      submitted.incrementAndGet();
                      if (f.isCompletedExceptionally()) {
                        return;
                      }
                    }
                  }));
        }
        while (submitted.get() < 2_000) {
          Thread.onSpinWait();
        }
        log.close();
        for (Future<?> s : submitters) {
          s.get();
        }
      }
      int r = round;
      assertThat(all).allSatisfy(f -> assertThat(f).as("round %d", r).isDone());
      long written = all.stream().filter(f -> !f.isCompletedExceptionally()).count();
      assertThat(store.entries()).as("round %d", r).hasSize((int) written);
    }
  }

  @Test
  void submit_afterClose_failsWithStoreUnavailable() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    GroupCommitLog log = GroupCommitLog.start(store, TestCheckpoints::sign);
    log.close();
    assertThatThrownBy(() -> log.append(PendingEntry.of(entry("late"))))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            r -> assertThat(r.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
    assertThat(store.entries()).isEmpty();
  }

  private static PendingEntry withNonce(String name, String nonce) {
    return new PendingEntry(entry(name), null, null, new NonceRecord("agent", nonce, UNTIL), null);
  }
}
