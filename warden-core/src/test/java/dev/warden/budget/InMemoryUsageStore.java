package dev.warden.budget;

import dev.warden.store.Charge;
import dev.warden.store.ExpiredReservation;
import dev.warden.store.ReserveResult;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.UsageStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link UsageStore} in memory for the ledger's unit tests: one lock around plain maps, and a
 * count of calls so that a test can tell the store was never asked. The SQLite store is held to the
 * same behaviour by the storage contract.
 */
final class InMemoryUsageStore implements UsageStore {

  private record Line(String counter, long amount) {}

  private static final class Reservation {
    final List<Line> lines;
    final Instant expiresAt;
    String state = "reserved";

    Reservation(List<Line> lines, Instant expiresAt) {
      this.lines = lines;
      this.expiresAt = expiresAt;
    }
  }

  private final Map<String, long[]> counters = new HashMap<>(); // {reserved, committed}
  private final Map<String, Reservation> reservations = new HashMap<>();
  private int calls;
  private Instant purgedAt = Instant.EPOCH;

  /** How many times any method was called. */
  synchronized int calls() {
    return calls;
  }

  /** The reservation's state, or null if it does not exist. */
  synchronized String state(String id) {
    Reservation r = reservations.get(id);
    return r == null ? null : r.state;
  }

  /** The expiry of a reservation. */
  synchronized Instant expiresAt(String id) {
    return reservations.get(id).expiresAt;
  }

  @Override
  public synchronized ReserveResult reserve(
      String reservationId, List<Charge> charges, Instant now, Instant expiresAt)
      throws StoreException {
    calls++;
    if (reservations.containsKey(reservationId)) {
      throw new StoreException(Kind.CONFLICT, "reservation " + reservationId + " exists");
    }
    List<Long> used = new ArrayList<>();
    for (Charge c : charges) {
      long u = used(c.counter());
      if (c.amount() > c.limit() - u) {
        return new ReserveResult.Exceeded(c, u);
      }
      used.add(u + c.amount());
    }
    List<Line> lines = new ArrayList<>();
    for (Charge c : charges) {
      counters.computeIfAbsent(c.counter(), k -> new long[2])[0] += c.amount();
      lines.add(new Line(c.counter(), c.amount()));
    }
    reservations.put(reservationId, new Reservation(lines, expiresAt));
    return new ReserveResult.Reserved(used);
  }

  @Override
  public synchronized int commit(Collection<String> reservationIds) {
    return settle(reservationIds, "committed");
  }

  @Override
  public synchronized int release(Collection<String> reservationIds) {
    return settle(reservationIds, "released");
  }

  @Override
  public synchronized int refund(Collection<String> reservationIds) {
    calls++;
    int moved = 0;
    for (String id : reservationIds) {
      Reservation r = reservations.get(id);
      if (r == null || !r.state.equals("committed")) {
        continue;
      }
      r.state = "released";
      for (Line l : r.lines) {
        counters.get(l.counter())[1] -= l.amount();
      }
      moved++;
    }
    return moved;
  }

  private int settle(Collection<String> ids, String state) {
    calls++;
    int moved = 0;
    for (String id : ids) {
      Reservation r = reservations.get(id);
      if (r == null || !r.state.equals("reserved")) {
        continue;
      }
      r.state = state;
      for (Line l : r.lines) {
        long[] c = counters.get(l.counter());
        c[0] -= l.amount();
        if (state.equals("committed")) {
          c[1] += l.amount();
        }
      }
      moved++;
    }
    return moved;
  }

  @Override
  public synchronized List<ExpiredReservation> expired(Instant now, int limit) {
    calls++;
    return reservations.entrySet().stream()
        .filter(e -> e.getValue().state.equals("reserved") && e.getValue().expiresAt.isBefore(now))
        .map(e -> new ExpiredReservation(e.getKey(), e.getValue().expiresAt))
        .sorted(
            Comparator.comparing(ExpiredReservation::expiresAt)
                .thenComparing(ExpiredReservation::reservationId))
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized long used(String counter) {
    calls++;
    long[] c = counters.get(counter);
    return c == null ? 0 : c[0] + c[1];
  }

  /** The instant the last purge was asked for. */
  synchronized Instant purgedAt() {
    return purgedAt;
  }

  /**
   * Records the instant asked for; deletes nothing (the ledger's unit tests only need the call).
   */
  @Override
  public synchronized int purge(Instant now) {
    calls++;
    purgedAt = now;
    return 0;
  }
}
