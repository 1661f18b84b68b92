package dev.warden.httpsig;

import static java.util.Objects.requireNonNull;

/**
 * A request's signature, its signature headers or its body digest were refused. The message is fit
 * to show the client that sent the request: it names what failed and where, and never contains key
 * material.
 */
public final class SignatureException extends Exception {

  /** Why a request was refused; each maps to one error code of the HTTP API. */
  public enum Reason {
    /** Neither {@code Signature-Input} nor {@code Signature} is present. */
    MISSING_SIGNATURE,
    /** Signature headers, their parameters or a covered component are malformed or absent. */
    MALFORMED_SIGNATURE,
    /** The signature does not verify over the signature base. */
    BAD_SIGNATURE,
    /** {@code Content-Digest} does not match the body, or carries no accepted algorithm. */
    DIGEST_MISMATCH
  }

  private final Reason reason;

  public SignatureException(Reason reason, String message) {
    // No stack trace: this exception reports bad input from the network, where the message says
    // what and where, and filling in a stack costs more than parsing the headers did (a flood
    // of malformed requests should stay cheap).
    super(requireNonNull(message, "message"), null, false, false);
    this.reason = requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }

  static SignatureException malformed(String message) {
    return new SignatureException(Reason.MALFORMED_SIGNATURE, message);
  }
}
