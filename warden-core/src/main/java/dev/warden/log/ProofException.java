package dev.warden.log;

import static java.util.Objects.requireNonNull;

/**
 * A Merkle inclusion or consistency proof (RFC 9162 §2.1.3.2, §2.1.4.2) did not verify. The message
 * says which check failed; it holds sizes and indexes, never key material.
 */
public final class ProofException extends Exception {

  /** Why a proof was refused. */
  public enum Reason {
    /** A hash is not 32 bytes, or a size or index is negative. */
    MALFORMED,
    /** The index is not below the tree size, or the first size is above the second. */
    OUT_OF_RANGE,
    /** The proof has more or fewer hashes than the sizes and index call for. */
    WRONG_PROOF_LENGTH,
    /** The proof recomputes a root other than the one given (or a first root other than it). */
    ROOT_MISMATCH
  }

  private final Reason reason;

  public ProofException(Reason reason, String message) {
    // Refusals of untrusted proofs are routine; the message says what failed.
    super(requireNonNull(message, "message"), null, false, false);
    this.reason = requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
