package dev.warden.cli;

import dev.warden.server.DataDir;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Create a data directory with configuration, policy, keys and the first admin token.",
      "",
      "Writes warden.yaml (every setting at its default), policy.yaml (a starter policy),"
          + " keys/ (Ed25519 checkpoint and receipt keys, the parameter HMAC key; mode 0600),"
          + " warden.db, and the first admin token to admin.token (mode 0600, written once)."
          + " Refuses a directory that is not empty."
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

  @Override
  public Integer call() throws Exception {
    DataDir d;
    try {
      d = DataDir.init(store.apply(data.dataDir()), listen, new SecureRandom(), Clock.systemUTC());
    } catch (IllegalArgumentException e) {
      System.err.println("warden: --store: " + e.getMessage());
      return 2;
    }
    System.out.println("Initialized Warden in " + d.root());
    System.out.println("  configuration  " + d.config());
    System.out.println("  policy         " + d.policy());
    System.out.println("  keys           " + d.keys() + "/ (0600)");
    if (d.store() != null) {
      System.out.println("  state          " + d.storeName());
    }
    System.out.println("  admin token    " + d.adminToken() + " (0600; keep it secret)");
    System.out.println(
        "Next: warden serve --data-dir " + d.root() + (d.store() == null ? "" : " --store URL"));
    return 0;
  }
}
