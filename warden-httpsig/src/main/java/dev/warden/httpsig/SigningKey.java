package dev.warden.httpsig;

import static java.util.Objects.requireNonNull;

import dev.warden.httpsig.SignatureAlgorithms.Algorithm;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A private key or shared secret with the {@code keyid} it signs under. The key material is copied
 * in and never exposed: {@code toString} shows only the algorithm and key id, and {@code equals} is
 * identity.
 */
public final class SigningKey {

  /** Shortest accepted HMAC secret: 256 bits, the output size of SHA-256. */
  public static final int MIN_HMAC_SECRET_BYTES = 32;

  private final Algorithm algorithm;
  private final String keyId;
  private final byte[] secret;
  private final byte @Nullable [] publicKey;

  private SigningKey(
      Algorithm algorithm, String keyId, byte[] secret, byte @Nullable [] publicKey) {
    if (keyId.isEmpty() || !keyId.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
      throw new IllegalArgumentException("key id must be non-empty printable ASCII");
    }
    this.algorithm = algorithm;
    this.keyId = keyId;
    this.secret = secret;
    this.publicKey = publicKey;
  }

  /** An Ed25519 key from its 32-byte private key (the RFC 8032 seed). */
  public static SigningKey ed25519(String keyId, byte[] seed32) {
    byte[] seed = seed32.clone();
    return new SigningKey(
        Algorithm.ED25519, keyId, seed, SignatureAlgorithms.ed25519PublicKey(seed));
  }

  /** An HMAC-SHA256 key; the secret must be at least {@value #MIN_HMAC_SECRET_BYTES} bytes. */
  public static SigningKey hmacSha256(String keyId, byte[] secret) {
    if (secret.length < MIN_HMAC_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "HMAC secret must be at least " + MIN_HMAC_SECRET_BYTES + " bytes");
    }
    return new SigningKey(Algorithm.HMAC_SHA256, keyId, secret.clone(), null);
  }

  public Algorithm algorithm() {
    return algorithm;
  }

  /** The {@code keyid} signature parameter this key signs under. */
  public String keyId() {
    return keyId;
  }

  /** The raw 32-byte public key of an Ed25519 key; empty for HMAC. */
  public Optional<byte[]> publicKey() {
    return Optional.ofNullable(publicKey).map(byte[]::clone);
  }

  /** Signs a signature base. */
  public byte[] sign(byte[] base) {
    return switch (algorithm) {
      case ED25519 -> SignatureAlgorithms.signEd25519(secret, requireNonNull(publicKey), base);
      case HMAC_SHA256 -> SignatureAlgorithms.signHmacSha256(secret, base);
    };
  }

  @Override
  public String toString() {
    return "SigningKey[" + algorithm.parameterValue() + ", keyid=" + keyId + "]";
  }
}
