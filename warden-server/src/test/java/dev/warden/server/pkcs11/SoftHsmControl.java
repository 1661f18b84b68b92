package dev.warden.server.pkcs11;

import java.nio.charset.StandardCharsets;

/**
 * Breaks and mends the test token as an operator or a fault would: {@link #lockOut} changes the
 * user PIN and logs out (every session of this process on the token loses its login, and the PIN
 * Warden knows no longer works), {@link #restore} puts the PIN back.
 */
public final class SoftHsmControl {
  private static final byte[] PIN = SoftHsm.PIN.getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER = "changed-pin".getBytes(StandardCharsets.UTF_8);

  private SoftHsmControl() {}

  public static synchronized void lockOut() throws Pkcs11Exception {
    change(PIN, OTHER);
  }

  public static synchronized void restore() throws Pkcs11Exception {
    change(OTHER, PIN);
  }

  /** Logs this process out of the token, PIN unchanged. */
  public static synchronized void logout() throws Pkcs11Exception {
    change(PIN, PIN);
  }

  private static void change(byte[] from, byte[] to) throws Pkcs11Exception {
    Pkcs11Library lib = Pkcs11Library.load(SoftHsm.LIBRARY);
    try (Session s = lib.open(lib.slot(SoftHsm.TOKEN))) {
      s.login(from);
      if (from != to) {
        s.setPin(from, to);
      }
      s.logout();
    }
  }
}
