package dev.warden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.crypto.Ed25519KeyPair;
import dev.warden.crypto.EncryptedPkcs8;
import dev.warden.crypto.HmacKey;
import dev.warden.crypto.KeyFileException;
import dev.warden.crypto.KeyFiles;
import dev.warden.crypto.KeyProtection;
import dev.warden.server.DataDir;
import dev.warden.server.KeyManager;
import dev.warden.server.KeySources;
import dev.warden.server.Keyring;
import dev.warden.server.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code warden keys list|rotate|revoke|encrypt|passphrase}: Warden's own keys (SPEC §14). */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Warden's own keys: the checkpoint key, the receipt key, the params HMAC key.",
    subcommands = {
      KeysCommand.ListKeys.class,
      KeysCommand.Rotate.class,
      KeysCommand.Revoke.class,
      KeysCommand.Encrypt.class,
      KeysPassphraseCommand.class
    })
final class KeysCommand {
  private KeysCommand() {}

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "List every key of the data directory, active and retired, from keys/keyring.json (no"
              + " passphrase needed; works with the server stopped).")
  static final class ListKeys implements Callable<Integer> {
    @Mixin DataDirOption data;

    @Override
    public Integer call() throws Exception {
      DataDir d = data.dataDir();
      if (!Files.isRegularFile(d.keyring())) {
        System.err.println(
            "warden: "
                + d.keyring()
                + " does not exist; it is written by warden init and at every start");
        return 2;
      }
      Keyring k = Keyring.load(d.keyring());
      System.out.printf("%-10s %-44s %-8s %s%n", "WHICH", "ID", "STATE", "SINCE");
      for (Keyring.Key key : k.keys()) {
        System.out.printf(
            "%-10s %-44s %-8s %s%s%n",
            key.which().wire(),
            key.id(),
            key.active() ? "active" : "retired",
            key.activated() == null ? "-" : key.activated(),
            key.compromisedSince() == null ? "" : "  COMPROMISED since " + key.compromisedSince());
      }
      return 0;
    }
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = {
        "Make a new key active on the running server, at once (or, with --offline, on a stopped"
            + " data directory; that needs the key passphrase). The rotation is a 'key' log entry"
            + " signed under the old checkpoint key before the new key signs anything; old"
            + " public keys stay published (jwks.json, log-key), so old receipts and checkpoints"
            + " keep verifying. A rotated HMAC key is kept (encrypted) under keys/retired/.",
        "Exit 0 rotated, 1 refused by the server, 2 usage or I/O error."
      })
  static final class Rotate extends ServerOptions implements Callable<Integer> {
    @Option(
        names = "--which",
        required = true,
        paramLabel = "checkpoint|receipt|hmac",
        description = "Which key to rotate.")
    String which;

    @Option(
        names = "--offline",
        description =
            "Rotate on a stopped data directory (with WARDEN_KEY_PASSPHRASE_FILE or"
                + " WARDEN_KEY_PASSPHRASE set) instead of through the running server.")
    boolean offline;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (offline) {
        return offline();
      }
      ObjectNode body = AdminClient.JSON.createObjectNode().put("which", which);
      AdminClient.Reply r = client().call("POST", "/v1/admin/keys/rotate", body);
      if (!r.ok()) {
        System.err.println("warden: " + r.problem());
        return 1;
      }
      JsonNode b = r.body();
      System.out.println(
          "Rotated the "
              + b.path("which").asText()
              + " key: "
              + b.path("old_key").asText()
              + " -> "
              + b.path("new_key").asText());
      if (b.has("new_vkey")) {
        System.out.println("  new vkey: " + b.path("new_vkey").asText());
      }
      return 0;
    }

    private int offline() {
      DataDir d = data.dataDir();
      try {
        Keyring.Which w = Keyring.Which.fromWire(which);
        KeyProtection protection = KeyProtection.fromEnvironment(Main.env(spec), false);
        KeyManager.Rotated r =
            KeyManager.rotateOffline(
                d,
                ServerConfig.load(d),
                protection,
                w,
                "offline:" + System.getProperty("user.name"),
                Clock.systemUTC(),
                new SecureRandom());
        System.out.println(
            "Rotated the " + w.wire() + " key: " + r.oldId() + " -> " + r.newId() + " (offline)");
        if (r.details().containsKey("new_vkey")) {
          System.out.println("  new vkey: " + r.details().get("new_vkey"));
        }
        return 0;
      } catch (IllegalArgumentException | IOException e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        System.err.println(
            "warden: "
                + msg
                + (msg.contains("in use by")
                    ? " (a server is running on it: rotate without --offline)"
                    : ""));
        return 2;
      }
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = {
        "Mark a retired receipt or checkpoint key as compromised since a time, on the running"
            + " server: a 'key' log entry, and the published key sets carry the time. Receipts and"
            + " checkpoints that key signed from then on fail verification (compromised); older"
            + " ones verify with a warning. Rotate an active key first.",
        "Exit 0 revoked, 1 refused by the server, 2 usage or I/O error."
      })
  static final class Revoke extends ServerOptions implements Callable<Integer> {
    @Option(
        names = "--which",
        required = true,
        paramLabel = "receipt|checkpoint",
        description = "Which kind of key.")
    String which;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "KID",
        description =
            "The key id (warden keys list); for a checkpoint key also its vkey or 8-hex key ID.")
    String key;

    @Option(
        names = "--compromised-since",
        required = true,
        paramLabel = "RFC3339",
        description = "From when the key must not be trusted, e.g. 2026-11-21T10:00:00Z.")
    String since;

    @Override
    public Integer call() throws Exception {
      try {
        Instant.parse(since);
      } catch (DateTimeParseException e) {
        System.err.println(
            "warden: --compromised-since must be an RFC 3339 UTC time like 2026-11-21T10:00:00Z");
        return 2;
      }
      ObjectNode body =
          AdminClient.JSON
              .createObjectNode()
              .put("which", which)
              .put("key", key)
              .put("compromised_since", since);
      AdminClient.Reply r = client().call("POST", "/v1/admin/keys/revoke", body);
      if (!r.ok()) {
        System.err.println("warden: " + r.problem());
        return 1;
      }
      System.out.println(
          "Revoked the "
              + which
              + " key "
              + r.body().path("id").asText()
              + " as compromised since "
              + r.body().path("compromised_since").asText());
      return 0;
    }
  }

  @Command(
      name = "encrypt",
      mixinStandardHelpOptions = true,
      description = {
        "Encrypt a data directory's plaintext private keys in place with the passphrase in"
            + " WARDEN_KEY_PASSPHRASE_FILE or WARDEN_KEY_PASSPHRASE (the migration for data"
            + " directories made before keys were encrypted, or with --insecure-plaintext-keys)."
            + " Keys already encrypted are left alone. Stop the server first.",
        "Exit 0 done, 2 usage or I/O error."
      })
  static final class Encrypt implements Callable<Integer> {
    @Mixin DataDirOption data;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      DataDir d = data.dataDir();
      KeyProtection protection;
      KeySources sources;
      try {
        protection = KeyProtection.fromEnvironment(Main.env(spec), false);
        d.checkKeysDir();
        sources = ServerConfig.load(d).keys();
      } catch (IOException e) {
        System.err.println("warden: " + e.getMessage());
        return 2;
      }
      SecureRandom random = new SecureRandom();
      List<Path> files = new ArrayList<>(d.keyFiles(sources));
      for (Path f : List.of(d.checkpointKey(), d.receiptKey())) {
        if (files.contains(f)) {
          continue;
        }
        if (Files.exists(f)) {
          files.add(f); // a key configured for a token whose file is still here: still a secret
        } else {
          System.out.println("  " + f + ": none, the key is in a PKCS#11 token");
        }
      }
      for (Path f : files) {
        try {
          String text = new String(KeyFiles.readChecked(f), StandardCharsets.US_ASCII);
          if (EncryptedPkcs8.isEncrypted(text)) {
            System.out.println("  " + f + ": already encrypted");
            continue;
          }
          byte[] der = plaintextDer(f, d, text);
          Path tmp = f.resolveSibling(f.getFileName() + ".encrypting");
          Files.deleteIfExists(tmp);
          KeyFiles.writeNew(tmp, protection.seal(der, random));
          Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          System.out.println("  " + f + ": encrypted");
        } catch (IOException | IllegalArgumentException e) {
          System.err.println("warden: " + f + ": " + e.getMessage());
          return 2;
        }
      }
      try {
        // The public keyring (what audit verify trusts offline), for a directory from before it.
        try (DataDir.Keys keys = d.loadKeys(protection, sources)) {
          Keyring.ensure(d, keys, Clock.systemUTC().instant());
        }
      } catch (IOException e) {
        System.err.println("warden: the keys are encrypted but do not load: " + e.getMessage());
        return 2;
      }
      System.out.println("The keys of " + d.root() + " are encrypted.");
      return 0;
    }

    /** The PKCS#8 DER of a plaintext key file, checked to be a key Warden reads. */
    private static byte[] plaintextDer(Path f, DataDir d, String text) throws KeyFileException {
      boolean ed25519 = f.equals(d.checkpointKey()) || f.equals(d.receiptKey());
      if (ed25519) {
        byte[] der = KeyProtection.decodePlain(text, f.toString());
        Ed25519KeyPair.fromPkcs8Der(der); // throws if it is not an Ed25519 key
        return der;
      }
      String t = text.strip();
      if (t.startsWith("-----BEGIN")) {
        byte[] der = KeyProtection.decodePlain(t, f.toString());
        HmacKey.fromPkcs8Der(der);
        return der;
      }
      // The base64 form warden init wrote before keys were PKCS#8.
      return HmacKey.of(Base64.getDecoder().decode(t)).toPkcs8Der();
    }
  }
}
