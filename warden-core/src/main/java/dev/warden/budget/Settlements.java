package dev.warden.budget;

import dev.warden.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Reservations whose decisions are durable allows, waiting to be committed together: one store
 * transaction for many decisions instead of one each. Losing the queue in a crash loses nothing:
 * {@link Ledger#settleExpired} commits a reservation whose allow is in the log.
 */
public final class Settlements {
  private static final int BATCH = 1_000;

  private final Ledger ledger;
  private final ConcurrentLinkedQueue<String> toCommit = new ConcurrentLinkedQueue<>();

  public Settlements(Ledger ledger) {
    this.ledger = ledger;
  }

  /** Queues the reservation of {@code decisionId}, whose allow is now durable, for commit. */
  public void committed(String decisionId) {
    toCommit.add(decisionId);
  }

  /**
   * Commits what is queued, {@value #BATCH} per transaction.
   *
   * @throws StoreException if the store fails; what was taken for that batch is queued again
   */
  public void flush() throws StoreException {
    while (true) {
      List<String> batch = new ArrayList<>();
      for (String id; batch.size() < BATCH && (id = toCommit.poll()) != null; ) {
        batch.add(id);
      }
      if (batch.isEmpty()) {
        return;
      }
      try {
        ledger.commit(batch);
      } catch (StoreException | RuntimeException e) {
        toCommit.addAll(batch);
        throw e;
      }
    }
  }
}
