package dev.warden.store.sqlite;

import static dev.warden.store.contract.Fixtures.FUTURE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.LogHead;
import dev.warden.store.NonceRecord;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.contract.ChainBatch;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} in the middle of appending: a child JVM appends and reports each batch it saw
 * committed; it is killed at a random moment, and the reopened log must hold every reported batch,
 * contiguously, with a head that chains over exactly its entries. Three rounds on one database.
 */
final class SqliteTornWriteTest {
  private static final long SEED = System.nanoTime();

  @TempDir Path dir;

  @Test
  void append_childKilledMidStream_reopensWithEveryReportedBatch() throws Exception {
    Path db = dir.resolve("warden.db");
    SplittableRandom rnd = new SplittableRandom(SEED);
    String seed = "seed " + SEED;
    for (int round = 0; round < 3; round++) {
      int killAfter = 5 + rnd.nextInt(40);
      List<long[]> committed = runChild(db, round, rnd.nextLong(), killAfter, round == 0);
      String where = seed + ", round " + round + ", killed after " + killAfter;
      assertThat(committed).as(where).hasSizeGreaterThanOrEqualTo(killAfter);

      try (SqliteStore store = SqliteStore.open(db, Clock.systemUTC())) {
        LogHead head = store.log().head();
        long reported = committed.getLast()[1];
        assertThat(head.size()).as(where).isGreaterThanOrEqualTo(reported);
        ChainBatch.verify(store.log().read(0, head.size()), head);
        Set<String> nonces =
            store.log().liveNonces(FUTURE).stream()
                .map(NonceRecord::nonce)
                .collect(Collectors.toSet());
        for (long[] c : committed) {
          assertThat(nonces).as(where).contains("r" + round + "n" + c[0]);
        }
        store.checkHealth();
        System.out.printf(
            "torn write, %s: killed after %d reported appends (log size %d); reopened with %d%n",
            where, committed.size(), reported, head.size());
      }
    }
  }

  /** Runs the child until it has reported {@code killAfter} commits, then kills it. */
  private List<long[]> runChild(Path db, int round, long seed, int killAfter, boolean checkLock)
      throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path err = dir.resolve("child-" + round + ".err");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                TornWriter.class.getName(),
                db.toString(),
                Integer.toString(round),
                Long.toString(seed))
            .redirectError(err.toFile())
            .start();
    // A hung child must not hang the build: killing it closes the pipe we read.
    CompletableFuture.delayedExecutor(90, TimeUnit.SECONDS).execute(child::destroyForcibly);
    List<long[]> committed = new ArrayList<>();
    try (BufferedReader out = child.inputReader()) {
      String line;
      while (committed.size() < killAfter && (line = out.readLine()) != null) {
        committed.add(parse(line));
        if (checkLock && committed.size() == 3) {
          assertThatThrownBy(() -> SqliteStore.open(db, Clock.systemUTC()))
              .isInstanceOfSatisfying(
                  StoreException.class,
                  e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                    assertThat(e.getMessage())
                        .contains("another Warden process")
                        .contains("pid " + child.pid());
                  });
        }
      }
      // SIGKILL through the handle: Process.destroyForcibly would also close our end of the pipe.
      child.toHandle().destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      // Lines the child printed before it died are still in the pipe: they count too.
      while ((line = out.readLine()) != null) {
        committed.add(parse(line));
      }
    } finally {
      child.destroyForcibly();
    }
    assertThat(committed)
        .as("child output, stderr: %s", Files.exists(err) ? Files.readString(err) : "")
        .isNotEmpty();
    return committed;
  }

  private static long[] parse(String line) {
    String[] parts = line.split(" ");
    assertThat(parts).as(line).hasSize(3);
    assertThat(parts[0]).isEqualTo("committed");
    return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
  }
}
