package dev.warden.log;

import dev.warden.crypto.Digests;
import java.security.MessageDigest;

/**
 * RFC 6962 §2.1 / RFC 9162 §2.1.1 hashing: a leaf is SHA-256(0x00 ‖ entry), an interior node
 * SHA-256(0x01 ‖ left ‖ right), the empty tree SHA-256 of nothing.
 */
public final class MerkleHasher {
  public static final int HASH_SIZE = 32;

  private MerkleHasher() {}

  public static byte[] leafHash(byte[] entry) {
    MessageDigest md = Digests.newSha256();
    md.update((byte) 0x00);
    md.update(entry);
    return md.digest();
  }

  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest md = Digests.newSha256();
    md.update((byte) 0x01);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  public static byte[] emptyRoot() {
    return Digests.sha256();
  }
}
