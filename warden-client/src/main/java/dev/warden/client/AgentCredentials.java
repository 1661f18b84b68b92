package dev.warden.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.httpsig.SignatureAlgorithms.Algorithm;
import dev.warden.httpsig.SigningKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An agent's identity: its id, an optional key id, and the key it signs with. The signature's
 * {@code keyid} is {@code <agent>} or {@code <agent>/<key-id>} (SPEC §3).
 *
 * <p>The key file is JSON, {@code {"agent", "key_id"?, "alg": "ed25519", "private_key",
 * "public_key"}} (raw 32-byte keys, base64) or {@code {"agent", "key_id"?, "alg": "hmac-sha256",
 * "secret"}}. It is written with mode 0600 and never overwritten; it is not read if group or others
 * have any access to it. Key material never appears in {@code toString} or in messages.
 */
public final class AgentCredentials {

  private static final Pattern AGENT_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{1,63}");
  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final long MAX_FILE_BYTES = 64 * 1024;
  private static final Set<String> ED25519_FIELDS =
      Set.of("agent", "key_id", "alg", "private_key", "public_key");
  private static final Set<String> HMAC_FIELDS = Set.of("agent", "key_id", "alg", "secret");
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final String agentId;
  private final @Nullable String keyId;
  private final byte[] secret;
  private final SigningKey signingKey;

  private AgentCredentials(
      String agentId, @Nullable String keyId, SigningKey signingKey, byte[] secret) {
    this.agentId = agentId;
    this.keyId = keyId;
    this.signingKey = signingKey;
    this.secret = secret;
  }

  /** Credentials for an Ed25519 key given by its 32-byte private key (seed). */
  public static AgentCredentials ed25519(String agentId, @Nullable String keyId, byte[] seed32) {
    String id = signatureKeyId(agentId, keyId);
    return new AgentCredentials(agentId, keyId, SigningKey.ed25519(id, seed32), seed32.clone());
  }

  /** Credentials for an HMAC-SHA256 secret (at least 32 bytes). */
  public static AgentCredentials hmacSha256(String agentId, @Nullable String keyId, byte[] secret) {
    String id = signatureKeyId(agentId, keyId);
    return new AgentCredentials(agentId, keyId, SigningKey.hmacSha256(id, secret), secret.clone());
  }

  /** A new Ed25519 key pair, without a key id. */
  public static AgentCredentials generateEd25519(String agentId, SecureRandom random) {
    return generateEd25519(agentId, null, random);
  }

  /** A new Ed25519 key pair. */
  public static AgentCredentials generateEd25519(
      String agentId, @Nullable String keyId, SecureRandom random) {
    byte[] seed = new byte[32];
    random.nextBytes(seed);
    return ed25519(agentId, keyId, seed);
  }

  public String agentId() {
    return agentId;
  }

  public Optional<String> keyId() {
    return Optional.ofNullable(keyId);
  }

  /** The {@code keyid} signature parameter: {@code agent} or {@code agent/key-id}. */
  public String signatureKeyId() {
    return signingKey.keyId();
  }

  public Algorithm algorithm() {
    return signingKey.algorithm();
  }

  public SigningKey signingKey() {
    return signingKey;
  }

  /**
   * The raw 32-byte Ed25519 public key, to register with Warden.
   *
   * @throws IllegalStateException for HMAC credentials, which have no public key
   */
  public byte[] publicKey() {
    return signingKey
        .publicKey()
        .orElseThrow(() -> new IllegalStateException("HMAC credentials have no public key"));
  }

  /**
   * Reads a key file.
   *
   * @throws IOException if it cannot be read, is readable or writable by group or others (the
   *     message says to {@code chmod 600} it), or is not a valid key file
   */
  public static AgentCredentials load(Path file) throws IOException {
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class);
      Set<PosixFilePermission> open = EnumSet.copyOf(attributes.permissions());
      open.removeAll(
          EnumSet.of(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.OWNER_EXECUTE));
      if (!open.isEmpty()) {
        throw new IOException(
            "key file "
                + file
                + " is accessible by group or others (mode "
                + PosixFilePermissions.toString(attributes.permissions())
                + "); run: chmod 600 "
                + file);
      }
    }
    if (!Files.isRegularFile(file) || Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException("key file " + file + " is not a regular file of at most 64 KiB");
    }
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      // Not e.getMessage(): Jackson quotes the offending text, which may be key material.
      var at = e.getLocation();
      throw new IOException(
          "key file "
              + file
              + " is not valid JSON"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    }
    try {
      return fromJson(root);
    } catch (IllegalArgumentException e) {
      throw new IOException("key file " + file + ": " + e.getMessage());
    }
  }

  /**
   * Writes the key file with POSIX mode 0600, set when the file is created. The file appears
   * complete or not at all: it is written to a temporary file in the same directory, then linked to
   * {@code file}.
   *
   * @throws FileAlreadyExistsException if {@code file} exists; it is never overwritten
   */
  public void write(Path file) throws IOException {
    byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson());
    ByteBuffer content = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
    Path target = file.toAbsolutePath();
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(
          target.toString(), null, "refusing to overwrite a key file");
    }
    if (!target.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      // No POSIX modes here (Windows): the directory's access control applies.
      try (FileChannel out =
          FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writeFully(out, content);
      }
      return;
    }
    FileAttribute<Set<PosixFilePermission>> ownerOnly =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    Path temp = Files.createTempFile(target.getParent(), ".key-", ".tmp", ownerOnly);
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        writeFully(out, content);
      }
      try {
        // A hard link is atomic and fails if the target exists, unlike a rename.
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException e) {
        throw new FileAlreadyExistsException(
            target.toString(), null, "refusing to overwrite a key file");
      } catch (UnsupportedOperationException e) {
        Files.move(temp, target); // no hard links: a move that refuses an existing target
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void writeFully(FileChannel out, ByteBuffer content) throws IOException {
    while (content.hasRemaining()) {
      out.write(content);
    }
    out.force(true);
  }

  private ObjectNode toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("agent", agentId);
    if (keyId != null) {
      node.put("key_id", keyId);
    }
    node.put("alg", algorithm().parameterValue());
    Base64.Encoder b64 = Base64.getEncoder();
    switch (algorithm()) {
      case ED25519 -> {
        node.put("private_key", b64.encodeToString(secret));
        node.put("public_key", b64.encodeToString(publicKey()));
      }
      case HMAC_SHA256 -> node.put("secret", b64.encodeToString(secret));
    }
    return node;
  }

  private static AgentCredentials fromJson(JsonNode root) {
    if (!root.isObject()) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    String agent = text(root, "agent", true);
    String keyId = text(root, "key_id", false);
    String alg = text(root, "alg", true);
    Algorithm algorithm =
        Algorithm.fromParameter(requireNonNull(alg))
            .orElseThrow(() -> new IllegalArgumentException("alg must be ed25519 or hmac-sha256"));
    Set<String> allowed = algorithm == Algorithm.ED25519 ? ED25519_FIELDS : HMAC_FIELDS;
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException("unexpected field " + name + " for alg " + alg);
      }
    }
    return switch (algorithm) {
      case ED25519 -> {
        byte[] seed = base64(root, "private_key", 32);
        AgentCredentials credentials = ed25519(requireNonNull(agent), keyId, seed);
        if (root.has("public_key")
            && !MessageDigest.isEqual(base64(root, "public_key", 32), credentials.publicKey())) {
          throw new IllegalArgumentException("public_key does not belong to private_key");
        }
        yield credentials;
      }
      case HMAC_SHA256 -> hmacSha256(requireNonNull(agent), keyId, base64(root, "secret", -1));
    };
  }

  private static @Nullable String text(JsonNode root, String field, boolean required) {
    JsonNode node = root.get(field);
    if (node == null) {
      if (required) {
        throw new IllegalArgumentException("field " + field + " is missing");
      }
      return null;
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException("field " + field + " must be a string");
    }
    return node.textValue();
  }

  private static byte[] base64(JsonNode root, String field, int length) {
    String text = text(root, field, true);
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(requireNonNull(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("field " + field + " is not base64");
    }
    if (length >= 0 && bytes.length != length) {
      throw new IllegalArgumentException("field " + field + " must be " + length + " bytes");
    }
    return bytes;
  }

  private static String signatureKeyId(String agentId, @Nullable String keyId) {
    if (!AGENT_ID.matcher(agentId).matches()) {
      throw new IllegalArgumentException(
          "agent id must match " + AGENT_ID.pattern() + ": " + agentId);
    }
    if (keyId == null) {
      return agentId;
    }
    if (!KEY_ID.matcher(keyId).matches()) {
      throw new IllegalArgumentException("key id must match " + KEY_ID.pattern() + ": " + keyId);
    }
    return agentId + "/" + keyId;
  }

  @Override
  public String toString() {
    return "AgentCredentials[agent="
        + agentId
        + ", keyid="
        + signatureKeyId()
        + ", alg="
        + algorithm().parameterValue()
        + "]";
  }
}
