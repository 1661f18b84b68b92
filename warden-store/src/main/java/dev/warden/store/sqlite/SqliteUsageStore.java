package dev.warden.store.sqlite;

import dev.warden.store.Charge;
import dev.warden.store.ExpiredReservation;
import dev.warden.store.ReserveResult;
import dev.warden.store.StoreException;
import dev.warden.store.UsageStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Budget and quota counters in {@code usage_counters}, reservations in {@code usage_reservations}
 * and what each charged in {@code usage_lines}. Every change is one fsynced write transaction; each
 * state change of a reservation is a conditional update ({@code WHERE state = 'reserved'}), so a
 * reservation is settled once however often, and from however many threads, it is asked to be.
 */
final class SqliteUsageStore implements UsageStore {
  /** Rows deleted per purge transaction, so that a large purge does not hold up reservations. */
  static final int PURGE_CHUNK = 5_000;

  private static final String MOVE_TO_COMMITTED =
      "UPDATE usage_counters SET reserved = usage_counters.reserved - l.amount,"
          + " committed = usage_counters.committed + l.amount"
          + " FROM usage_lines AS l"
          + " WHERE l.reservation_id = ? AND l.counter = usage_counters.counter";

  private static final String TAKE_OFF =
      "UPDATE usage_counters SET reserved = usage_counters.reserved - l.amount"
          + " FROM usage_lines AS l"
          + " WHERE l.reservation_id = ? AND l.counter = usage_counters.counter";

  private static final String GIVE_BACK =
      "UPDATE usage_counters SET committed = usage_counters.committed - l.amount"
          + " FROM usage_lines AS l"
          + " WHERE l.reservation_id = ? AND l.counter = usage_counters.counter";

  private final Database db;

  SqliteUsageStore(Database db) {
    this.db = db;
  }

  @Override
  public ReserveResult reserve(
      String reservationId, List<Charge> charges, Instant now, Instant expiresAt)
      throws StoreException {
    checkId(reservationId);
    List<Charge> copy = List.copyOf(charges);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("a reservation charges at least one counter");
    }
    Set<String> counters = new HashSet<>();
    for (Charge ch : copy) {
      if (!counters.add(ch.counter())) {
        throw new IllegalArgumentException("counter " + ch.counter() + " is charged twice");
      }
    }
    if (!expiresAt.isAfter(now)) {
      throw new IllegalArgumentException("a reservation expires after it is made");
    }
    return db.write(
        "reserving " + reservationId,
        c -> UsageReserve.run(c, reservationId, copy, now, expiresAt));
  }

  @Override
  public int commit(Collection<String> reservationIds) throws StoreException {
    return settle(reservationIds, "reserved", "committed", MOVE_TO_COMMITTED);
  }

  @Override
  public int release(Collection<String> reservationIds) throws StoreException {
    return settle(reservationIds, "reserved", "released", TAKE_OFF);
  }

  @Override
  public int refund(Collection<String> reservationIds) throws StoreException {
    return settle(reservationIds, "committed", "released", GIVE_BACK);
  }

  /**
   * Moves each reservation still in state {@code from} to {@code state} and, only for those that
   * moved, applies {@code counterUpdate} to their counters.
   */
  private int settle(
      Collection<String> reservationIds, String from, String state, String counterUpdate)
      throws StoreException {
    Set<String> ids = new LinkedHashSet<>(reservationIds);
    ids.forEach(SqliteUsageStore::checkId);
    if (ids.isEmpty()) {
      return 0;
    }
    return db.write(
        "settling " + ids.size() + " reservation(s) as " + state,
        c -> {
          int moved = 0;
          try (PreparedStatement flip =
                  c.prepareStatement(
                      "UPDATE usage_reservations SET state = ?" + " WHERE id = ? AND state = ?");
              PreparedStatement counters = c.prepareStatement(counterUpdate)) {
            for (String id : ids) {
              flip.setString(1, state);
              flip.setString(2, id);
              flip.setString(3, from);
              if (flip.executeUpdate() == 1) {
                counters.setString(1, id);
                counters.executeUpdate();
                moved++;
              }
            }
          }
          return moved;
        });
  }

  @Override
  public List<ExpiredReservation> expired(Instant now, int limit) throws StoreException {
    Objects.requireNonNull(now, "now");
    if (limit < 1) {
      throw new IllegalArgumentException("limit < 1");
    }
    return db.read(
        "listing expired reservations",
        c -> {
          List<ExpiredReservation> expired = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT id, expires_at FROM usage_reservations"
                      + " WHERE state = 'reserved' AND expires_at < ?"
                      + " ORDER BY expires_at, id LIMIT ?")) {
            p.setLong(1, now.toEpochMilli());
            p.setInt(2, limit);
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                expired.add(
                    Rows.read(
                        r,
                        "usage_reservations",
                        row ->
                            new ExpiredReservation(
                                row.getString(1), Rows.instant(row, "expires_at"))));
              }
            }
          }
          return expired;
        });
  }

  @Override
  public long used(String counter) throws StoreException {
    Objects.requireNonNull(counter, "counter");
    return db.read("reading counter " + counter, c -> UsageReserve.used(c, counter));
  }

  @Override
  public int purge(Instant now) throws StoreException {
    long at = now.toEpochMilli();
    // A counter still holding reserved money stays until its reservations settle, so that settling
    // them never subtracts from a counter that is gone (or, worse, was started again).
    long total =
        purgeChunks(
            "purging ended usage counters",
            "DELETE FROM usage_counters WHERE counter IN (SELECT counter FROM usage_counters"
                + " WHERE window_end <= ? AND reserved = 0 LIMIT "
                + PURGE_CHUNK
                + ")",
            at);
    total +=
        purgeChunks(
            "purging settled reservations",
            "DELETE FROM usage_reservations WHERE id IN (SELECT id FROM usage_reservations"
                + " WHERE state <> 'reserved' AND keep_until <= ? LIMIT "
                + PURGE_CHUNK
                + ")",
            at);
    return (int) Math.min(total, Integer.MAX_VALUE);
  }

  private long purgeChunks(String what, String sql, long at) throws StoreException {
    long total = 0;
    int deleted;
    do {
      deleted =
          db.write(
              what,
              c -> {
                try (PreparedStatement p = c.prepareStatement(sql)) {
                  p.setLong(1, at);
                  return p.executeUpdate();
                }
              });
      total += deleted;
    } while (deleted == PURGE_CHUNK);
    return total;
  }

  private static void checkId(String id) {
    Objects.requireNonNull(id, "reservationId");
    if (id.isEmpty() || id.length() > MAX_RESERVATION_ID) {
      throw new IllegalArgumentException(
          "a reservation id has 1 to " + MAX_RESERVATION_ID + " characters");
    }
  }
}
