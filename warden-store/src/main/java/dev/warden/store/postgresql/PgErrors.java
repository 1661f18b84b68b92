package dev.warden.store.postgresql;

import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jspecify.annotations.Nullable;

/**
 * Turns PostgreSQL errors into {@link StoreException}s by SQLSTATE. Messages name the operation,
 * the database and the SQLSTATE, and never carry data: the server's own message may quote a
 * conflicting key (a nonce, a token hash), so only its SQLSTATE and the constraint's name are kept.
 */
final class PgErrors {
  private PgErrors() {}

  static StoreException map(String database, String what, SQLException e) {
    String state = sqlState(e);
    Kind kind;
    if (state.startsWith("23")) {
      kind = Kind.CONFLICT; // integrity constraint violation: unique, check, foreign key
    } else if (state.equals("XX001") || state.equals("XX002")) {
      kind = Kind.CORRUPT; // data_corrupted, index_corrupted
    } else {
      // Connection failures (08), timeouts and cancellations (57014), no pool connection in time,
      // serialization failures and deadlocks (40), out of resources (53), read-only (25006): the
      // database cannot be used now.
      kind = Kind.UNAVAILABLE;
    }
    return new StoreException(kind, what + " in " + database + " failed: " + describe(e), e);
  }

  /** True for a unique, check, foreign key or not-null violation. */
  static boolean isConstraint(SQLException e) {
    return sqlState(e).startsWith("23");
  }

  /** True for a foreign key violation. */
  static boolean isForeignKey(SQLException e) {
    return sqlState(e).equals("23503");
  }

  /** The name of the constraint {@code e} violated, or "" if the server did not say. */
  static String constraintName(SQLException e) {
    if (e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
      String c = p.getServerErrorMessage().getConstraint();
      return c == null ? "" : c;
    }
    return "";
  }

  /** {@code SQLSTATE 23505 (unique_violation, constraint nonces_pkey)}, without any values. */
  static String describe(SQLException e) {
    if (e instanceof SQLTransientConnectionException) {
      return "no database connection within the timeout (" + e.getMessage() + ")";
    }
    String state = sqlState(e);
    String constraint = constraint(e);
    String name = name(state);
    if (state.isEmpty()) {
      return String.valueOf(e.getMessage());
    }
    if (state.startsWith("08")) {
      // Connection errors carry no data, and their text says what is wrong (refused, auth, ...).
      return "SQLSTATE " + state + " (" + e.getMessage() + ")";
    }
    return "SQLSTATE "
        + state
        + (name == null ? "" : " (" + name + (constraint == null ? "" : ", " + constraint) + ")");
  }

  private static String sqlState(SQLException e) {
    String s = e.getSQLState();
    return s == null ? "" : s;
  }

  private static @Nullable String constraint(SQLException e) {
    if (e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
      String c = p.getServerErrorMessage().getConstraint();
      return c == null ? null : "constraint " + c;
    }
    return null;
  }

  private static @Nullable String name(String state) {
    return switch (state) {
      case "23505" -> "unique_violation";
      case "23503" -> "foreign_key_violation";
      case "23514" -> "check_violation";
      case "23502" -> "not_null_violation";
      case "40001" -> "serialization_failure";
      case "40P01" -> "deadlock_detected";
      case "57014" -> "query_canceled: statement timeout";
      case "25006" -> "read_only_sql_transaction";
      case "53100" -> "disk_full";
      case "53300" -> "too_many_connections";
      case "42P01" -> "undefined_table";
      case "42501" -> "insufficient_privilege: the user may not do this in the database or schema";
      case "28P01", "28000" -> "invalid_authorization: wrong user or password";
      case "3D000" -> "invalid_catalog_name: no such database";
      case "3F000" -> "invalid_schema_name";
      case "XX001" -> "data_corrupted";
      case "XX002" -> "index_corrupted";
      default -> null;
    };
  }
}
