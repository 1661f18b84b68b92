package dev.warden.client.warrant;

import java.util.Base64;
import org.jspecify.annotations.Nullable;

/** Base64url without padding (RFC 7515 §2), decoded only in its canonical form. */
final class Base64Url {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private Base64Url() {}

  static String encode(byte[] b) {
    return ENCODER.encodeToString(b);
  }

  /** The bytes, or null unless {@code s} is unpadded base64url with zero padding bits. */
  static byte @Nullable [] decode(String s) {
    byte[] out;
    try {
      out = Base64.getUrlDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
    // Re-encoding refuses padding and nonzero padding bits, which the JDK decoder lets through, so
    // that one token has exactly one spelling.
    return ENCODER.encodeToString(out).equals(s) ? out : null;
  }
}
