package dev.warden.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.store.DecisionRef;
import dev.warden.store.LogHead;
import dev.warden.store.NonceRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** {@link GroupCommitLog} on a working store: numbering, batching, the head. */
class GroupCommitLogTest {

  @Test
  void append_manyConcurrentVirtualThreads_distinctContiguousIndexesEachEntryStoredOnce()
      throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    int threads = 64;
    int perThread = 100;
    Map<Long, byte[]> byIndex = new ConcurrentHashMap<>();
    try (GroupCommitLog log = GroupCommitLog.start(store, TestCheckpoints::sign);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    byte[] e = entry("t" + thread + "-" + i);
                    long index = log.append(PendingEntry.of(e));
                    assertThat(byIndex.putIfAbsent(index, e)).as("index %d twice", index).isNull();
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    int total = threads * perThread;
    assertThat(byIndex.keySet())
        .containsExactlyInAnyOrderElementsOf(LongStream.range(0, total).boxed().toList());
    List<byte[]> stored = store.entries();
    assertThat(stored).hasSize(total);
    for (long i = 0; i < total; i++) {
      assertThat(new String(stored.get((int) i), StandardCharsets.UTF_8))
          .as("entry at %d", i)
          .isEqualTo(new String(byIndex.get(i), StandardCharsets.UTF_8));
    }
    assertThat(store.committedBatchSizes())
        .allSatisfy(n -> assertThat(n).isBetween(1, GroupCommitLog.MAX_BATCH));
    assertThat(store.committedBatchSizes().stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(total);
  }

  @Test
  void append_afterConcurrentAppends_headEqualsFrontierOfAllStoredEntries() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    LogHead head;
    try (GroupCommitLog log = GroupCommitLog.start(store, TestCheckpoints::sign);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Long>> done = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        byte[] e = entry("e" + i);
        done.add(pool.submit(() -> log.append(PendingEntry.of(e))));
      }
      for (Future<Long> f : done) {
        f.get();
      }
      head = log.head();
    }
    MerkleFrontier expected = MerkleFrontier.empty();
    List<byte[]> stored = store.entries();
    stored.forEach(e -> expected.append(MerkleHasher.leafHash(e)));
    assertThat(head.size()).isEqualTo(500);
    assertThat(head.state()).isEqualTo(expected.serialize());
    assertThat(store.head()).isEqualTo(head);
    assertThat(MerkleFrontier.restore(head.size(), head.state()).root())
        .isEqualTo(NaiveMerkle.mth(stored));
  }

  @Test
  void submit_queueLongerThanMaxBatch_batchesAreCappedAtMaxBatch() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    int queued = 3 * GroupCommitLog.MAX_BATCH - 100;
    List<CompletableFuture<Long>> futures = new ArrayList<>();
    try (GroupCommitLog log = GroupCommitLog.start(store, TestCheckpoints::sign)) {
      store.hold();
      futures.add(log.submit(PendingEntry.of(entry("first"))));
      store.awaitHeldAppend(); // the committer holds a batch of one; the rest must queue
      for (int i = 0; i < queued; i++) {
        futures.add(log.submit(PendingEntry.of(entry("q" + i))));
      }
      store.release();
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).join()).isEqualTo(i);
      }
    }
    assertThat(store.committedBatchSizes())
        .containsExactly(
            1,
            GroupCommitLog.MAX_BATCH,
            GroupCommitLog.MAX_BATCH,
            queued - 2 * GroupCommitLog.MAX_BATCH);
  }

  @Test
  void start_onNonEmptyStore_continuesNumberingAndTree() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    List<byte[]> all = new ArrayList<>();
    try (GroupCommitLog log = GroupCommitLog.start(store, TestCheckpoints::sign)) {
      for (int i = 0; i < 7; i++) {
        all.add(entry("a" + i));
        assertThat(log.append(PendingEntry.of(all.getLast()))).isEqualTo(i);
      }
    }
    try (GroupCommitLog log = GroupCommitLog.start(store, TestCheckpoints::sign)) {
      assertThat(log.head().size()).isEqualTo(7);
      for (int i = 7; i < 12; i++) {
        all.add(entry("b" + i));
        assertThat(log.append(PendingEntry.of(all.getLast()))).isEqualTo(i);
      }
      assertThat(MerkleFrontier.restore(12, log.head().state()).root())
          .isEqualTo(NaiveMerkle.mth(all));
    }
  }

  @Test
  void append_entryWithDecisionAndNonce_storesThemWithTheEntry() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    Instant until = Instant.now().plusSeconds(600);
    try (GroupCommitLog log = GroupCommitLog.start(store, TestCheckpoints::sign)) {
      log.append(PendingEntry.of(entry("before")));
      long index =
          log.append(
              new PendingEntry(
                  entry("decision"),
                  "01JDECISION",
                  "agent-1",
                  new NonceRecord("agent-1", "nonce-123", until),
                  null));
      assertThat(index).isEqualTo(1);
    }
    assertThat(store.findDecision("01JDECISION"))
        .contains(new DecisionRef("01JDECISION", "agent-1", 1));
    assertThat(store.liveNonces(Instant.now()))
        .containsExactly(new NonceRecord("agent-1", "nonce-123", until));
  }

  static byte[] entry(String s) {
    return ("{\"e\":\"" + s + "\"}").getBytes(StandardCharsets.UTF_8);
  }
}
