package dev.warden.httpsig;

import dev.warden.httpsig.SignatureException.Reason;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 public key decoded once: verifying with it skips the point decompression (a field
 * square root) that verifying with the raw 32 bytes repeats on every signature. Immutable.
 */
public final class Ed25519PublicKey {
  private final Ed25519.PublicPoint point;

  private Ed25519PublicKey(Ed25519.PublicPoint point) {
    this.point = point;
  }

  /**
   * Decodes and fully validates (a canonical encoding of a point on the curve, not of small order)
   * a raw 32-byte public key.
   *
   * @throws IllegalArgumentException if it is not a valid Ed25519 public key
   */
  public static Ed25519PublicKey decode(byte[] raw32) {
    if (raw32.length != Ed25519.PUBLIC_KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
    }
    Ed25519.PublicPoint p = Ed25519.validatePublicKeyFullExport(raw32, 0);
    if (p == null) {
      throw new IllegalArgumentException("not a valid Ed25519 public key");
    }
    return new Ed25519PublicKey(p);
  }

  /**
   * Verifies an Ed25519 signature (64 bytes) over {@code message}.
   *
   * @throws SignatureException BAD_SIGNATURE if the signature does not verify
   */
  public void verify(byte[] message, byte[] signature) throws SignatureException {
    if (signature.length != Ed25519.SIGNATURE_SIZE
        || !Ed25519.verify(signature, 0, point, message, 0, message.length)) {
      throw new SignatureException(Reason.BAD_SIGNATURE, "the ed25519 signature does not verify");
    }
  }
}
