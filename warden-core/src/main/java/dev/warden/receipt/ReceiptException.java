package dev.warden.receipt;

import static java.util.Objects.requireNonNull;

/**
 * A receipt, JWS or JWKS was refused. The reason says which check failed and the message what and
 * where; neither ever holds key material.
 */
public final class ReceiptException extends Exception {

  /** Which check failed, in the order {@link ReceiptVerifier} runs them. */
  public enum Reason {
    /**
     * Not well-formed: the receipt document, a field, the JWS (including a header with an {@code
     * alg} other than {@code EdDSA}), the JWKS, the checkpoint note or the tlog proof.
     */
    MALFORMED,
    /**
     * The entry is not the byte string whose leaf hash the log holds: not strict JSON, not an
     * object, or not in RFC 8785 canonical form.
     */
    ENTRY_HASH,
    /** A signature on the checkpoint by a trusted log key does not verify. */
    CHECKPOINT_SIGNATURE,
    /** The checkpoint is signed by no trusted log key named as its origin. */
    UNKNOWN_KEY,
    /** The checkpoint's tree size is not the receipt's {@code tree_size}. */
    TREE_SIZE,
    /** The inclusion proof does not lead from the entry's leaf hash to the checkpoint's root. */
    INCLUSION,
    /** The tlog proof does not hold the same index, hashes and checkpoint as the receipt. */
    TLOG_PROOF,
    /** The JWS {@code kid} is not in the JWKS. */
    JWS_UNKNOWN_KEY,
    /** The JWS signature does not verify with the key its {@code kid} names. */
    JWS_SIGNATURE,
    /**
     * The JWS payload is not the entry with {@code log_index} = the leaf index and {@code
     * log_origin} = the checkpoint's origin added, in canonical form.
     */
    BINDING,
    /**
     * The JWS or the checkpoint is signed by a key revoked as compromised, at or after the time
     * from which it is compromised (the entry's {@code ts}): it may be forged.
     */
    KEY_COMPROMISED
  }

  private final Reason reason;

  public ReceiptException(Reason reason, String message) {
    // Refusals of untrusted receipts are routine; the message says what failed.
    super(requireNonNull(message, "message"), null, false, false);
    this.reason = requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }

  static ReceiptException malformed(String message) {
    return new ReceiptException(Reason.MALFORMED, message);
  }
}
