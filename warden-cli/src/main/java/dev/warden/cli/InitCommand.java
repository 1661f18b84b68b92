package dev.warden.cli;

import dev.warden.crypto.KeyFileException;
import dev.warden.crypto.KeyProtection;
import dev.warden.server.DataDir;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Create a data directory with configuration, policy, keys and the first admin token.",
      "",
      "Writes warden.yaml (every setting at its default), policy.yaml (a starter policy),"
          + " keys/ (Ed25519 checkpoint and receipt keys, the parameter HMAC key; mode 0600),"
          + " warden.db, and the first admin token to admin.token (mode 0600, written once)."
          + " Refuses a directory that is not empty.",
      "",
      "The private keys are encrypted (PKCS#8, PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC) with the"
          + " passphrase in WARDEN_KEY_PASSPHRASE_FILE (a file of mode 0600) or"
          + " WARDEN_KEY_PASSPHRASE; warden serve needs the same one."
    })
final class InitCommand implements Callable<Integer> {
  @Mixin DataDirOption data;

  @Mixin StoreOption store;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:8421",
      description = "Address written to warden.yaml (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(
      names = "--insecure-plaintext-keys",
      description =
          "Development only: without a passphrase, write the private keys unencrypted. Serving"
              + " them needs the same switch, warned about and logged at every start.")
  boolean insecurePlaintextKeys;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    KeyProtection keys;
    try {
      keys = KeyProtection.fromEnvironment(Main.env(spec), insecurePlaintextKeys);
    } catch (KeyFileException e) {
      System.err.println("warden: " + e.getMessage());
      return 2;
    }
    DataDir d;
    try {
      d =
          DataDir.init(
              store.apply(data.dataDir()), listen, new SecureRandom(), Clock.systemUTC(), keys);
    } catch (IllegalArgumentException e) {
      System.err.println("warden: --store: " + e.getMessage());
      return 2;
    }
    System.out.println("Initialized Warden in " + d.root());
    System.out.println("  configuration  " + d.config());
    System.out.println("  policy         " + d.policy());
    System.out.println(
        "  keys           "
            + d.keys()
            + "/ (0600, "
            + (keys.writesPlaintext() ? "PLAINTEXT: development only" : "encrypted")
            + ")");
    if (d.store() != null) {
      System.out.println("  state          " + d.storeName());
    }
    System.out.println("  admin token    " + d.adminToken() + " (0600; keep it secret)");
    System.out.println(
        "Next: warden serve --data-dir " + d.root() + (d.store() == null ? "" : " --store URL"));
    return 0;
  }
}
