package dev.warden.store;

import java.util.Objects;

/**
 * A signed checkpoint as stored: the tree size it commits to and the complete C2SP signed note. One
 * is written with every batch, in the same transaction.
 */
public record StoredCheckpoint(long size, String note) {
  public StoredCheckpoint {
    if (size < 0) {
      throw new IllegalArgumentException("size < 0");
    }
    Objects.requireNonNull(note, "note");
  }
}
