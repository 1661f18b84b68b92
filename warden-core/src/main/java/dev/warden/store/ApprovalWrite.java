package dev.warden.store;

import java.util.Objects;

/** An {@link ApprovalChange} and the log index of the entry that records it. */
public record ApprovalWrite(long index, ApprovalChange change) {
  public ApprovalWrite {
    Objects.requireNonNull(change, "change");
    if (index < 0) {
      throw new IllegalArgumentException("index < 0");
    }
  }
}
