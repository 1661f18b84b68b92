package dev.warden.note;

import static java.util.Objects.requireNonNull;

/**
 * A signed note, checkpoint or tlog proof was refused. The message says what failed and where (a
 * line or offset, a key name and ID); it never holds key material.
 */
public final class NoteException extends Exception {

  /** Why a note was refused. */
  public enum Reason {
    /** Not a well-formed note, checkpoint or proof (c2sp.org/signed-note §Format, and so on). */
    MALFORMED,
    /**
     * No signature of a trusted key: every signature is by a key the verifier does not know, or the
     * checkpoint's trusted signature is not by a key named as its origin.
     */
    UNKNOWN_KEY,
    /** A signature by a trusted key (same name and key ID) does not verify. */
    BAD_SIGNATURE
  }

  private final Reason reason;

  public NoteException(Reason reason, String message) {
    // Refusals of untrusted input are routine; the message says what and where.
    super(requireNonNull(message, "message"), null, false, false);
    this.reason = requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }

  static NoteException malformed(String message) {
    return new NoteException(Reason.MALFORMED, message);
  }
}
