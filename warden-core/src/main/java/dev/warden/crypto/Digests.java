package dev.warden.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 and the {@code sha256:<hex>} form Warden uses for digests in entries and responses. */
public final class Digests {
  private static final HexFormat HEX = HexFormat.of();

  /**
   * Cloned for each digest: a clone costs a few array copies, where {@code getInstance} walks the
   * security providers (measurable at a few Merkle hashes per decision).
   */
  private static final MessageDigest SHA256 = lookUp();

  private Digests() {}

  /** SHA-256 of the concatenation of {@code parts}. */
  public static byte[] sha256(byte[]... parts) {
    MessageDigest md = newSha256();
    for (byte[] p : parts) {
      md.update(p);
    }
    return md.digest();
  }

  /** {@code sha256:} followed by the lower-case hex SHA-256 of {@code data}. */
  public static String sha256Prefixed(byte[] data) {
    return prefixed(sha256(data));
  }

  /** {@code sha256:} followed by the lower-case hex of a 32-byte digest. */
  public static String prefixed(byte[] digest) {
    if (digest.length != 32) {
      throw new IllegalArgumentException("a SHA-256 digest is 32 bytes");
    }
    return "sha256:" + HEX.formatHex(digest);
  }

  /** A fresh SHA-256 digest, for one thread. */
  public static MessageDigest newSha256() {
    try {
      return (MessageDigest) SHA256.clone();
    } catch (CloneNotSupportedException e) {
      return lookUp();
    }
  }

  private static MessageDigest lookUp() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
