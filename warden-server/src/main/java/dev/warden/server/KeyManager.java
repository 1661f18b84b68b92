package dev.warden.server;

import dev.warden.crypto.Ed25519KeyPair;
import dev.warden.crypto.Ed25519Signer;
import dev.warden.crypto.HmacKey;
import dev.warden.crypto.KeyFiles;
import dev.warden.crypto.KeyProtection;
import dev.warden.error.RequestRejected;
import dev.warden.log.Entries;
import dev.warden.log.GroupCommitLog;
import dev.warden.log.PendingEntry;
import dev.warden.note.LogKeys;
import dev.warden.note.NoteVerifierKey;
import dev.warden.receipt.Jwk;
import dev.warden.receipt.ReceiptIssuer;
import dev.warden.server.Keyring.Which;
import dev.warden.server.adapter.AdapterConfigException;
import dev.warden.server.pkcs11.Pkcs11Exception;
import dev.warden.server.pkcs11.TokenKey;
import dev.warden.server.pkcs11.TokenSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Rotates and revokes Warden's own keys on a running server (SPEC §14), and publishes every key's
 * public part. One change at a time.
 *
 * <p>A rotation: the new key is generated and written beside the old one ({@code <name>.new},
 * sealed like the others); a {@code key} entry naming the old and new key is appended and made
 * durable — its batch's checkpoint is signed by the old checkpoint key, before the new key has
 * signed anything; the new file replaces the old one (a retired HMAC key is kept under {@code
 * keys/retired/}, an Ed25519 private key is gone); the keyring records the change; the published
 * sets list the new key; and only then does the new key sign. A crash between the steps leaves the
 * old key active (a stale {@code .new} file is removed at the next start) or the new key active and
 * the keyring behind (reconciled at the next start).
 *
 * <p>A key configured in a PKCS#11 token ({@link KeySources}) is rotated the same way, except that
 * the new key pair is generated in the token, under the same label (the keyring says which of them
 * is active), and removed from it again if the log entry cannot be written; the old key pair stays
 * in the token, retired, and a key file left from before is deleted.
 */
public final class KeyManager {
  private final DataDir dir;
  private final String origin;
  private final KeyProtection protection;
  private final KeySources sources;
  private final LogSigner logSigner;
  private final ReceiptIssuer receipts;
  private final Entries entries;
  private final GroupCommitLog log;
  private final Clock clock;
  private final SecureRandom random;
  private volatile Keyring keyring;
  private volatile String jwksJson;
  private volatile String logKeysText;

  KeyManager(
      DataDir dir,
      String origin,
      KeyProtection protection,
      KeySources sources,
      Keyring keyring,
      LogSigner logSigner,
      ReceiptIssuer receipts,
      Entries entries,
      GroupCommitLog log,
      Clock clock,
      SecureRandom random) {
    this.dir = dir;
    this.origin = origin;
    this.protection = protection;
    this.sources = sources;
    this.logSigner = logSigner;
    this.receipts = receipts;
    this.entries = entries;
    this.log = log;
    this.clock = clock;
    this.random = random;
    publish(keyring);
  }

  /** {@code /.well-known/warden/jwks.json}: every receipt key. */
  public String jwks() {
    return jwksJson;
  }

  /** {@code /.well-known/warden/log-key}: every checkpoint key, in the {@link LogKeys} format. */
  public String logKeys() {
    return logKeysText;
  }

  public Keyring keyring() {
    return keyring;
  }

  /** What a rotation did: the old and new key ids (and vkeys for a checkpoint key). */
  public record Rotated(Which which, String oldId, String newId, Map<String, String> details) {}

  /**
   * Replaces the active key of {@code which} with a new one.
   *
   * @param operator the operator's subject, for the log
   * @throws RequestRejected if the log cannot be written (nothing changed then)
   * @throws IOException if a key file cannot be written
   */
  public synchronized Rotated rotate(Which which, String operator)
      throws RequestRejected, IOException {
    Path active = file(which);
    Path fresh = active.resolveSibling(active.getFileName() + ".new");
    Files.deleteIfExists(fresh);
    Map<String, String> details = new LinkedHashMap<>();
    Instant now = clock.instant();
    Keyring next;
    Runnable activate;
    @Nullable TokenSigner madeInToken = null;
    String oldId = keyring.active(which).map(Keyring.Key::id).orElse("");
    String newId;
    switch (which) {
      case CHECKPOINT, RECEIPT -> {
        TokenKey token = sources.of(which);
        Ed25519Signer key;
        if (token == null) {
          Ed25519KeyPair pair = Ed25519KeyPair.generate(random);
          KeyFiles.writeNew(fresh, protection.seal(pair.toPkcs8Der(), random));
          key = pair;
        } else {
          // A new key pair in the token, beside the old one under the same label; the keyring
          // says which is active, so a restart picks the new one.
          madeInToken = generateInToken(which, token);
          key = madeInToken;
        }
        newId = Jwk.thumbprint(key.publicKey());
        if (which == Which.CHECKPOINT) {
          details.put("old_vkey", logSigner.vkey());
          details.put("new_vkey", NoteVerifierKey.of(origin, key.publicKey()).format());
          activate = () -> logSigner.activate(key);
        } else {
          details.put(
              "new_public_key", java.util.Base64.getEncoder().encodeToString(key.publicKey()));
          activate = () -> receipts.activate(key);
        }
        next = keyring.add(which, key.publicKey(), now);
      }
      case HMAC -> {
        HmacKey key = HmacKey.generate(random);
        KeyFiles.writeNew(fresh, protection.seal(key.toPkcs8Der(), random));
        newId = key.id();
        activate = () -> entries.activateParamsKey(key);
        next = keyring.addHmac(newId, now);
      }
      default -> throw new IllegalStateException();
    }
    Map<String, String> logged = new LinkedHashMap<>();
    logged.put("old_key", oldId);
    logged.put("new_key", newId);
    logged.putAll(details);
    try {
      log.append(PendingEntry.of(entries.key(now, operator, "rotate", which.wire(), logged)));
    } catch (RequestRejected e) {
      Files.deleteIfExists(fresh);
      if (madeInToken != null) {
        destroyQuietly(madeInToken);
      }
      throw e;
    }
    if (which == Which.HMAC) {
      if (!Files.isDirectory(dir.retiredKeys())) {
        Files.createDirectory(
            dir.retiredKeys(),
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
      }
      Files.copy(
          active, dir.retiredKeys().resolve(oldId + ".key"), StandardCopyOption.COPY_ATTRIBUTES);
    }
    if (Files.exists(fresh)) {
      Files.move(
          fresh, active, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } else {
      // The new key is in the token: a key file left from before the key moved there is retired.
      Files.deleteIfExists(active);
    }
    // A superseded token signer is left open: a receipt may still be being signed with it.
    next.save(dir.keyring());
    publish(next); // published before the new key signs anything
    activate.run();
    return new Rotated(which, oldId, newId, details);
  }

  /**
   * Rotates a key of a stopped data directory: opens its store (failing while a server holds it),
   * checks the log against its latest checkpoint as a start does, and rotates exactly as {@link
   * #rotate} does on a running server — the {@code key} entry is signed under the old checkpoint
   * key. A key configured in a token that holds no key of its label yet is moved there: the old key
   * is its file, the new one is made in the token.
   *
   * @throws IOException if the keys cannot be used, the store cannot be opened (a server is
   *     running: use the running server's API instead), or a file cannot be written
   */
  public static Rotated rotateOffline(
      DataDir dir,
      ServerConfig cfg,
      KeyProtection protection,
      Which which,
      String operator,
      Clock clock,
      SecureRandom random)
      throws IOException {
    KeySources current = cfg.keys();
    for (Which w : List.of(Which.CHECKPOINT, Which.RECEIPT)) {
      TokenKey token = current.of(w);
      try {
        if (token != null && !TokenSigner.holdsKey(token, System::getenv)) {
          // Not moved into the token yet: until its rotation, the active key is its file.
          current = current.inFile(w);
        }
      } catch (Pkcs11Exception | AdapterConfigException e) {
        throw new IOException(
            "the " + w.wire() + " key (" + token.at() + "): " + e.getMessage(), e);
      }
    }
    DataDir.Keys keys = dir.loadKeys(protection, current);
    Keyring keyring = Keyring.ensure(dir, keys, clock.instant());
    try (keys;
        dev.warden.store.sqlite.SqliteStore store =
            dev.warden.store.sqlite.SqliteStore.open(dir.database(), clock)) {
      LogSigner signer = new LogSigner(cfg.origin(), keys.checkpoint());
      LogKeys logKeys = keyring.logKeys(cfg.origin());
      LogStartupCheck.check(
          store.log(),
          logKeys.keys().stream().filter(k -> !logKeys.compromisedSince().containsKey(k)).toList());
      GroupCommitLog log = GroupCommitLog.start(store.log(), signer);
      try {
        Entries entries = new Entries(keys.params(), cfg.params());
        ReceiptIssuer issuer =
            new ReceiptIssuer(
                keys.receipt(), Jwk.thumbprint(keys.receipt().publicKey()), cfg.origin());
        return new KeyManager(
                dir,
                cfg.origin(),
                protection,
                cfg.keys(),
                keyring,
                signer,
                issuer,
                entries,
                log,
                clock,
                random)
            .rotate(which, operator);
      } finally {
        log.close();
      }
    } catch (dev.warden.store.StoreException e) {
      throw new IOException("cannot open the database: " + e.getMessage(), e);
    } catch (WardenServer.StartupException e) {
      throw new IOException(e.getMessage(), e);
    } catch (RequestRejected e) {
      throw new IOException("the log cannot be written: " + e.detail(), e);
    }
  }

  /**
   * Marks a retired key compromised since {@code since}: a {@code key} entry, then the keyring and
   * the published sets.
   *
   * @param id a key id; for a checkpoint key also its vkey or the vkey's 8-hex-digit key ID
   * @throws IllegalArgumentException if there is no such key, it is the active one (rotate first),
   *     or it is an HMAC key
   */
  public synchronized Keyring.Key revoke(Which which, String id, Instant since, String operator)
      throws RequestRejected, IOException {
    if (which == Which.HMAC) {
      throw new IllegalArgumentException(
          "an HMAC key signs nothing, so there is nothing to revoke; rotate it instead");
    }
    Keyring.Key key =
        find(which, id)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no " + which.wire() + " key " + id + " (warden keys list shows them)"));
    if (key.active()) {
      throw new IllegalArgumentException(
          "key "
              + key.id()
              + " is the active "
              + which.wire()
              + " key; rotate it first (warden keys rotate --which "
              + which.wire()
              + "), then revoke it");
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("key", key.id());
    details.put("compromised_since", since.toString());
    if (which == Which.CHECKPOINT) {
      details.put("vkey", NoteVerifierKey.of(origin, key.publicKey()).format());
    }
    log.append(
        PendingEntry.of(entries.key(clock.instant(), operator, "revoke", which.wire(), details)));
    Keyring next = keyring.compromised(which, key.id(), since);
    next.save(dir.keyring());
    publish(next);
    return next.find(which, key.id()).orElseThrow();
  }

  private Optional<Keyring.Key> find(Which which, String id) {
    Optional<Keyring.Key> k = keyring.find(which, id);
    if (k.isPresent() || which != Which.CHECKPOINT) {
      return k;
    }
    for (Keyring.Key c : keyring.keys(Which.CHECKPOINT)) {
      NoteVerifierKey v = NoteVerifierKey.of(origin, c.publicKey());
      if (v.format().equals(id) || HexFormat.of().toHexDigits(v.keyId()).equals(id)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  private TokenSigner generateInToken(Which which, TokenKey token) throws IOException {
    try {
      return TokenSigner.generate(token, System::getenv, random);
    } catch (Pkcs11Exception | AdapterConfigException e) {
      throw new IOException(
          "cannot make a new "
              + which.wire()
              + " key in the token ("
              + token.at()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private static void destroyQuietly(TokenSigner t) {
    try {
      t.destroy();
    } catch (Pkcs11Exception e) {
      org.slf4j.LoggerFactory.getLogger(KeyManager.class)
          .warn("could not remove the unused new key from the token: {}", e.getMessage());
    }
  }

  private Path file(Which which) {
    return switch (which) {
      case CHECKPOINT -> dir.checkpointKey();
      case RECEIPT -> dir.receiptKey();
      case HMAC -> dir.paramsHmacKey();
    };
  }

  private void publish(Keyring k) {
    this.keyring = k;
    this.jwksJson = k.jwks().toJson();
    this.logKeysText = k.logKeys(origin).format();
  }
}
