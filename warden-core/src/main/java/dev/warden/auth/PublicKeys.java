package dev.warden.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.crypto.Ed25519KeyPair;
import java.io.IOException;
import java.util.Base64;

/**
 * Reads an agent's Ed25519 public key in the forms operators have at hand: 32 raw bytes in base64
 * (or base64url), a JWK ({@code {"kty":"OKP","crv":"Ed25519","x":"…"}}), or a PEM {@code PUBLIC
 * KEY} (SubjectPublicKeyInfo, as {@code openssl pkey -pubout} writes it).
 */
public final class PublicKeys {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PublicKeys() {}

  /**
   * @return the 32 raw public key bytes
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static byte[] parseEd25519(String text) {
    String s = text.strip();
    if (s.startsWith("-----BEGIN")) {
      return Ed25519KeyPair.publicKeyFromSpkiPem(s);
    }
    if (s.startsWith("{")) {
      return fromJwk(s);
    }
    byte[] raw;
    try {
      raw =
          s.contains("-") || s.contains("_")
              ? Base64.getUrlDecoder().decode(s)
              : Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "a public key is 32 bytes in base64, a JWK (kty OKP, crv Ed25519) or a PEM PUBLIC KEY");
    }
    if (raw.length != 32) {
      throw new IllegalArgumentException(
          "an Ed25519 public key is 32 bytes; this base64 decodes to " + raw.length);
    }
    return raw;
  }

  private static byte[] fromJwk(String s) {
    JsonNode jwk;
    try {
      jwk = JSON.readTree(s);
    } catch (IOException e) {
      throw new IllegalArgumentException("the JWK is not valid JSON");
    }
    if (!"OKP".equals(jwk.path("kty").asText()) || !"Ed25519".equals(jwk.path("crv").asText())) {
      throw new IllegalArgumentException("the JWK must have kty OKP and crv Ed25519");
    }
    if (jwk.has("d")) {
      throw new IllegalArgumentException(
          "the JWK contains a private key (d); give Warden only the public key");
    }
    byte[] x;
    try {
      x = Base64.getUrlDecoder().decode(jwk.path("x").asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the JWK's x is not base64url");
    }
    if (x.length != 32) {
      throw new IllegalArgumentException("the JWK's x must be 32 bytes");
    }
    return x;
  }
}
