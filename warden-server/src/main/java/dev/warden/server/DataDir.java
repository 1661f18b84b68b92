package dev.warden.server;

import dev.warden.crypto.Ed25519KeyPair;
import dev.warden.crypto.HmacKey;
import dev.warden.crypto.KeyFiles;
import dev.warden.server.operator.OperatorTokens;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import dev.warden.store.postgresql.PostgresStore;
import dev.warden.store.sqlite.SqliteStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
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
 * keys/checkpoint.key      Ed25519, PKCS#8 PEM, 0600 (signs log checkpoints)
 * keys/receipt.key         Ed25519, PKCS#8 PEM, 0600 (signs receipts)
 * keys/params-hmac.key     32 random bytes, base64, 0600 (keys the HMAC of logged params)
 * </pre>
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

  /** The agent key files written by {@code warden agent create}. */
  public Path agents() {
    return root.resolve("agents");
  }

  /** The address a running server wrote at start, for commands that talk to it. */
  public Path serverAddress() {
    return root.resolve("server.url");
  }

  public HmacKey loadParamsKey() throws IOException {
    byte[] b64 = KeyFiles.readChecked(paramsHmacKey());
    return HmacKey.of(
        Base64.getDecoder().decode(new String(b64, StandardCharsets.US_ASCII).strip()));
  }

  public Ed25519KeyPair loadCheckpointKey() throws IOException {
    return loadEd25519(checkpointKey());
  }

  public Ed25519KeyPair loadReceiptKey() throws IOException {
    return loadEd25519(receiptKey());
  }

  private static Ed25519KeyPair loadEd25519(Path file) throws IOException {
    try {
      return Ed25519KeyPair.fromPkcs8Pem(
          new String(KeyFiles.readChecked(file), StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
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
  public static DataDir init(Path root, String listen, SecureRandom random, Clock clock)
      throws IOException, StoreException {
    return init(new DataDir(root), listen, random, clock);
  }

  /**
   * Creates a new data directory whose state is in {@code dir.store()} (if not null): an empty
   * PostgreSQL database, which gets the first admin token. Replicas share it by copying the data
   * directory this makes, never by running init again (each init makes new keys).
   *
   * @throws IOException if the directory is not empty, or the database already holds a Warden log
   *     or tokens
   */
  public static DataDir init(DataDir dir, String listen, SecureRandom random, Clock clock)
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
    KeyFiles.writeNew(d.checkpointKey(), Ed25519KeyPair.generate(random).toPkcs8Pem());
    KeyFiles.writeNew(d.receiptKey(), Ed25519KeyPair.generate(random).toPkcs8Pem());
    KeyFiles.writeNew(
        d.paramsHmacKey(),
        (Base64.getEncoder().encodeToString(HmacKey.generate(random).exportBytes()) + "\n")
            .getBytes(StandardCharsets.US_ASCII));
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
