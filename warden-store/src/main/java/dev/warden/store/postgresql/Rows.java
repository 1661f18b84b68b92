package dev.warden.store.postgresql;

import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Column conventions shared by the stores: instants are epoch milliseconds, null is never. */
final class Rows {
  private Rows() {}

  /** A row that no longer satisfies the records' rules: the data was changed behind our back. */
  @FunctionalInterface
  interface RowReader<T> {
    T read(ResultSet r) throws SQLException, StoreException;
  }

  static <T> T read(ResultSet r, String table, RowReader<T> reader)
      throws SQLException, StoreException {
    try {
      return reader.read(r);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new StoreException(
          Kind.CORRUPT, "a row of " + table + " is invalid: " + e.getMessage());
    }
  }

  /** Every row {@code p} selects, each read by {@code reader} as in {@link #read}. */
  static <T> List<T> all(PreparedStatement p, String table, RowReader<T> reader)
      throws SQLException, StoreException {
    List<T> out = new ArrayList<>();
    try (ResultSet r = p.executeQuery()) {
      while (r.next()) {
        out.add(read(r, table, reader));
      }
    }
    return out;
  }

  static Instant instant(ResultSet r, String column) throws SQLException {
    return Instant.ofEpochMilli(r.getLong(column));
  }

  static @Nullable Instant nullableInstant(ResultSet r, String column) throws SQLException {
    long ms = r.getLong(column);
    return r.wasNull() ? null : Instant.ofEpochMilli(ms);
  }

  static void setNullableInstant(PreparedStatement p, int index, @Nullable Instant at)
      throws SQLException {
    if (at == null) {
      p.setNull(index, Types.BIGINT);
    } else {
      p.setLong(index, at.toEpochMilli());
    }
  }
}
