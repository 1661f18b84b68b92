package dev.warden.server.pkcs11;

/**
 * A Cryptoki call failed, or the token is not as Warden needs it. The message names the token or
 * the function and the {@code CKR_} value, never a PIN.
 */
public final class Pkcs11Exception extends Exception {
  private final long rv;

  Pkcs11Exception(String message) {
    super(message);
    this.rv = -1;
  }

  Pkcs11Exception(String function, long rv) {
    super(function + " failed: " + Ck.name(rv));
    this.rv = rv;
  }

  /** The {@code CKR_} value, or -1 if no Cryptoki call returned this error. */
  long rv() {
    return rv;
  }
}
