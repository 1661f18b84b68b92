package dev.warden.store.bench;

import dev.warden.crypto.Ed25519KeyPair;
import dev.warden.log.GroupCommitLog;
import dev.warden.log.PendingEntry;
import dev.warden.note.Checkpoint;
import dev.warden.note.NoteSigner;
import dev.warden.store.Store;
import dev.warden.store.postgresql.PostgresStore;
import dev.warden.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures the cost of durability: C concurrent writers append N decision-sized entries through the
 * real group commit (SQLite WAL, synchronous=FULL, a signed checkpoint and every tree node per
 * batch) and report entries/s, the mean batch size and the append latency each writer waits. Not a
 * test: run it by hand (README, "Benchmarks"). Arguments: [entries] [writers] [directory, or a
 * postgresql:// URL of an empty database for the PostgreSQL store].
 */
public final class CommitBench {
  private CommitBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int writers = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    String where = args.length > 2 ? args[2] : null;
    byte[] entry =
        ("{\"action\":\"payments.transfer\",\"agent\":\"agent-1\",\"decision\":\"allow\","
                + "\"padding\":\""
                + "x".repeat(300)
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    NoteSigner signer =
        new NoteSigner("bench.example/log", Ed25519KeyPair.generate(new SecureRandom()));
    try (Store store = open(where);
        GroupCommitLog log =
            GroupCommitLog.start(
                store.log(),
                (size, root) ->
                    signer.sign(new Checkpoint("bench.example/log", size, root).body()));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      long startSize = log.head().size();
      long[] latencies = new long[n];
      AtomicLong next = new AtomicLong();
      long t0 = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        done.add(
            pool.submit(
                () -> {
                  for (long i; (i = next.getAndIncrement()) < n; ) {
                    long s = System.nanoTime();
                    log.append(PendingEntry.of(entry));
                    latencies[(int) i] = System.nanoTime() - s;
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      long batches = store.log().checkpoints(startSize + 1, Integer.MAX_VALUE).size();
      Arrays.sort(latencies);
      System.out.printf("%s: ", store instanceof PostgresStore p ? p.describe() : "SQLite");
      System.out.printf(
          "%,d entries, %d writers: %,.0f entries/s, %,d batches (mean %.1f entries), append p50 %.2f ms, p99 %.2f ms%n",
          n,
          writers,
          n / secs,
          batches,
          (double) n / batches,
          latencies[n / 2] / 1e6,
          latencies[n * 99 / 100] / 1e6);
    }
  }

  private static Store open(String where) throws Exception {
    if (where != null && PostgresStore.isUrl(where)) {
      return PostgresStore.open(where, Clock.systemUTC());
    }
    Path dir = where != null ? Path.of(where) : Files.createTempDirectory("warden-commit-bench");
    return SqliteStore.open(dir.resolve("bench.db"), Clock.systemUTC());
  }
}
