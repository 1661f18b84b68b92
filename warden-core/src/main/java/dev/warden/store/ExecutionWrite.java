package dev.warden.store;

import java.util.Objects;

/** An {@link ExecutionChange} and the log index of the entry that records it. */
public record ExecutionWrite(long index, ExecutionChange change) {
  public ExecutionWrite {
    Objects.requireNonNull(change, "change");
    if (index < 0) {
      throw new IllegalArgumentException("index < 0");
    }
  }
}
