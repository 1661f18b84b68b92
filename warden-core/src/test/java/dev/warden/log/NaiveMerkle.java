package dev.warden.log;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * RFC 9162 §2.1.1 Merkle Tree Hash, written from the RFC's definition and nothing else: the
 * reference the log's incremental frontier is checked against. Quadratic when called per size, on
 * purpose.
 */
final class NaiveMerkle {
  private NaiveMerkle() {}

  /** MTH(D[n]) of the entries (not leaf hashes) {@code d}. */
  static byte[] mth(List<byte[]> d) {
    return mth(d, 0, d.size());
  }

  private static byte[] mth(List<byte[]> d, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return sha256(new byte[0]);
    }
    if (n == 1) {
      return sha256(new byte[] {0x00}, d.get(from));
    }
    int k = 1;
    while (k * 2 < n) {
      k *= 2; // the largest power of two smaller than n
    }
    return sha256(new byte[] {0x01}, mth(d, from, from + k), mth(d, from + k, to));
  }

  static byte[] leafHash(byte[] entry) {
    return sha256(new byte[] {0x00}, entry);
  }

  private static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
