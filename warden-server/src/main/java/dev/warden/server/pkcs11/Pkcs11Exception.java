package dev.warden.server.pkcs11;

/**
 * A Cryptoki call failed, or the token is not as Warden needs it. The message names the token or
 * the function and the {@code CKR_} value, never a PIN.
 */
public final class Pkcs11Exception extends Exception {
  Pkcs11Exception(String message) {
    super(message);
  }

  Pkcs11Exception(String function, long rv) {
    super(function + " failed: " + Ck.name(rv));
  }
}
