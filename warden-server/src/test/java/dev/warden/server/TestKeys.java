package dev.warden.server;

import dev.warden.crypto.KeyFileException;
import dev.warden.crypto.KeyPassphrase;
import dev.warden.crypto.KeyProtection;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The key passphrase of test data directories, given through an injected environment (the process
 * environment is never changed), and a protection with few PBKDF2 iterations so the many servers
 * tests start do not each spend a second deriving keys.
 */
public final class TestKeys {
  static final String PASSPHRASE = "test passphrase, not a secret";

  static final Map<String, String> ENV_MAP = Map.of(KeyPassphrase.ENV, PASSPHRASE);

  public static final Function<String, @Nullable String> ENV = ENV_MAP::get;

  public static final KeyProtection PROTECTION;

  static {
    try {
      PROTECTION = KeyProtection.passphrase(KeyPassphrase.of(PASSPHRASE)).withIterations(1_000);
    } catch (KeyFileException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private TestKeys() {}
}
