package dev.warden.client.warrant;

import static java.util.Objects.requireNonNull;

/**
 * A warrant was refused: the executor must not act. The reason says which check failed and the
 * message what; neither holds key material, and the message quotes at most a short, bounded part of
 * the input.
 */
public final class WarrantException extends Exception {

  /** Which check failed, in the order {@link WarrantVerifier#verify} runs them. */
  public enum Reason {
    /**
     * Not well-formed: the compact JWS (parts, base64url, header members, {@code typ}, {@code
     * crit}), the payload (strict JSON object with the decision entry's fields), or a JWKS.
     */
    MALFORMED,
    /**
     * The JWS header's {@code alg} is not exactly {@code EdDSA} (missing, {@code none}, HS256…).
     */
    BAD_ALGORITHM,
    /** The JWS {@code kid} names no key of the JWKS. */
    UNKNOWN_KEY,
    /** The Ed25519 signature does not verify with the key the {@code kid} names. */
    BAD_SIGNATURE,
    /** The signed entry is not a {@code decision} entry (a refusal, for example). */
    NOT_A_DECISION,
    /** The decision is not {@code allow} ({@code deny} or {@code pending}). */
    NOT_ALLOWED,
    /**
     * The request body is not the request Warden decided: its canonical digest differs from {@code
     * request_digest}, or it is not strict JSON and so has no canonical form.
     */
    DIGEST_MISMATCH,
    /** The decision has no {@code expires}: without an end of validity it is not a warrant. */
    NO_EXPIRY,
    /** Now is later than {@code expires} plus the allowed clock skew. */
    EXPIRED,
    /** The decision's {@code ts} is later than now plus the allowed clock skew. */
    NOT_YET_VALID,
    /** This warrant's decision id was already used at this executor. */
    ALREADY_USED
  }

  private final Reason reason;

  /**
   * @param reason which check failed
   * @param message what failed, for a log line
   */
  public WarrantException(Reason reason, String message) {
    // Refusals of untrusted warrants are routine; the message says what failed, a stack does not.
    super(requireNonNull(message, "message"), null, false, false);
    this.reason = requireNonNull(reason, "reason");
  }

  /** Which check failed. */
  public Reason reason() {
    return reason;
  }

  static WarrantException malformed(String message) {
    return new WarrantException(Reason.MALFORMED, message);
  }
}
