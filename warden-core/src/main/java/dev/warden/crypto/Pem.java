package dev.warden.crypto;

import java.util.Base64;

/** RFC 7468 PEM, strict: one block of the expected label, base64 with line breaks only. */
final class Pem {
  private Pem() {}

  static byte[] decode(String pem, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    String s = pem.strip();
    if (!s.startsWith(begin) || !s.endsWith(end)) {
      throw new IllegalArgumentException("expected a PEM block labelled " + label);
    }
    String body = s.substring(begin.length(), s.length() - end.length());
    try {
      // The basic decoder, not the MIME one: that one skips any character outside the alphabet,
      // so a damaged or tampered block would decode instead of being refused.
      return Base64.getDecoder().decode(body.replaceAll("[\\r\\n\\t ]", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the PEM block " + label + " is not valid base64", e);
    }
  }

  static String encode(byte[] der, String label) {
    String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
  }
}
