package dev.warden.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.crypto.Digests;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * An Ed25519 public key as an OKP JSON Web Key (RFC 8037 §2): {@code
 * {"alg":"EdDSA","crv":"Ed25519","kid":…,"kty":"OKP","use":"sig","x":…}}, whose {@code kid} is
 * always its RFC 7638 thumbprint.
 *
 * @param kid the RFC 7638 §3 thumbprint: base64url SHA-256 of {@code
 *     {"crv":"Ed25519","kty":"OKP","x":"…"}}
 * @param publicKey the 32-byte RFC 8032 public key ({@code x})
 */
public record Jwk(String kid, byte[] publicKey) {
  private static final Set<String> MEMBERS =
      Set.of("kty", "crv", "x", "kid", "alg", "use", Jwks.COMPROMISED);

  /**
   * @throws IllegalArgumentException if the key is not 32 bytes or {@code kid} is not its
   *     thumbprint
   */
  public Jwk {
    if (publicKey.length != 32) {
      throw new IllegalArgumentException(
          "an Ed25519 public key is 32 bytes, not " + publicKey.length);
    }
    publicKey = publicKey.clone();
    if (!kid.equals(thumbprint(publicKey))) {
      throw new IllegalArgumentException("kid " + kid + " is not the key's RFC 7638 thumbprint");
    }
  }

  /** The JWK of {@code publicKey}, its kid the thumbprint. */
  public static Jwk of(byte[] publicKey) {
    if (publicKey.length != 32) {
      throw new IllegalArgumentException(
          "an Ed25519 public key is 32 bytes, not " + publicKey.length);
    }
    return new Jwk(thumbprint(publicKey), publicKey);
  }

  /**
   * The RFC 7638 §3 thumbprint of an Ed25519 key: the required members of an OKP key (RFC 8037 §2),
   * in lexicographic order without whitespace, hashed with SHA-256, base64url without padding.
   */
  public static String thumbprint(byte[] publicKey) {
    String members =
        "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + Base64Url.encode(publicKey) + "\"}";
    return Base64Url.encode(Digests.sha256(members.getBytes(StandardCharsets.UTF_8)));
  }

  /** {@code {"alg":"EdDSA","crv":"Ed25519","kid":…,"kty":"OKP","use":"sig","x":…}}. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("kty", "OKP");
    o.put("crv", "Ed25519");
    o.put("x", Base64Url.encode(publicKey));
    o.put("kid", kid);
    o.put("alg", "EdDSA");
    o.put("use", "sig");
    return o;
  }

  /**
   * Reads one key strictly: an object with {@code kty} "OKP", {@code crv} "Ed25519", {@code x}
   * (canonical base64url of 32 bytes) and {@code kid} (its thumbprint), optionally {@code alg}
   * "EdDSA" and {@code use} "sig", and no other member (so never a private {@code d}).
   *
   * @throws ReceiptException {@code MALFORMED}
   */
  public static Jwk fromJson(JsonNode node) throws ReceiptException {
    if (!node.isObject()) {
      throw ReceiptException.malformed("a JWK is not a JSON object");
    }
    for (var member : node.properties()) {
      String name = member.getKey();
      if (!MEMBERS.contains(name)) {
        throw ReceiptException.malformed(
            name.equals("d")
                ? "JWK holds a private key (member d); a JWKS must hold public keys only"
                : "JWK member " + name + " is not one Warden reads");
      }
    }
    requireText(node, "kty", "OKP");
    requireText(node, "crv", "Ed25519");
    if (node.has("alg")) {
      requireText(node, "alg", "EdDSA");
    }
    if (node.has("use")) {
      requireText(node, "use", "sig");
    }
    JsonNode x = node.get("x");
    byte[] key = x != null && x.isTextual() ? Base64Url.decode(x.textValue()) : null;
    if (key == null || key.length != 32) {
      throw ReceiptException.malformed("JWK x is not canonical base64url of 32 bytes");
    }
    JsonNode kid = node.get("kid");
    if (kid == null || !kid.isTextual() || !kid.textValue().equals(thumbprint(key))) {
      throw ReceiptException.malformed("JWK kid is not the key's RFC 7638 thumbprint");
    }
    return new Jwk(kid.textValue(), key);
  }

  private static void requireText(JsonNode node, String name, String expected)
      throws ReceiptException {
    JsonNode v = node.get(name);
    if (v == null || !v.isTextual() || !v.textValue().equals(expected)) {
      throw ReceiptException.malformed("JWK " + name + " is not \"" + expected + "\"");
    }
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Jwk other
        && kid.equals(other.kid)
        && Arrays.equals(publicKey, other.publicKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kid, Arrays.hashCode(publicKey));
  }

  @Override
  public String toString() {
    return "Jwk[kid=" + kid + "]";
  }
}
