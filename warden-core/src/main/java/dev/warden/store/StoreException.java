package dev.warden.store;

/**
 * A storage operation failed. {@link Kind#UNAVAILABLE} means the database could not be reached or
 * written (Warden then fails closed); the other kinds describe the data.
 */
public final class StoreException extends Exception {
  /** What went wrong, coarse enough to map to an HTTP status. */
  public enum Kind {
    /** The database cannot be read or written now (I/O error, locked, read-only, full). */
    UNAVAILABLE,
    /** A uniqueness constraint refused the write (an agent, key or token that already exists). */
    CONFLICT,
    /** The row to change does not exist. */
    NOT_FOUND,
    /** The stored data is not what this version of Warden can read. */
    CORRUPT
  }

  private final Kind kind;

  public StoreException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public StoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
