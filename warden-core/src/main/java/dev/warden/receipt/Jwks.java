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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A JWK Set (RFC 7517 §5) of Ed25519 receipt keys: what {@code GET /.well-known/warden/jwks.json}
 * serves, old keys included so that old receipts keep verifying. A key revoked as compromised
 * carries {@value #COMPROMISED}: an RFC 3339 time from which its signatures are not trusted.
 *
 * @param keys distinct kids
 * @param compromisedSince by kid, the time from which a key is compromised (keys not listed are
 *     not)
 */
public record Jwks(List<Jwk> keys, Map<String, Instant> compromisedSince) {
  /** The member that marks a key compromised since an RFC 3339 time. */
  public static final String COMPROMISED = "warden_compromised_since";

  /** Largest JWKS document read, in bytes. */
  public static final int MAX_BYTES = 64 * 1024;

  private static final JsonLimits LIMITS = new JsonLimits(MAX_BYTES, 4, 1_024, 32, 256);

  /**
   * @throws IllegalArgumentException if two keys share a kid
   */
  public Jwks {
    keys = List.copyOf(keys);
    compromisedSince = Map.copyOf(compromisedSince);
    Set<String> kids = new HashSet<>();
    for (Jwk k : keys) {
      if (!kids.add(k.kid())) {
        throw new IllegalArgumentException("JWKS lists kid " + k.kid() + " twice");
      }
    }
    if (!kids.containsAll(compromisedSince.keySet())) {
      throw new IllegalArgumentException("a compromised kid is not in the JWKS");
    }
  }

  /** A JWKS with no key marked compromised. */
  public Jwks(List<Jwk> keys) {
    this(keys, Map.of());
  }

  /** The time from which the key {@code kid} is compromised, if it is. */
  public Optional<Instant> compromisedSince(String kid) {
    return Optional.ofNullable(compromisedSince.get(kid));
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
    for (Jwk k : keys) {
      ObjectNode o = k.toJson();
      Instant since = compromisedSince.get(k.kid());
      if (since != null) {
        o.put(COMPROMISED, since.toString());
      }
      array.add(o);
    }
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
    Map<String, Instant> compromised = new HashMap<>();
    Set<String> kids = new HashSet<>();
    for (JsonNode k : root.get("keys")) {
      Jwk jwk = Jwk.fromJson(k);
      if (!kids.add(jwk.kid())) {
        throw ReceiptException.malformed("JWKS lists kid " + jwk.kid() + " twice");
      }
      keys.add(jwk);
      JsonNode since = k.get(COMPROMISED);
      if (since != null) {
        try {
          compromised.put(jwk.kid(), Instant.parse(since.textValue()));
        } catch (RuntimeException e) {
          throw ReceiptException.malformed(
              "JWK " + jwk.kid() + " " + COMPROMISED + " is not an RFC 3339 UTC time");
        }
      }
    }
    return new Jwks(keys, compromised);
  }
}
