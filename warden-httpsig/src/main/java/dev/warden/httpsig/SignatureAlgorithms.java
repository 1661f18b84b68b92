package dev.warden.httpsig;

import dev.warden.httpsig.SignatureException.Reason;
import java.security.MessageDigest;
import java.util.Optional;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The signature algorithms Warden accepts, RFC 9421 §3.3: {@code ed25519} (§3.3.6, RFC 8032 pure
 * Ed25519 over the signature base) and {@code hmac-sha256} (§3.3.3, RFC 2104 with SHA-256). Both
 * use BouncyCastle's lightweight implementations. Verifiers throw; they never return a boolean.
 */
public final class SignatureAlgorithms {

  /** An algorithm and its name in the {@code alg} signature parameter (§6.2.2). */
  public enum Algorithm {
    ED25519("ed25519"),
    HMAC_SHA256("hmac-sha256");

    private final String parameterValue;

    Algorithm(String parameterValue) {
      this.parameterValue = parameterValue;
    }

    /** The value of the {@code alg} parameter, e.g. {@code ed25519}. */
    public String parameterValue() {
      return parameterValue;
    }

    /** The algorithm named by an {@code alg} parameter, if Warden supports it. */
    public static Optional<Algorithm> fromParameter(String value) {
      for (Algorithm a : values()) {
        if (a.parameterValue.equals(value)) {
          return Optional.of(a);
        }
      }
      return Optional.empty();
    }
  }

  private SignatureAlgorithms() {}

  /** Verifies with {@code algorithm}; {@code key} is a raw public key or a shared secret. */
  public static void verify(Algorithm algorithm, byte[] key, byte[] base, byte[] signature)
      throws SignatureException {
    switch (algorithm) {
      case ED25519 -> verifyEd25519(key, base, signature);
      case HMAC_SHA256 -> verifyHmacSha256(key, base, signature);
    }
  }

  /**
   * Verifies an Ed25519 signature (64 bytes) over {@code base} with a raw 32-byte public key.
   *
   * @throws SignatureException BAD_SIGNATURE if the signature does not verify
   * @throws IllegalArgumentException if the public key is not 32 bytes
   */
  public static void verifyEd25519(byte[] rawPublicKey32, byte[] base, byte[] signature)
      throws SignatureException {
    requireLength("Ed25519 public key", rawPublicKey32, Ed25519.PUBLIC_KEY_SIZE);
    if (signature.length != Ed25519.SIGNATURE_SIZE
        || !Ed25519.verify(signature, 0, rawPublicKey32, 0, base, 0, base.length)) {
      throw new SignatureException(Reason.BAD_SIGNATURE, "the ed25519 signature does not verify");
    }
  }

  /**
   * Verifies an HMAC-SHA256 signature (32 bytes) over {@code base}, comparing in constant time.
   *
   * @throws SignatureException BAD_SIGNATURE if the signature does not match
   * @throws IllegalArgumentException if the secret is empty
   */
  public static void verifyHmacSha256(byte[] secret, byte[] base, byte[] signature)
      throws SignatureException {
    if (!MessageDigest.isEqual(signHmacSha256(secret, base), signature)) {
      throw new SignatureException(
          Reason.BAD_SIGNATURE, "the hmac-sha256 signature does not verify");
    }
  }

  /** Signs {@code base} with the Ed25519 private key {@code seed32} (RFC 8032 §5.1.5). */
  public static byte[] signEd25519(byte[] seed32, byte[] base) {
    requireLength("Ed25519 private key", seed32, Ed25519.SECRET_KEY_SIZE);
    byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
    Ed25519.sign(seed32, 0, base, 0, base.length, signature, 0);
    return signature;
  }

  /**
   * Signs with a private key whose public key is already known (saves a scalar multiply). Not
   * public on purpose: signing with a public key that does not belong to the seed can leak the
   * private key, so only {@link SigningKey}, which derives it, may call this.
   */
  static byte[] signEd25519(byte[] seed32, byte[] publicKey32, byte[] base) {
    byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
    Ed25519.sign(seed32, 0, publicKey32, 0, base, 0, base.length, signature, 0);
    return signature;
  }

  /** The raw 32-byte Ed25519 public key of the private key {@code seed32}. */
  public static byte[] ed25519PublicKey(byte[] seed32) {
    requireLength("Ed25519 private key", seed32, Ed25519.SECRET_KEY_SIZE);
    byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
    Ed25519.generatePublicKey(seed32, 0, publicKey, 0);
    return publicKey;
  }

  /** HMAC-SHA256 of {@code base} under {@code secret} (32 bytes). */
  public static byte[] signHmacSha256(byte[] secret, byte[] base) {
    if (secret.length == 0) {
      throw new IllegalArgumentException("HMAC secret is empty");
    }
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(secret));
    mac.update(base, 0, base.length);
    byte[] out = new byte[mac.getMacSize()];
    mac.doFinal(out, 0);
    return out;
  }

  private static void requireLength(String what, byte[] key, int length) {
    if (key.length != length) {
      throw new IllegalArgumentException(what + " must be " + length + " bytes");
    }
  }
}
