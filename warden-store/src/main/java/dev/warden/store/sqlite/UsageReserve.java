package dev.warden.store.sqlite;

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
import java.util.List;

/**
 * The reservation transaction of {@link SqliteUsageStore#reserve}: the reservation row, then one
 * conditional upsert and one line per charge, all undone together (a savepoint) when a charge does
 * not fit.
 */
final class UsageReserve {
  /**
   * Charges one counter if the charge fits, and returns the counter's used amount only then. A new
   * counter is inserted only if {@code amount <= limit}; an existing one is updated only if {@code
   * amount <= limit - used}, written so that nothing can overflow (used never exceeds a limit it
   * was charged under). Parameters: counter, amount, window end, limit.
   */
  static final String CHARGE =
      "INSERT INTO usage_counters (counter, reserved, committed, window_end)"
          + " SELECT ?1, ?2, 0, ?3 WHERE ?2 <= ?4"
          + " ON CONFLICT (counter) DO UPDATE SET"
          + " reserved = usage_counters.reserved + excluded.reserved,"
          + " window_end = max(usage_counters.window_end, excluded.window_end)"
          + " WHERE excluded.reserved <= ?4 - (usage_counters.reserved + usage_counters.committed)"
          + " RETURNING reserved + committed";

  private UsageReserve() {}

  static ReserveResult run(
      Connection c, String id, List<Charge> charges, Instant now, Instant expiresAt)
      throws SQLException, StoreException {
    Database.execute(c, "SAVEPOINT reserve");
    if (!insertReservation(c, id, charges, now, expiresAt)) {
      Database.execute(c, "RELEASE reserve");
      throw new StoreException(Kind.CONFLICT, "reservation " + id + " exists");
    }
    List<Long> used = new ArrayList<>(charges.size());
    try (PreparedStatement charge = c.prepareStatement(CHARGE);
        PreparedStatement line =
            c.prepareStatement(
                "INSERT INTO usage_lines (reservation_id, counter, amount) VALUES (?, ?, ?)")) {
      for (Charge ch : charges) {
        charge.setString(1, ch.counter());
        charge.setLong(2, ch.amount());
        charge.setLong(3, ch.windowEnd().toEpochMilli());
        charge.setLong(4, ch.limit());
        Long after = null;
        try (ResultSet r = charge.executeQuery()) {
          if (r.next()) {
            after = r.getLong(1);
          }
        }
        if (after == null) {
          Database.execute(c, "ROLLBACK TO reserve");
          Database.execute(c, "RELEASE reserve");
          return new ReserveResult.Exceeded(ch, used(c, ch.counter()));
        }
        used.add(after);
        line.setString(1, id);
        line.setString(2, ch.counter());
        line.setLong(3, ch.amount());
        line.executeUpdate();
      }
    }
    Database.execute(c, "RELEASE reserve");
    return new ReserveResult.Reserved(used);
  }

  /** False if a reservation with this id exists already. */
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
