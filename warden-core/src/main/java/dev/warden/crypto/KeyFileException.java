package dev.warden.crypto;

import java.io.IOException;

/**
 * A private key file cannot be used: no passphrase, a wrong one, a plaintext file where an
 * encrypted one is required, or a file that is not a key Warden reads. The message says what to fix
 * and never holds key material or which bytes failed.
 */
public final class KeyFileException extends IOException {
  /** What is wrong. */
  public enum Reason {
    /** No passphrase was given but the keys are (or must be) encrypted. */
    NO_PASSPHRASE,
    /** The passphrase does not decrypt the file (or the file was altered). */
    WRONG_PASSPHRASE,
    /** The file is a plaintext key and plaintext keys were not allowed. */
    PLAINTEXT,
    /** The file is not a key Warden reads, or uses an algorithm it does not. */
    MALFORMED,
    /** The passphrase source itself is unusable (both variables set, empty, too short). */
    BAD_PASSPHRASE
  }

  private final Reason reason;

  public KeyFileException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
