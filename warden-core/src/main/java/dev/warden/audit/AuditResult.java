package dev.warden.audit;

import java.util.Locale;
import java.util.Objects;

/**
 * The outcome of auditing a log: {@link Clean}, or {@link Damaged} with the first damage found.
 *
 * <p>{@link #size()} is the number of entries read; {@link #checkpoints()} the number of stored
 * checkpoints whose signature verified with a trusted key.
 */
public sealed interface AuditResult permits AuditResult.Clean, AuditResult.Damaged {

  long size();

  long checkpoints();

  /** Every check passed. */
  record Clean(long size, long checkpoints) implements AuditResult {}

  /**
   * The damage with the lowest index. Where it is reported, by kind: for entry damage ({@link
   * Kind#locatesEntry()}) {@code index} is the first entry index that is (or, when the detail says
   * it could only be bounded, may be) wrong; for {@link Kind#TRUNCATED} the first missing index
   * (the log's current size); for checkpoint damage ({@code FORKED}, {@code BAD_SIGNATURE}, {@code
   * UNKNOWN_KEY}) the tree size of the checkpoint concerned.
   *
   * @param detail one or two sentences for a person: what was found, where, and what was expected
   */
  record Damaged(Kind kind, long index, String detail, long size, long checkpoints)
      implements AuditResult {
    public Damaged {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** What kind of damage. The first eight are SPEC §12's; the last two are Warden's additions. */
  enum Kind {
    /** An entry's bytes changed. */
    MODIFIED,
    /** Entries were removed and the later ones moved down (or an index is missing). */
    DELETED,
    /** Entries were added: between others, or after the last signed checkpoint. */
    INSERTED,
    /** Two entries changed places. */
    REORDERED,
    /** The tail is missing: a trusted or stored signed checkpoint is larger than the log. */
    TRUNCATED,
    /** Two validly signed checkpoints that no single tree can connect. */
    FORKED,
    /**
     * A checkpoint whose signature by a trusted key does not verify, or that is not a well-formed
     * signed checkpoint of the size it is stored under.
     */
    BAD_SIGNATURE,
    /** A checkpoint signed by no trusted key. */
    UNKNOWN_KEY,
    /**
     * An entry that is not in RFC 8785 canonical form, or a row or line that cannot be read: data
     * Warden never writes, even where it still matches the signed checkpoints.
     */
    MALFORMED,
    /**
     * A stored tree node (or the stored head) that disagrees with the tree the entries make, while
     * the entries match the signed checkpoints: proofs served from it would fail.
     */
    NODE_MISMATCH,
    /**
     * A checkpoint signed only by keys revoked as compromised, at or after the compromise time (the
     * {@code ts} of the last entry it covers): it may be forged.
     */
    COMPROMISED_KEY;

    /** The lower-case name used in {@code --json} output. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** True when {@link Damaged#index()} names a checkpoint's tree size rather than an entry. */
    public boolean locatesCheckpoint() {
      return this == FORKED
          || this == BAD_SIGNATURE
          || this == UNKNOWN_KEY
          || this == COMPROMISED_KEY;
    }

    /** True for damage to entries, whose index is an entry index. */
    public boolean locatesEntry() {
      return this == MODIFIED
          || this == DELETED
          || this == INSERTED
          || this == REORDERED
          || this == MALFORMED;
    }
  }
}
