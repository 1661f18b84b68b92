package dev.warden.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.store.contract.ChainBatch;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints how fast fsynced appends go on this machine, for batches of 1 and 256 entries of about 400
 * bytes. Nothing about the speed is asserted (that is warden-bench's job); the log is checked.
 */
final class SqliteAppendThroughputTest {
  @TempDir Path dir;

  @Test
  void append_batchesOf1And256_printsTheRateAndKeepsTheLog() throws Exception {
    String padding = "x".repeat(380);
    try (SqliteStore store = SqliteStore.open(dir.resolve("warden.db"), Clock.systemUTC())) {
      for (int size : new int[] {1, 256}) {
        long start = System.nanoTime();
        long deadline = start + 1_500_000_000L;
        int appends = 0;
        while (System.nanoTime() < deadline && appends < 10_000) {
          store.log().append(ChainBatch.of(size, padding + appends));
          appends++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            Locale.ROOT,
            "sqlite append, batch of %d: %.0f appends/s, %.0f entries/s (%d appends in %.2f s)%n",
            size,
            appends / seconds,
            appends * size / seconds,
            appends,
            seconds);
      }
      ChainBatch.verify(store.log().read(0, Long.MAX_VALUE), store.log().head());
      assertThat(store.log().head().size()).isPositive();
    }
  }
}
