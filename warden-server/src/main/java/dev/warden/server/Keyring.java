package dev.warden.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.crypto.HmacKey;
import dev.warden.note.LogKeys;
import dev.warden.note.NoteVerifierKey;
import dev.warden.receipt.Jwk;
import dev.warden.receipt.Jwks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The public record of Warden's keys, {@code keys/keyring.json}: for each key its kind, id, public
 * key (Ed25519 keys), when it became active, when a rotation retired it, and since when it is
 * compromised if it was revoked as such. What {@code /.well-known/warden/jwks.json} and {@code
 * /.well-known/warden/log-key} publish is derived from it, so old keys stay published. It holds no
 * secret; the log's {@code key} entries are the signed history of the same changes. Immutable.
 *
 * <pre>
 * {"keys": [{"which": "checkpoint", "id": "&lt;RFC 7638 thumbprint&gt;", "public_key": "&lt;base64&gt;",
 *            "activated": "&lt;RFC 3339&gt;", "retired"?: …, "compromised_since"?: …}, …]}
 * </pre>
 *
 * Ed25519 key ids are RFC 7638 thumbprints (a receipt key's {@code kid}); a params HMAC key's id is
 * {@link HmacKey#id}.
 */
public final class Keyring {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Which of Warden's keys. */
  public enum Which {
    CHECKPOINT,
    RECEIPT,
    HMAC;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Which fromWire(String s) {
      for (Which w : values()) {
        if (w.wire().equals(s)) {
          return w;
        }
      }
      throw new IllegalArgumentException("which must be checkpoint, receipt or hmac, not " + s);
    }
  }

  /** One key. {@code publicKey} is null for HMAC keys. */
  public record Key(
      Which which,
      String id,
      byte @Nullable [] publicKey,
      @Nullable Instant activated,
      @Nullable Instant retired,
      @Nullable Instant compromisedSince) {
    public boolean active() {
      return retired == null;
    }
  }

  private final List<Key> keys;

  private Keyring(List<Key> keys) {
    this.keys = List.copyOf(keys);
  }

  /** The keyring of a new data directory. */
  static Keyring of(
      dev.warden.crypto.Ed25519Signer checkpoint,
      dev.warden.crypto.Ed25519Signer receipt,
      HmacKey params,
      Instant now) {
    return new Keyring(List.of())
        .add(Which.CHECKPOINT, checkpoint.publicKey(), now)
        .add(Which.RECEIPT, receipt.publicKey(), now)
        .addHmac(params.id(), now);
  }

  public List<Key> keys() {
    return keys;
  }

  public List<Key> keys(Which which) {
    return keys.stream().filter(k -> k.which() == which).toList();
  }

  /** The active key of a kind. */
  public Optional<Key> active(Which which) {
    return keys(which).stream().filter(Key::active).findFirst();
  }

  /** The active checkpoint and receipt keys that are revoked as compromised. */
  public List<Key> compromisedActive() {
    return List.of(Which.CHECKPOINT, Which.RECEIPT).stream()
        .flatMap(w -> active(w).stream())
        .filter(k -> k.compromisedSince() != null)
        .toList();
  }

  public Optional<Key> find(Which which, String id) {
    return keys(which).stream().filter(k -> k.id().equals(id)).findFirst();
  }

  /** A new active Ed25519 key of {@code which}; the one active before is retired at {@code now}. */
  Keyring add(Which which, byte[] publicKey, Instant now) {
    return with(which, new Key(which, Jwk.thumbprint(publicKey), publicKey, now, null, null), now);
  }

  /** A new active params HMAC key; the one active before is retired at {@code now}. */
  Keyring addHmac(String id, Instant now) {
    return with(Which.HMAC, new Key(Which.HMAC, id, null, now, null, null), now);
  }

  private Keyring with(Which which, Key added, Instant now) {
    List<Key> out = new ArrayList<>();
    for (Key k : keys) {
      if (k.id().equals(added.id()) && k.which() == which) {
        // A key brought back (a restore) keeps its revocation: it never becomes clean again.
        added =
            new Key(
                which,
                added.id(),
                added.publicKey(),
                added.activated(),
                null,
                k.compromisedSince());
        continue;
      }
      out.add(
          k.which() == which && k.active()
              ? new Key(k.which(), k.id(), k.publicKey(), k.activated(), now, k.compromisedSince())
              : k);
    }
    out.add(added);
    return new Keyring(out);
  }

  /** The same keys, {@code id} of {@code which} marked compromised since {@code since}. */
  Keyring compromised(Which which, String id, Instant since) {
    List<Key> out = new ArrayList<>();
    for (Key k : keys) {
      out.add(
          k.which() == which && k.id().equals(id)
              ? new Key(k.which(), k.id(), k.publicKey(), k.activated(), k.retired(), since)
              : k);
    }
    return new Keyring(out);
  }

  /**
   * This keyring made to agree with the keys in use: a key that is active on disk but not recorded
   * (a keyring from before rotation existed, or a rotation interrupted between its steps) becomes
   * the active one.
   */
  Keyring reconcile(DataDir.Keys active, Instant now) {
    Keyring k = this;
    String cp = Jwk.thumbprint(active.checkpoint().publicKey());
    if (!k.active(Which.CHECKPOINT).map(x -> x.id().equals(cp)).orElse(false)) {
      k = k.add(Which.CHECKPOINT, active.checkpoint().publicKey(), now);
    }
    String rc = Jwk.thumbprint(active.receipt().publicKey());
    if (!k.active(Which.RECEIPT).map(x -> x.id().equals(rc)).orElse(false)) {
      k = k.add(Which.RECEIPT, active.receipt().publicKey(), now);
    }
    String hm = active.params().id();
    if (!k.active(Which.HMAC).map(x -> x.id().equals(hm)).orElse(false)) {
      k = k.addHmac(hm, now);
    }
    return k;
  }

  /** Every receipt key, the active first; compromised ones marked. */
  public Jwks jwks() {
    List<Jwk> out = new ArrayList<>();
    Map<String, Instant> compromised = new HashMap<>();
    for (Key k : activeFirst(Which.RECEIPT)) {
      out.add(Jwk.of(k.publicKey()));
      if (k.compromisedSince() != null) {
        compromised.put(k.id(), k.compromisedSince());
      }
    }
    return new Jwks(out, compromised);
  }

  /**
   * Every checkpoint key as a vkey of {@code origin}, the active first; compromised ones marked.
   */
  public LogKeys logKeys(String origin) {
    List<NoteVerifierKey> out = new ArrayList<>();
    Map<NoteVerifierKey, Instant> compromised = new HashMap<>();
    for (Key k : activeFirst(Which.CHECKPOINT)) {
      NoteVerifierKey v = NoteVerifierKey.of(origin, k.publicKey());
      out.add(v);
      if (k.compromisedSince() != null) {
        compromised.put(v, k.compromisedSince());
      }
    }
    return new LogKeys(out, compromised);
  }

  private List<Key> activeFirst(Which which) {
    List<Key> out = new ArrayList<>(keys(which));
    java.util.Collections.reverse(out); // newest first; the active key is the newest
    return out;
  }

  /**
   * Reads {@code file}.
   *
   * @throws IOException if it cannot be read or is not a keyring
   */
  public static Keyring load(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    List<Key> keys = new ArrayList<>();
    try {
      for (JsonNode n : root.withArray("keys")) {
        JsonNode pk = n.get("public_key");
        keys.add(
            new Key(
                Which.fromWire(n.path("which").asText()),
                n.path("id").asText(),
                pk == null ? null : Base64.getDecoder().decode(pk.asText()),
                time(n, "activated"),
                time(n, "retired"),
                time(n, "compromised_since")));
      }
    } catch (RuntimeException e) {
      throw new IOException(file + " is not a Warden keyring: " + e.getMessage(), e);
    }
    return new Keyring(keys);
  }

  /**
   * The data directory's keyring made to agree with its unlocked keys ({@link #reconcile}), and
   * written: at every start, and after {@code warden keys encrypt}.
   */
  public static Keyring ensure(DataDir dir, DataDir.Keys active, Instant now) throws IOException {
    Keyring k = loadOrEmpty(dir.keyring()).reconcile(active, now);
    k.save(dir.keyring());
    return k;
  }

  /** Reads {@code file}, or an empty keyring if there is none (a data directory from before). */
  static Keyring loadOrEmpty(Path file) throws IOException {
    return Files.exists(file) ? load(file) : new Keyring(List.of());
  }

  private static @Nullable Instant time(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : Instant.parse(v.asText());
  }

  /** Writes {@code file} atomically (a temporary file, fsynced, renamed over it). */
  void save(Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode a = root.putArray("keys");
    for (Key k : keys) {
      ObjectNode o = a.addObject();
      o.put("which", k.which().wire());
      o.put("id", k.id());
      if (k.publicKey() != null) {
        o.put("public_key", Base64.getEncoder().encodeToString(k.publicKey()));
      }
      if (k.activated() != null) {
        o.put("activated", k.activated().toString());
      }
      if (k.retired() != null) {
        o.put("retired", k.retired().toString());
      }
      if (k.compromisedSince() != null) {
        o.put("compromised_since", k.compromisedSince().toString());
      }
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    byte[] bytes =
        JSON.writerWithDefaultPrettyPrinter()
            .writeValueAsString(root)
            .concat("\n")
            .getBytes(StandardCharsets.UTF_8);
    try (var ch =
        java.nio.channels.FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
