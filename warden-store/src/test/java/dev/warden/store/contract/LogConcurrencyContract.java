package dev.warden.store.contract;

import static dev.warden.store.contract.Fixtures.at;
import static dev.warden.store.contract.Fixtures.idempotency;
import static dev.warden.store.contract.Fixtures.nonce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.DecisionRef;
import dev.warden.store.IdempotencyRecord;
import dev.warden.store.LogHead;
import dev.warden.store.LogStore;
import dev.warden.store.NonceRecord;
import dev.warden.store.SealedBatch;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Appends from many threads, and a seeded random run of the log against a model. */
public interface LogConcurrencyContract extends ContractFixture {

  @Test
  default void append_fromEightThreads_givesOneContiguousLogWithNoLostEntry() throws Exception {
    LogStore log = store().log();
    int threads = 8;
    int batchesPerThread = 20;
    ConcurrentLinkedQueue<ChainBatch> sealers = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<SealedBatch> sealed = new ConcurrentLinkedQueue<>();
    Set<String> tags = new HashSet<>();
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean appending = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        for (int b = 0; b < batchesPerThread; b++) {
          for (int n = 0; n < 1 + (thread + b) % 4; n++) {
            tags.add("t" + thread + "b" + b + "-" + n);
          }
        }
        writers.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int b = 0; b < batchesPerThread; b++) {
                    ChainBatch batch = ChainBatch.of(1 + (thread + b) % 4, "t" + thread + "b" + b);
                    sealed.add(log.append(batch));
                    sealers.add(batch);
                  }
                  return null;
                }));
      }
      // A reader alongside: it must never see a head without its entries, nor a head going back.
      Future<Integer> reader =
          pool.submit(
              () -> {
                long last = 0;
                int reads = 0;
                while (appending.get()) {
                  LogHead h = log.head();
                  assertThat(h.size()).isGreaterThanOrEqualTo(last);
                  assertThat(log.read(0, h.size())).hasSize(Math.toIntExact(h.size()));
                  last = h.size();
                  reads++;
                }
                return reads;
              });
      start.countDown();
      for (Future<?> w : writers) {
        w.get(120, TimeUnit.SECONDS);
      }
      appending.set(false);
      assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
    } finally {
      pool.shutdownNow();
    }

    List<SealedBatch> byStart = new ArrayList<>(sealed);
    byStart.sort(Comparator.comparingLong(s -> s.newHead().size() - s.entries().size()));
    long next = 0;
    for (SealedBatch s : byStart) {
      assertThat(s.entries().getFirst().index()).isEqualTo(next);
      next = s.newHead().size();
    }
    for (ChainBatch b : sealers) {
      assertThat(b.sealedAgainst()).as("every sealer saw a head").isNotNull();
    }
    LogHead head = log.head();
    assertThat(head.size()).isEqualTo(next);
    List<StoredEntry> all = log.read(0, head.size());
    ChainBatch.verify(all, head);
    Set<String> stored = new HashSet<>();
    for (StoredEntry e : all) {
      String s = new String(e.entry(), StandardCharsets.UTF_8);
      stored.add(s.substring(s.indexOf("\"t\":\"") + 5, s.length() - 2));
    }
    assertThat(stored).isEqualTo(tags);
  }

  @ParameterizedTest
  @ValueSource(longs = {1L, 42L, 20261121L})
  default void append_seededRandomOperations_matchAModel(long seed) throws Exception {
    new LogModelRun(this, new SplittableRandom(seed), "seed " + seed).run(80);
  }

  /** One random run: every step is checked against a plain in-memory model of the log. */
  final class LogModelRun {
    private final ContractFixture fixture;
    private final SplittableRandom rnd;
    private final String seed;
    private final List<StoredEntry> entries = new ArrayList<>();
    private final Map<String, NonceRecord> nonces = new HashMap<>();
    private final Map<String, IdempotencyRecord> idempotency = new HashMap<>();
    private final Map<String, DecisionRef> decisions = new HashMap<>();

    LogModelRun(ContractFixture fixture, SplittableRandom rnd, String seed) {
      this.fixture = fixture;
      this.rnd = rnd;
      this.seed = seed;
    }

    void run(int steps) throws Exception {
      for (int step = 0; step < steps; step++) {
        String where = seed + ", step " + step;
        LogStore log = fixture.store().log();
        switch (rnd.nextInt(10)) {
          case 0, 1, 2, 3, 4, 5 -> append(log, step, where);
          case 6 -> {
            Instant now = at(rnd.nextInt(1_000));
            int expected = expire(now);
            assertThat(log.purgeExpired(now)).as(where).isEqualTo(expected);
          }
          case 7 -> {
            int start = rnd.nextInt(entries.size() + 5);
            int end = start + rnd.nextInt(10);
            List<StoredEntry> expected =
                entries.subList(Math.min(start, entries.size()), Math.min(end, entries.size()));
            assertThat(log.read(start, end)).as(where).isEqualTo(expected);
          }
          case 8 -> {
            Instant now = at(rnd.nextInt(1_000));
            assertThat(log.liveNonces(now))
                .as(where)
                .containsExactlyInAnyOrderElementsOf(
                    nonces.values().stream().filter(n -> !n.expiresAt().isBefore(now)).toList());
          }
          default -> {
            if (rnd.nextBoolean()) {
              fixture.reopen();
            }
            for (IdempotencyRecord r : idempotency.values()) {
              assertThat(log().findIdempotency(r.agentId(), r.key(), at(0))).as(where).contains(r);
            }
          }
        }
      }
      LogStore log = log();
      ChainBatch.verify(log.read(0, entries.size() + 1), log.head());
      assertThat(log.read(0, entries.size())).as(seed).isEqualTo(entries);
      for (DecisionRef d : decisions.values()) {
        assertThat(log.findDecision(d.decisionId())).as(seed).contains(d);
      }
    }

    private LogStore log() {
      return fixture.store().log();
    }

    private void append(LogStore log, int step, String where) throws StoreException {
      int n = rnd.nextInt(6);
      ChainBatch batch = ChainBatch.of(n, "s" + step);
      boolean conflict = false;
      Map<String, NonceRecord> newNonces = new HashMap<>();
      for (int i = rnd.nextInt(3); i > 0; i--) {
        NonceRecord r =
            nonce("bot-" + rnd.nextInt(2), "n" + rnd.nextInt(8), at(rnd.nextInt(1_000)));
        String key = r.agentId() + "/" + r.nonce();
        conflict |= nonces.containsKey(key) || newNonces.put(key, r) != null;
        batch.nonce(r);
      }
      Map<String, IdempotencyRecord> newIdem = new HashMap<>();
      if (rnd.nextBoolean()) {
        IdempotencyRecord r =
            idempotency(
                "bot-" + rnd.nextInt(2),
                "k" + rnd.nextInt(5),
                "dec-" + step,
                at(rnd.nextInt(1_000)));
        String key = r.agentId() + "/" + r.key();
        conflict |= idempotency.containsKey(key);
        newIdem.put(key, r);
        batch.idempotency(r);
      }
      int offset = n > 0 && rnd.nextBoolean() ? rnd.nextInt(n) : -1;
      if (offset >= 0) {
        batch.decision("dec-" + step, "bot-0", offset);
      }
      if (conflict) {
        assertThatThrownBy(() -> log.append(batch))
            .as(where)
            .isInstanceOfSatisfying(
                StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
        return;
      }
      SealedBatch s = log.append(batch);
      assertThat(s.entries().size()).as(where).isEqualTo(n);
      if (offset >= 0) {
        decisions.put(
            "dec-" + step, new DecisionRef("dec-" + step, "bot-0", entries.size() + offset));
      }
      entries.addAll(s.entries());
      nonces.putAll(newNonces);
      idempotency.putAll(newIdem);
    }

    /** Removes from the model what the store should purge at {@code now}; returns how much. */
    private int expire(Instant now) {
      int before = nonces.size() + idempotency.size();
      nonces.values().removeIf(r -> r.expiresAt().isBefore(now));
      idempotency.values().removeIf(r -> r.expiresAt().isBefore(now));
      return before - nonces.size() - idempotency.size();
    }
  }
}
