package dev.warden.store.postgresql;

import dev.warden.store.Charge;
import dev.warden.store.ReserveResult;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The reservation transaction of {@link PostgresUsageStore#reserve}: the reservation row, then one
 * conditional upsert per charge and the lines, all rolled back together when a charge does not fit
 * — the same semantics as the SQLite store's, made safe across replicas by the statements
 * themselves.
 *
 * <p>Each upsert decides inside PostgreSQL: {@code ON CONFLICT DO UPDATE} locks the counter's row
 * and evaluates its {@code WHERE} on the latest committed version, so two replicas charging one
 * counter are serialized by the row lock and neither can pass the limit. Counters are charged in
 * the order of their keys, so two reservations sharing counters lock them in one order and cannot
 * deadlock. Every charge is tried even after one failed, so that the answer names the first charge
 * in the caller's order that does not fit, with its counter read under the lock the failed upsert
 * took.
 */
final class UsageReserve {
  /**
   * Charges one counter if the charge fits, and returns the counter's used amount only then. A new
   * counter is inserted only if {@code amount <= limit}; an existing one is updated only if {@code
   * amount <= limit - used} (written so that nothing can overflow). Parameters: counter, amount,
   * window end, amount, limit, limit.
   */
  static final String CHARGE =
      "INSERT INTO usage_counters (counter, reserved, committed, window_end)"
          + " SELECT ?, ?::bigint, 0, ? WHERE ?::bigint <= ?::bigint"
          + " ON CONFLICT (counter) DO UPDATE SET"
          + " reserved = usage_counters.reserved + excluded.reserved,"
          + " window_end = greatest(usage_counters.window_end, excluded.window_end)"
          + " WHERE excluded.reserved"
          + " <= ?::bigint - (usage_counters.reserved + usage_counters.committed)"
          + " RETURNING reserved + committed";

  private UsageReserve() {}

  static ReserveResult run(
      Connection c, String id, List<Charge> charges, Instant now, Instant expiresAt)
      throws SQLException, StoreException {
    if (!insertReservation(c, id, charges, now, expiresAt)) {
      throw new StoreException(Kind.CONFLICT, "reservation " + id + " exists");
    }
    List<Charge> byCounter = new ArrayList<>(charges);
    byCounter.sort(Comparator.comparing(Charge::counter));
    Long[] after = new Long[charges.size()];
    boolean allFit = true;
    try (PreparedStatement charge = c.prepareStatement(CHARGE)) {
      for (Charge ch : byCounter) {
        charge.setString(1, ch.counter());
        charge.setLong(2, ch.amount());
        charge.setLong(3, ch.windowEnd().toEpochMilli());
        charge.setLong(4, ch.amount());
        charge.setLong(5, ch.limit());
        charge.setLong(6, ch.limit());
        try (ResultSet r = charge.executeQuery()) {
          Long used = r.next() ? r.getLong(1) : null;
          after[charges.indexOf(ch)] = used;
          allFit &= used != null;
        }
      }
    }
    if (!allFit) {
      for (int i = 0; i < charges.size(); i++) {
        if (after[i] == null) {
          Charge first = charges.get(i);
          long used = used(c, first.counter());
          // Nothing of a refused reservation stays: its row and every charge that did fit.
          c.rollback();
          return new ReserveResult.Exceeded(first, used);
        }
      }
    }
    insertLines(c, id, charges);
    List<Long> used = new ArrayList<>(charges.size());
    for (Long u : after) {
      used.add(u);
    }
    return new ReserveResult.Reserved(used);
  }

  /** False if a reservation with this id exists already (in any state, on any replica). */
  private static boolean insertReservation(
      Connection c, String id, List<Charge> charges, Instant now, Instant expiresAt)
      throws SQLException {
    long keepUntil = Long.MIN_VALUE;
    for (Charge ch : charges) {
      keepUntil = Math.max(keepUntil, ch.windowEnd().toEpochMilli());
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO usage_reservations (id, state, created_at, expires_at, keep_until)"
                + " VALUES (?, 'reserved', ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
      p.setString(1, id);
      p.setLong(2, now.toEpochMilli());
      p.setLong(3, expiresAt.toEpochMilli());
      p.setLong(4, keepUntil);
      return p.executeUpdate() == 1;
    }
  }

  private static void insertLines(Connection c, String id, List<Charge> charges)
      throws SQLException {
    String[] counters = new String[charges.size()];
    Long[] amounts = new Long[charges.size()];
    for (int i = 0; i < charges.size(); i++) {
      counters[i] = charges.get(i).counter();
      amounts[i] = charges.get(i).amount();
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO usage_lines (reservation_id, counter, amount)"
                + " SELECT ?, * FROM unnest(?::text[], ?::bigint[])")) {
      p.setString(1, id);
      p.setArray(2, c.createArrayOf("text", counters));
      p.setArray(3, c.createArrayOf("bigint", amounts));
      p.executeUpdate();
    }
  }

  /** The counter's used amount as this transaction sees it; 0 if it does not exist. */
  static long used(Connection c, String counter) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT reserved + committed FROM usage_counters WHERE counter = ?")) {
      p.setString(1, counter);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    }
  }
}
