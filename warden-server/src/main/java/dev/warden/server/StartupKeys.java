package dev.warden.server;

import dev.warden.crypto.KeyProtection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warden's keys as a start needs them: an interrupted rotation's {@code .new} files removed, the
 * keys unlocked (from their files or their token), the public keyring reconciled with them and
 * saved, and the start refused while an active key is revoked as compromised.
 */
final class StartupKeys {
  private static final Logger log = LoggerFactory.getLogger(StartupKeys.class);

  private StartupKeys() {}

  /** The unlocked keys (the caller closes them) and the keyring that records them. */
  record Loaded(DataDir.Keys keys, Keyring keyring) {}

  static Loaded load(DataDir dir, ServerConfig cfg, KeyProtection protection, Clock clock)
      throws WardenServer.StartupException {
    DataDir.Keys keys;
    try {
      for (Path p : List.of(dir.checkpointKey(), dir.receiptKey(), dir.paramsHmacKey())) {
        Path stale = p.resolveSibling(p.getFileName() + ".new");
        if (Files.deleteIfExists(stale)) {
          log.warn("removed {}: a key rotation was interrupted before it took effect", stale);
        }
      }
      keys = dir.loadKeys(protection, cfg.keys());
    } catch (IOException e) {
      throw unusable(e);
    }
    try {
      Keyring keyring = Keyring.loadOrEmpty(dir.keyring()).reconcile(keys, clock.instant());
      List<Keyring.Key> revoked = keyring.compromisedActive();
      if (!revoked.isEmpty()) {
        Keyring.Key k = revoked.get(0);
        keys.close();
        throw new WardenServer.StartupException(
            "the active "
                + k.which().wire()
                + " key "
                + k.id()
                + " was revoked as compromised since "
                + k.compromisedSince()
                + "; replace it before starting: warden keys rotate --offline --which "
                + k.which().wire()
                + " --data-dir "
                + dir.root());
      }
      keyring.save(dir.keyring());
      return new Loaded(keys, keyring);
    } catch (IOException e) {
      keys.close();
      throw unusable(e);
    } catch (RuntimeException e) {
      keys.close();
      throw e;
    }
  }

  private static WardenServer.StartupException unusable(IOException e) {
    return new WardenServer.StartupException("cannot use Warden's keys: " + e.getMessage(), e);
  }
}
