package dev.warden.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.json.Canonical;
import dev.warden.json.JsonLimits;
import dev.warden.json.JsonRejected;
import dev.warden.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A JWK Set (RFC 7517 §5) of Ed25519 receipt keys: what {@code GET /.well-known/warden/jwks.json}
 * serves, old keys included so that old receipts keep verifying.
 *
 * @param keys distinct kids
 */
public record Jwks(List<Jwk> keys) {
  /** Largest JWKS document read, in bytes. */
  public static final int MAX_BYTES = 64 * 1024;

  private static final JsonLimits LIMITS = new JsonLimits(MAX_BYTES, 4, 1_024, 32, 256);

  /**
   * @throws IllegalArgumentException if two keys share a kid
   */
  public Jwks {
    keys = List.copyOf(keys);
    Set<String> kids = new HashSet<>();
    for (Jwk k : keys) {
      if (!kids.add(k.kid())) {
        throw new IllegalArgumentException("JWKS lists kid " + k.kid() + " twice");
      }
    }
  }

  /** The JWKS of these raw 32-byte Ed25519 public keys. */
  public static Jwks of(byte[]... publicKeys) {
    List<Jwk> keys = new ArrayList<>();
    for (byte[] pk : publicKeys) {
      keys.add(Jwk.of(pk));
    }
    return new Jwks(keys);
  }

  /** The key with this kid. */
  public Optional<Jwk> find(String kid) {
    return keys.stream().filter(k -> k.kid().equals(kid)).findFirst();
  }

  /** {@code {"keys":[…]}} in RFC 8785 canonical form. */
  public String toJson() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode array = root.putArray("keys");
    keys.forEach(k -> array.add(k.toJson()));
    return Canonical.text(root);
  }

  /**
   * Parses a JWKS strictly: strict JSON (UTF-8, no duplicate member) of at most {@link #MAX_BYTES},
   * an object whose only member is {@code keys}, an array of keys {@link Jwk#fromJson} accepts with
   * distinct kids.
   *
   * @throws ReceiptException {@code MALFORMED}
   */
  public static Jwks parse(String json) throws ReceiptException {
    JsonNode root;
    try {
      root = StrictJson.parse(json.getBytes(StandardCharsets.UTF_8), LIMITS);
    } catch (JsonRejected e) {
      throw ReceiptException.malformed("JWKS is not strict JSON: " + e.getMessage());
    }
    if (!root.isObject() || root.size() != 1 || !root.path("keys").isArray()) {
      throw ReceiptException.malformed("a JWKS is an object with one member, the array keys");
    }
    List<Jwk> keys = new ArrayList<>();
    Set<String> kids = new HashSet<>();
    for (JsonNode k : root.get("keys")) {
      Jwk jwk = Jwk.fromJson(k);
      if (!kids.add(jwk.kid())) {
        throw ReceiptException.malformed("JWKS lists kid " + jwk.kid() + " twice");
      }
      keys.add(jwk);
    }
    return new Jwks(keys);
  }
}
