package dev.warden.server.doctor;

import dev.warden.crypto.KeyFileException;
import dev.warden.crypto.KeyProtection;
import dev.warden.policy.PolicyException;
import dev.warden.policy.PolicyLoader;
import dev.warden.server.DataDir;
import dev.warden.server.KeySources;
import dev.warden.server.ServerConfig;
import dev.warden.server.http.HealthApi;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@code warden doctor}: checks a data directory the way an operator would before trusting it —
 * configuration and policy, TLS certificates, key files (modes, owner, encryption), that the keys
 * unlock and sign, the database's integrity and its log against the latest signed checkpoint, the
 * clock, and disk space. With a server running on the directory, the database is its to hold: the
 * server's own {@code /readyz} is asked instead. Each problem comes with its fix.
 */
public final class Doctor {
  private final DataDir dir;
  private final Function<String, @Nullable String> env;
  private final Clock clock;
  private final List<Finding> findings = new ArrayList<>();

  private Doctor(DataDir dir, Function<String, @Nullable String> env, Clock clock) {
    this.dir = dir;
    this.env = env;
    this.clock = clock;
  }

  /**
   * Runs every check on {@code dir}.
   *
   * @param env the environment, for the key passphrase ({@code WARDEN_KEY_PASSPHRASE[_FILE]});
   *     without one the keys' encryption is checked but they are not unlocked
   */
  public static List<Finding> examine(
      DataDir dir, Function<String, @Nullable String> env, Clock clock) {
    Doctor d = new Doctor(dir, env, clock);
    d.run();
    return List.copyOf(d.findings);
  }

  private void run() {
    if (!Files.isRegularFile(dir.config())) {
      add(
          Finding.fail(
              "data_dir",
              dir.root()
                  + " is not a Warden data directory (no warden.yaml); create one with: warden"
                  + " init --data-dir "
                  + dir.root()));
      return;
    }
    dataDirMode();
    ServerConfig cfg = config();
    if (cfg != null) {
      policy(cfg);
      findings.addAll(TlsChecks.check(cfg, clock));
    }
    KeyChecks keys = new KeyChecks(dir, cfg == null ? KeySources.FILES : cfg.keys(), findings);
    keys.files();
    keys.unlock(protection());
    StoreChecks.check(dir, keys.logKeys(cfg), clock, findings);
    disk();
  }

  private void add(Finding f) {
    findings.add(f);
  }

  /** The data directory holds the database and configuration: nobody else may write into it. */
  private void dataDirMode() {
    try {
      Set<PosixFilePermission> perms =
          Files.getPosixFilePermissions(dir.root(), LinkOption.NOFOLLOW_LINKS);
      if (perms.contains(PosixFilePermission.GROUP_WRITE)
          || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
        add(
            Finding.fail(
                "data_dir",
                dir.root()
                    + " has mode "
                    + PosixFilePermissions.toString(perms)
                    + ": others can replace its configuration or database; run chmod 700 "
                    + dir.root()));
      } else {
        add(Finding.ok("data_dir", dir.root() + " (" + PosixFilePermissions.toString(perms) + ")"));
      }
    } catch (IOException e) {
      add(Finding.fail("data_dir", "cannot read the mode of " + dir.root() + ": " + e));
    }
  }

  private @Nullable ServerConfig config() {
    try {
      ServerConfig cfg = ServerConfig.load(dir);
      if (cfg.loopback()) {
        add(
            Finding.ok(
                "config", dir.config() + " loads; listens on " + cfg.host() + ":" + cfg.port()));
      } else {
        add(
            Finding.warn(
                "config",
                "listens on "
                    + cfg.host()
                    + ":"
                    + cfg.port()
                    + ", not a loopback address: 'warden serve' needs --allow-public-bind"
                    + (cfg.tls() ? "" : " and TLS (tls.cert, tls.key) or --behind-tls-proxy")));
      }
      return cfg;
    } catch (IOException | RuntimeException e) {
      add(Finding.fail("config", message(e) + " (in " + dir.config() + ")"));
      return null;
    }
  }

  private void policy(ServerConfig cfg) {
    try {
      PolicyLoader.load(Files.readString(cfg.policyFile()));
      add(Finding.ok("policy", cfg.policyFile() + " loads and passes its checks"));
    } catch (IOException e) {
      add(Finding.fail("policy", "cannot read " + cfg.policyFile() + ": " + e.getMessage()));
    } catch (PolicyException e) {
      add(
          Finding.fail(
              "policy",
              cfg.policyFile()
                  + " is invalid: "
                  + e.getMessage()
                  + "; 'warden policy check "
                  + cfg.policyFile()
                  + "' shows every problem"));
    }
  }

  private @Nullable KeyProtection protection() {
    try {
      return KeyProtection.fromEnvironment(env, false);
    } catch (KeyFileException e) {
      if (e.reason() == KeyFileException.Reason.NO_PASSPHRASE) {
        add(
            Finding.warn(
                "keys.unlock",
                "not checked: no key passphrase in the environment, so the keys were not unlocked"
                    + " and the signer not tried; set WARDEN_KEY_PASSPHRASE_FILE as for 'warden"
                    + " serve' to check them"));
      } else {
        add(Finding.fail("keys.unlock", e.getMessage()));
      }
      return null;
    }
  }

  private void disk() {
    try {
      FileStore fs = Files.getFileStore(dir.root());
      long free = fs.getUsableSpace();
      long threshold = HealthApi.minFreeBytes(fs);
      String amount = (free >> 20) + " MiB free on " + fs;
      if (free < threshold) {
        add(
            Finding.fail(
                "disk",
                amount
                    + ", below the "
                    + (threshold >> 20)
                    + " MiB Warden needs to be ready; free space or move the data directory"));
      } else {
        add(Finding.ok("disk", amount));
      }
    } catch (IOException e) {
      add(Finding.fail("disk", "cannot read the free space of " + dir.root() + ": " + e));
    }
  }

  static String message(Exception e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
