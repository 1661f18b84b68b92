package dev.warden.client.warrant;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

/**
 * The decision ids of warrants an executor has used, so that each warrant is used once. An id is
 * remembered until the instant given with it, after which the warrant has expired anyway and the id
 * is forgotten.
 *
 * <p>Guarantees: of concurrent and later calls with the same id while it is remembered, exactly one
 * returns true. Not guaranteed: anything across stores. The in-memory store forgets everything when
 * the process ends, so a warrant still valid then can be used again; the file store survives
 * restarts and crashes but serves one process on one host. Executors on several hosts need one
 * shared store: implement this interface over a database with a unique key on the id.
 */
public interface UsedWarrants extends Closeable {

  /** Largest number of unexpired ids {@link #inMemory()} holds. */
  int DEFAULT_CAPACITY = 100_000;

  /**
   * Records {@code decisionId} as used, atomically.
   *
   * @param decisionId the warrant's decision id: 1 to 128 ASCII characters from '!' to '~'
   * @param keepUntil the last instant at which a verifier could still accept the warrant (its
   *     {@code expires} plus the allowed clock skew); the id is remembered at least until then
   * @return true if the id was not remembered and now is (durably, for the file store); false if it
   *     was already used
   * @throws IllegalArgumentException if {@code decisionId} is not of that form
   * @throws java.io.UncheckedIOException if the use could not be recorded (file store); the store
   *     refuses further use, since it no longer knows what the file holds
   * @throws IllegalStateException if the store is closed, broken by an earlier I/O failure, or full
   *     of unexpired ids
   */
  boolean markUsed(String decisionId, Instant keepUntil);

  /** Releases what the store holds (the file store's lock). Later {@link #markUsed} throws. */
  @Override
  void close() throws IOException;

  /** An in-memory store with the system clock and {@link #DEFAULT_CAPACITY}. */
  static UsedWarrants inMemory() {
    return inMemory(Clock.systemUTC(), DEFAULT_CAPACITY);
  }

  /**
   * An in-memory store of at most {@code capacity} unexpired ids; when full, {@link #markUsed}
   * throws rather than forget an id that could still be replayed.
   *
   * @param clock decides which ids expired; the verifier's clock
   */
  static UsedWarrants inMemory(Clock clock, int capacity) {
    return new InMemoryUsedWarrants(clock, capacity);
  }

  /** {@link #file(Path, Clock)} with the system clock. */
  static UsedWarrants file(Path path) throws IOException {
    return file(path, Clock.systemUTC());
  }

  /**
   * A durable store in {@code path}: one {@code <decisionId> <keepUntilEpochMillis>} line per use,
   * appended and forced to disk before {@link #markUsed} returns true. Opening loads the file
   * (dropping expired ids and a torn last line a crash can leave) and rewrites it; it is rewritten
   * again when it holds many expired lines (to a temporary file, forced, atomically renamed). New
   * files are created with mode 0600 where the file system has POSIX permissions. A lock on {@code
   * path + ".lock"} (kept, never deleted) stops a second process, or a second store in this one,
   * from opening the same file.
   *
   * @param clock decides which ids expired; the verifier's clock
   * @throws IOException if the file cannot be read or written, holds a line that is not of the
   *     format (except a torn last line), or is locked by another store
   */
  static UsedWarrants file(Path path, Clock clock) throws IOException {
    return FileUsedWarrants.open(path, clock, FileUsedWarrants.DEFAULT_COMPACT_AFTER);
  }
}
