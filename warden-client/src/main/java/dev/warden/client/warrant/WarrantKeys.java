package dev.warden.client.warrant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.client.warrant.WarrantException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Warden's receipt keys, read from its JWK Set ({@code GET /.well-known/warden/jwks.json}, RFC 7517
 * §5): Ed25519 public keys as OKP JWKs (RFC 8037 §2), each under its RFC 7638 thumbprint as {@code
 * kid}. Old keys stay listed after a rotation, so several keys are normal. Immutable.
 *
 * <p>Obtain the JWKS over a channel you trust (or configure it) and pin it: whoever supplies the
 * keys decides which warrants verify.
 */
public final class WarrantKeys {
  /** Largest JWKS document read, in bytes. */
  public static final int MAX_BYTES = 64 * 1024;

  private static final Set<String> MEMBERS =
      Set.of("kty", "crv", "x", "kid", "alg", "use", "warden_compromised_since");

  /**
   * Warden's JWKS member marking a receipt key revoked as compromised since a time (RFC 3339). A
   * warrant is short-lived and single-use, so a key carrying it is not trusted at all.
   */
  public static final String COMPROMISED = "warden_compromised_since";

  private final Map<String, byte[]> keys;

  private WarrantKeys(Map<String, byte[]> keys) {
    this.keys = keys;
  }

  /**
   * Parses a JWKS strictly: strict JSON of at most {@link #MAX_BYTES}, an object whose only member
   * is {@code keys}, a non-empty array of keys with distinct kids. Each key has {@code kty} "OKP",
   * {@code crv} "Ed25519", {@code x} (canonical base64url of 32 bytes) and {@code kid} (its RFC
   * 7638 thumbprint), optionally {@code alg} "EdDSA" and {@code use} "sig", and nothing else: keys
   * of other types (RSA, EC, X25519) and private keys ({@code d}) are refused. A key with {@code
   * warden_compromised_since} is read and left out: no warrant verifies with it.
   *
   * @throws WarrantException {@code MALFORMED}, naming the key and the member
   */
  public static WarrantKeys parse(String jwksJson) throws WarrantException {
    JsonNode root =
        StrictJson.parse(
            jwksJson.getBytes(StandardCharsets.UTF_8), MAX_BYTES, "JWKS", Reason.MALFORMED);
    if (!root.isObject() || root.size() != 1 || !root.path("keys").isArray()) {
      throw WarrantException.malformed("a JWKS is an object with one member, the array keys");
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    Set<String> kids = new java.util.HashSet<>();
    int index = 0;
    for (JsonNode jwk : root.get("keys")) {
      String where = "JWKS key " + index++;
      byte[] publicKey = ed25519(jwk, where);
      String kid = jwk.get("kid").textValue();
      if (kids.contains(kid)) {
        throw WarrantException.malformed(where + " repeats kid " + StrictJson.quote(kid));
      }
      kids.add(kid);
      if (!jwk.has(COMPROMISED)) {
        keys.put(kid, publicKey);
      }
    }
    if (keys.isEmpty()) {
      throw WarrantException.malformed("JWKS has no key that is not marked compromised");
    }
    return new WarrantKeys(keys);
  }

  /** The kids of the keys, in JWKS order. */
  public Set<String> kids() {
    return Collections.unmodifiableSet(keys.keySet());
  }

  /** The 32-byte Ed25519 public key with this kid, or null. */
  byte @Nullable [] publicKey(String kid) {
    byte[] key = keys.get(kid);
    return key == null ? null : key.clone();
  }

  /**
   * The RFC 7638 §3 thumbprint of an Ed25519 key: base64url SHA-256 of {@code
   * {"crv":"Ed25519","kty":"OKP","x":"…"}}, the required members in lexicographic order.
   */
  static String thumbprint(byte[] publicKey) {
    String members =
        "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + Base64Url.encode(publicKey) + "\"}";
    try {
      return Base64Url.encode(
          MessageDigest.getInstance("SHA-256").digest(members.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static byte[] ed25519(JsonNode jwk, String where) throws WarrantException {
    if (!jwk.isObject()) {
      throw WarrantException.malformed(where + " is not a JSON object");
    }
    if (jwk.has("d")) {
      throw WarrantException.malformed(where + " holds a private key (member d)");
    }
    JsonNode kty = jwk.path("kty");
    if (!kty.isTextual() || !kty.textValue().equals("OKP")) {
      throw WarrantException.malformed(
          where
              + " has kty "
              + (kty.isTextual() ? StrictJson.quote(kty.textValue()) : "(none)")
              + "; only OKP Ed25519 keys are accepted");
    }
    for (var member : jwk.properties()) {
      if (!MEMBERS.contains(member.getKey())) {
        throw WarrantException.malformed(
            where + " has member " + StrictJson.quote(member.getKey()) + ", which is not read");
      }
    }
    requireText(jwk, "crv", "Ed25519", where);
    if (jwk.has("alg")) {
      requireText(jwk, "alg", "EdDSA", where);
    }
    if (jwk.has("use")) {
      requireText(jwk, "use", "sig", where);
    }
    JsonNode x = jwk.path("x");
    byte[] key = x.isTextual() ? Base64Url.decode(x.textValue()) : null;
    if (key == null || key.length != 32) {
      throw WarrantException.malformed(where + " x is not canonical base64url of 32 bytes");
    }
    JsonNode kid = jwk.path("kid");
    if (!kid.isTextual() || !kid.textValue().equals(thumbprint(key))) {
      throw WarrantException.malformed(where + " kid is not the key's RFC 7638 thumbprint");
    }
    return key;
  }

  private static void requireText(JsonNode jwk, String name, String expected, String where)
      throws WarrantException {
    JsonNode v = jwk.path(name);
    if (!v.isTextual() || !v.textValue().equals(expected)) {
      throw WarrantException.malformed(where + " " + name + " is not \"" + expected + "\"");
    }
  }

  @Override
  public String toString() {
    return "WarrantKeys" + keys.keySet();
  }
}
