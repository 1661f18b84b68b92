package dev.warden.server;

import dev.warden.crypto.Ed25519KeyPair;
import dev.warden.crypto.Ed25519Signer;
import dev.warden.crypto.HmacKey;
import dev.warden.crypto.KeyFileException;
import dev.warden.crypto.KeyFiles;
import dev.warden.crypto.KeyProtection;
import dev.warden.server.adapter.AdapterConfigException;
import dev.warden.server.operator.OperatorTokens;
import dev.warden.server.pkcs11.Pkcs11Exception;
import dev.warden.server.pkcs11.TokenKey;
import dev.warden.server.pkcs11.TokenSigner;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import dev.warden.store.postgresql.PostgresStore;
import dev.warden.store.sqlite.SqliteStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The layout of a Warden data directory, and {@code warden init}, which creates one:
 *
 * <pre>
 * warden.yaml              configuration
 * policy.yaml              the active policy
 * warden.db                SQLite database (WAL), with the log
 * admin.token              the first admin token, 0600, written once
 * keys/                    0700
 * keys/checkpoint.key      Ed25519, encrypted PKCS#8 PEM, 0600 (signs log checkpoints)
 * keys/receipt.key         Ed25519, encrypted PKCS#8 PEM, 0600 (signs receipts)
 * keys/params-hmac.key     HMAC-SHA256, encrypted PKCS#8 PEM, 0600 (keys the HMAC of params)
 * keys/retired/            params HMAC keys replaced by a rotation, encrypted, by key id
 * keys/keyring.json        public: every key's public part or id, active and retired (Keyring)
 * </pre>
 *
 * <p>Private keys are encrypted PKCS#8 (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC) under the key
 * passphrase ({@link KeyProtection}); plaintext only with the development switch. Before any key is
 * read, the keys directory and each file must be the current user's and closed to group and others.
 *
 * @param store a PostgreSQL database ({@code postgresql://…}) that holds the state instead of
 *     {@code warden.db}, shared by every replica whose data directory is a copy of this one; null
 *     for {@code warden.db}
 */
public record DataDir(Path root, @Nullable String store) {

  public DataDir(Path root) {
    this(root, null);
  }

  public DataDir {
    if (store != null && !PostgresStore.isUrl(store)) {
      throw new IllegalArgumentException(
          "a store is a PostgreSQL URL, postgresql://host[:port]/database[?user=…]");
    }
  }

  /** This directory with its state in the PostgreSQL database {@code url} (null: warden.db). */
  public DataDir withStore(@Nullable String url) {
    return new DataDir(root, url);
  }

  /** Opens (creating or migrating it if needed) the store: PostgreSQL if given, else warden.db. */
  public Store openStore(Clock clock) throws StoreException {
    return store == null ? SqliteStore.open(database(), clock) : PostgresStore.open(store, clock);
  }

  /** Where the state is, for messages: warden.db's path, or the database URL without a password. */
  public String storeName() {
    return store == null ? database().toString() : PostgresStore.redact(store);
  }

  public Path config() {
    return root.resolve("warden.yaml");
  }

  public Path policy() {
    return root.resolve("policy.yaml");
  }

  public Path database() {
    return root.resolve("warden.db");
  }

  public Path adminToken() {
    return root.resolve("admin.token");
  }

  public Path keys() {
    return root.resolve("keys");
  }

  public Path checkpointKey() {
    return keys().resolve("checkpoint.key");
  }

  public Path receiptKey() {
    return keys().resolve("receipt.key");
  }

  public Path paramsHmacKey() {
    return keys().resolve("params-hmac.key");
  }

  /** Params HMAC keys a rotation replaced, kept to test old HMACs: {@code <id>.key}. */
  public Path retiredKeys() {
    return keys().resolve("retired");
  }

  /**
   * The private key files of this directory's keys, as {@code keys encrypt}, {@code keys
   * passphrase} and {@code doctor} go over them: the checkpoint and receipt keys' (unless {@code
   * sources} holds the key in a token), the params HMAC key's, and the retired keys', sorted.
   */
  public List<Path> keyFiles(KeySources sources) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Keyring.Which w : List.of(Keyring.Which.CHECKPOINT, Keyring.Which.RECEIPT)) {
      Path f = w == Keyring.Which.CHECKPOINT ? checkpointKey() : receiptKey();
      if (sources.of(w) == null) {
        files.add(f);
      }
    }
    files.add(paramsHmacKey());
    if (Files.isDirectory(retiredKeys())) {
      try (var s = Files.list(retiredKeys())) {
        s.filter(p -> p.getFileName().toString().endsWith(".key")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  /** The public record of every key, active and retired ({@link Keyring}). */
  public Path keyring() {
    return keys().resolve("keyring.json");
  }

  /** The agent key files written by {@code warden agent create}. */
  public Path agents() {
    return root.resolve("agents");
  }

  /** The address a running server wrote at start, for commands that talk to it. */
  public Path serverAddress() {
    return root.resolve("server.url");
  }

  /**
   * Warden's three private keys, unlocked: each signer a key file's key held in memory or a key in
   * a PKCS#11 token. {@link #close} closes the tokens' sessions.
   */
  public record Keys(Ed25519Signer checkpoint, Ed25519Signer receipt, HmacKey params)
      implements AutoCloseable {
    @Override
    public void close() {
      for (Ed25519Signer s : List.of(checkpoint, receipt)) {
        if (s instanceof TokenSigner t) {
          t.close();
        }
      }
    }
  }

  /**
   * Checks how the key files are kept and unlocks them: the checkpoint and receipt keys from their
   * files.
   *
   * @throws IOException naming the file and the fix: a loose mode ({@code chmod}), another owner
   *     ({@code chown}), a plaintext key without the development switch ({@code warden keys
   *     encrypt}), no or a wrong passphrase
   */
  public Keys loadKeys(KeyProtection protection) throws IOException {
    return loadKeys(protection, KeySources.FILES);
  }

  /**
   * As {@link #loadKeys(KeyProtection)}, with the checkpoint and receipt keys from where {@code
   * sources} says: a key in a token is opened (its PIN read from its source now) and, if the token
   * holds several keys of that label, the one {@code keys/keyring.json} records as active is used.
   *
   * @throws IOException also naming the token's library, label or key and what to do
   */
  public Keys loadKeys(KeyProtection protection, KeySources sources) throws IOException {
    checkKeysDir();
    HmacKey params = loadHmac(paramsHmacKey(), protection);
    Ed25519Signer checkpoint =
        signer(Keyring.Which.CHECKPOINT, checkpointKey(), sources, protection);
    try {
      return new Keys(
          checkpoint, signer(Keyring.Which.RECEIPT, receiptKey(), sources, protection), params);
    } catch (IOException | RuntimeException e) {
      if (checkpoint instanceof TokenSigner t) {
        t.close();
      }
      throw e;
    }
  }

  private Ed25519Signer signer(Keyring.Which which, Path file, KeySources sources, KeyProtection p)
      throws IOException {
    TokenKey token = sources.of(which);
    if (token == null) {
      return loadEd25519(file, p);
    }
    byte[] active =
        Keyring.loadOrEmpty(keyring()).active(which).map(Keyring.Key::publicKey).orElse(null);
    try {
      return TokenSigner.open(token, System::getenv, active);
    } catch (Pkcs11Exception | AdapterConfigException e) {
      throw new IOException(
          "the " + which.wire() + " key (" + token.at() + "): " + e.getMessage(), e);
    }
  }

  private Ed25519KeyPair loadEd25519(Path file, KeyProtection protection) throws IOException {
    byte[] der = open(file, protection);
    try {
      return Ed25519KeyPair.fromPkcs8Der(der);
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(
          KeyFileException.Reason.MALFORMED, file + " does not hold an Ed25519 private key");
    } finally {
      java.util.Arrays.fill(der, (byte) 0);
    }
  }

  /** The params HMAC key in {@code file} (active or retired). */
  public HmacKey loadHmac(Path file, KeyProtection protection) throws IOException {
    byte[] content = KeyFiles.readChecked(file);
    String text = new String(content, StandardCharsets.US_ASCII).strip();
    if (!text.startsWith("-----BEGIN")) {
      // Written by warden init before keys were encrypted: base64 of the raw key.
      if (!protection.plaintextAllowed()) {
        throw plaintext(file);
      }
      try {
        return HmacKey.of(Base64.getDecoder().decode(text));
      } catch (IllegalArgumentException e) {
        throw new IOException(file + " is not a key file Warden reads", e);
      }
    }
    try {
      return HmacKey.fromPkcs8Der(open(file, protection));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  private byte[] open(Path file, KeyProtection protection) throws IOException {
    byte[] content = KeyFiles.readChecked(file);
    try {
      return protection.open(content, file.toString());
    } catch (KeyFileException e) {
      if (e.reason() == KeyFileException.Reason.PLAINTEXT) {
        throw plaintext(file);
      }
      throw e;
    }
  }

  private KeyFileException plaintext(Path file) {
    return new KeyFileException(
        KeyFileException.Reason.PLAINTEXT,
        file
            + " is a plaintext key; Warden keeps its private keys encrypted at rest. Encrypt them"
            + " with: warden keys encrypt --data-dir "
            + root
            + " (with WARDEN_KEY_PASSPHRASE_FILE or WARDEN_KEY_PASSPHRASE set), or for"
            + " development only start with --insecure-plaintext-keys");
  }

  /**
   * The keys directory must be a directory (not a link) owned by the current user, with no access
   * for group or others.
   *
   * @throws IOException with the {@code chmod} or {@code chown} that fixes it
   */
  public void checkKeysDir() throws IOException {
    Path dir = keys();
    if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a directory; it is created by warden init");
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
    Set<PosixFilePermission> loose = EnumSet.noneOf(PosixFilePermission.class);
    loose.addAll(perms);
    loose.removeAll(
        EnumSet.of(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE));
    if (!loose.isEmpty()) {
      throw new IOException(
          dir
              + " has mode "
              + PosixFilePermissions.toString(perms)
              + "; the keys directory must be closed to group and others: run chmod 700 "
              + dir);
    }
    String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
    String me = System.getProperty("user.name");
    if (!owner.equals(me)) {
      throw new IOException(
          dir + " is owned by " + owner + ", not by " + me + ": run chown -R " + me + " " + dir);
    }
  }

  public String loadAdminToken() throws IOException {
    return new String(KeyFiles.readChecked(adminToken()), StandardCharsets.US_ASCII).strip();
  }

  /**
   * Creates a new data directory: configuration, default policy, keys, database and the first admin
   * token.
   *
   * @throws IOException if {@code root} exists and is not empty (nothing is overwritten)
   */
  public static DataDir init(
      Path root, String listen, SecureRandom random, Clock clock, KeyProtection protection)
      throws IOException, StoreException {
    return init(new DataDir(root), listen, random, clock, protection);
  }

  /**
   * Creates a new data directory whose state is in {@code dir.store()} (if not null): an empty
   * PostgreSQL database, which gets the first admin token. Replicas share it by copying the data
   * directory this makes, never by running init again (each init makes new keys).
   *
   * @throws IOException if the directory is not empty, or the database already holds a Warden log
   *     or tokens
   */
  public static DataDir init(
      DataDir dir, String listen, SecureRandom random, Clock clock, KeyProtection protection)
      throws IOException, StoreException {
    Path root = dir.root();
    if (Files.exists(root)) {
      try (var s = Files.list(root)) {
        if (s.findAny().isPresent()) {
          throw new IOException(
              root + " exists and is not empty; choose a new directory for warden init");
        }
      }
    } else {
      Files.createDirectories(
          root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    DataDir d = dir;
    if (d.store() != null) {
      try (Store store = d.openStore(clock)) {
        if (store.log().head().size() > 0 || !store.tokens().list().isEmpty()) {
          throw new IOException(
              d.storeName()
                  + " already holds a Warden log or tokens; to add a replica, copy the data"
                  + " directory of the Warden that initialized it instead of running init");
        }
      }
    }
    Files.createDirectory(
        d.keys(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Ed25519KeyPair checkpoint = Ed25519KeyPair.generate(random);
    Ed25519KeyPair receipt = Ed25519KeyPair.generate(random);
    HmacKey params = HmacKey.generate(random);
    KeyFiles.writeNew(d.checkpointKey(), protection.seal(checkpoint.toPkcs8Der(), random));
    KeyFiles.writeNew(d.receiptKey(), protection.seal(receipt.toPkcs8Der(), random));
    KeyFiles.writeNew(d.paramsHmacKey(), protection.seal(params.toPkcs8Der(), random));
    Keyring.of(checkpoint, receipt, params, clock.instant()).save(d.keyring());
    Files.writeString(d.config(), Defaults.configYaml(listen));
    Files.writeString(d.policy(), Defaults.POLICY_YAML);
    try (Store store = d.openStore(clock)) {
      OperatorTokens.Issued admin =
          OperatorTokens.issue(
              "admin", Set.of("admin", "approver", "auditor", "metrics"), null, random, clock);
      store.tokens().create(admin.record());
      KeyFiles.writeNew(d.adminToken(), (admin.token() + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    return d;
  }
}
