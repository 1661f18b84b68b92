package dev.warden.store.postgresql;

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
 * and what each charged in {@code usage_lines}, with the SQLite store's semantics. Every change is
 * one transaction; a reservation moves only by a conditional update ({@code WHERE state = …}), so
 * it is settled once however often, and from however many replicas, it is asked to be.
 */
final class PostgresUsageStore implements UsageStore {
  /** Rows deleted per purge transaction, so that a large purge does not hold up reservations. */
  static final int PURGE_CHUNK = 5_000;

  /**
   * Locks, in key order, every counter the reservations charged: the same order reservations lock
   * them in, so settling and reserving never deadlock.
   */
  private static final String LOCK_COUNTERS =
      "SELECT counter FROM usage_counters WHERE counter IN"
          + " (SELECT counter FROM usage_lines WHERE reservation_id = ANY (?::text[]))"
          + " ORDER BY counter FOR UPDATE";

  /**
   * Moves the reservations still in state {@code from} and applies their lines to the counters, in
   * one statement; returns how many moved. Parameters: new state, ids, from state.
   */
  private static String settle(String counterUpdate) {
    return "WITH moved AS (UPDATE usage_reservations SET state = ?"
        + " WHERE id = ANY (?::text[]) AND state = ? RETURNING id),"
        + " amounts AS (SELECT l.counter, sum(l.amount)::bigint AS amount FROM usage_lines AS l"
        + " JOIN moved ON l.reservation_id = moved.id GROUP BY l.counter),"
        + " changed AS (UPDATE usage_counters SET "
        + counterUpdate
        + " FROM amounts WHERE usage_counters.counter = amounts.counter RETURNING 1)"
        + " SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM changed)";
  }

  private static final String MOVE_TO_COMMITTED =
      settle(
          "reserved = usage_counters.reserved - amounts.amount,"
              + " committed = usage_counters.committed + amounts.amount");

  private static final String TAKE_OFF =
      settle("reserved = usage_counters.reserved - amounts.amount");

  private static final String GIVE_BACK =
      settle("committed = usage_counters.committed - amounts.amount");

  private final Database db;

  PostgresUsageStore(Database db) {
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

  /** Two round trips and the commit: lock the counters in order, then move and apply at once. */
  private int settle(Collection<String> reservationIds, String from, String state, String sql)
      throws StoreException {
    Set<String> ids = new LinkedHashSet<>(reservationIds);
    ids.forEach(PostgresUsageStore::checkId);
    if (ids.isEmpty()) {
      return 0;
    }
    String[] array = ids.toArray(new String[0]);
    return db.write(
        "settling " + ids.size() + " reservation(s) as " + state,
        c -> {
          try (PreparedStatement lock = c.prepareStatement(LOCK_COUNTERS)) {
            lock.setArray(1, c.createArrayOf("text", array));
            try (ResultSet r = lock.executeQuery()) {
              while (r.next()) {
                // Locking is the point; the rows are not needed.
              }
            }
          }
          try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, state);
            p.setArray(2, c.createArrayOf("text", array));
            p.setString(3, from);
            try (ResultSet r = p.executeQuery()) {
              r.next();
              return r.getInt(1);
            }
          }
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
    // them never subtracts from a counter that is gone (or, worse, was started again). The
    // condition is repeated outside the subquery: a counter charged in between is kept.
    long total =
        purgeChunks(
            "purging ended usage counters",
            "DELETE FROM usage_counters WHERE counter IN (SELECT counter FROM usage_counters"
                + " WHERE window_end <= ? AND reserved = 0 LIMIT "
                + PURGE_CHUNK
                + ") AND window_end <= ? AND reserved = 0",
            at);
    total +=
        purgeChunks(
            "purging settled reservations",
            "DELETE FROM usage_reservations WHERE id IN (SELECT id FROM usage_reservations"
                + " WHERE state <> 'reserved' AND keep_until <= ? LIMIT "
                + PURGE_CHUNK
                + ") AND state <> 'reserved' AND keep_until <= ?",
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
                  p.setLong(2, at);
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
