package dev.warden.store.sqlite;

import static dev.warden.store.contract.Fixtures.FUTURE;
import static dev.warden.store.contract.Fixtures.nonce;

import dev.warden.store.SealedBatch;
import dev.warden.store.contract.ChainBatch;
import java.nio.file.Path;
import java.time.Clock;
import java.util.SplittableRandom;

/**
 * The child process of {@link SqliteTornWriteTest}: appends batches to the database named by its
 * first argument until it is killed, printing {@code committed <batch> <log size>} after each
 * append has returned. Arguments: database, round, seed.
 */
public final class TornWriter {
  private TornWriter() {}

  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[0]);
    String round = args[1];
    SplittableRandom rnd = new SplittableRandom(Long.parseLong(args[2]));
    try (SqliteStore store = SqliteStore.open(db, Clock.systemUTC())) {
      for (int b = 0; ; b++) {
        ChainBatch batch =
            ChainBatch.of(1 + rnd.nextInt(64), "r" + round + "b" + b)
                .nonce(nonce("child", "r" + round + "n" + b, FUTURE));
        SealedBatch sealed = store.log().append(batch);
        System.out.println("committed " + b + " " + sealed.newHead().size());
        System.out.flush();
      }
    }
  }
}
