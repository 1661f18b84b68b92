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

  /** What a {@link Kind#CONFLICT} collided with, when the caller needs to tell them apart. */
  public enum Conflict {
    /** A nonce in a log batch was already used by the same agent. */
    NONCE,
    /** An idempotency key in a log batch was already taken by the same agent. */
    IDEMPOTENCY_KEY,
    /** An approval step in a log batch found the approval no longer pending. */
    APPROVAL,
    /** An execution in a log batch was started twice, or finished when no longer in flight. */
    EXECUTION,
    /** Any other uniqueness (agents, keys, tokens). */
    OTHER
  }

  private final Kind kind;
  private final Conflict conflict;

  public StoreException(Kind kind, String message) {
    super(message);
    this.kind = kind;
    this.conflict = Conflict.OTHER;
  }

  public StoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.conflict = Conflict.OTHER;
  }

  private StoreException(Conflict conflict, String message) {
    super(message);
    this.kind = Kind.CONFLICT;
    this.conflict = conflict;
  }

  /** A {@link Kind#CONFLICT} on a nonce or idempotency key of a log batch. */
  public static StoreException conflict(Conflict what, String message) {
    return new StoreException(what, message);
  }

  /** For {@link Kind#CONFLICT}: what collided; {@link Conflict#OTHER} for every other kind. */
  public Conflict conflict() {
    return conflict;
  }

  public Kind kind() {
    return kind;
  }
}
