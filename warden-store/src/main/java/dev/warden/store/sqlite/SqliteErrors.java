package dev.warden.store.sqlite;

import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Turns SQLite errors into {@link StoreException}s. Messages name the operation, the database file
 * and SQLite's result code ({@code SQLITE_FULL}, {@code SQLITE_IOERR_WRITE}, …) and never carry
 * data: SQLite's own messages do not include bound values, and we do not add any.
 */
final class SqliteErrors {
  private static final int SQLITE_ERROR = 1;
  private static final int SQLITE_CORRUPT = 11;
  private static final int SQLITE_CONSTRAINT = 19;
  private static final int SQLITE_NOTADB = 26;

  private SqliteErrors() {}

  /** The store exception for {@code e}, raised while doing {@code what} on {@code file}. */
  static StoreException map(Path file, String what, SQLException e) {
    Kind kind =
        switch (primaryCode(e)) {
          case SQLITE_CORRUPT, SQLITE_NOTADB -> Kind.CORRUPT;
          case SQLITE_CONSTRAINT -> Kind.CONFLICT;
          default -> Kind.UNAVAILABLE;
        };
    return new StoreException(kind, what + " in " + file + " failed: " + describe(e), e);
  }

  /** The primary SQLite result code of {@code e} (the low byte of the extended code). */
  static int primaryCode(SQLException e) {
    return e.getErrorCode() & 0xff;
  }

  /** True for a constraint violation (UNIQUE, PRIMARY KEY, CHECK, FOREIGN KEY, NOT NULL). */
  static boolean isConstraint(SQLException e) {
    return primaryCode(e) == SQLITE_CONSTRAINT;
  }

  /** True for SQLITE_ERROR, e.g. "cannot rollback - no transaction is active". */
  static boolean isPlainError(SQLException e) {
    return primaryCode(e) == SQLITE_ERROR;
  }

  /** {@code SQLITE_FULL (database or disk is full)}: the most specific code SQLite gave. */
  static String describe(SQLException e) {
    if (e instanceof SQLiteException s && s.getResultCode() != SQLiteErrorCode.UNKNOWN_ERROR) {
      SQLiteErrorCode code = s.getResultCode();
      return code.name() + " (" + code.message + ")";
    }
    SQLiteErrorCode primary = SQLiteErrorCode.getErrorCode(primaryCode(e));
    if (primary != SQLiteErrorCode.UNKNOWN_ERROR) {
      return primary.name() + " (" + primary.message + ")";
    }
    return "SQL error " + e.getErrorCode();
  }
}
