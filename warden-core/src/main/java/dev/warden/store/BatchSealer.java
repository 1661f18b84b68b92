package dev.warden.store;

/**
 * Turns pending entries into a {@link SealedBatch} once the store has locked the log head: assigns
 * indexes from {@code head.size()} and computes the new head state. Called inside the store's
 * transaction, so it must be quick and must not call the store.
 */
@FunctionalInterface
public interface BatchSealer {
  SealedBatch seal(LogHead head);
}
