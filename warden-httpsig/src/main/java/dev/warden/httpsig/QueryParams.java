package dev.warden.httpsig;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The {@code @query-param} component value, RFC 9421 §2.2.8: the query is parsed as
 * application/x-www-form-urlencoded (WHATWG URL §5.1), names and values are decoded, then
 * re-encoded with "percent-encode after encoding" and the x-www-form-urlencoded percent-encode set
 * (§5.2), a space as {@code %20}.
 */
final class QueryParams {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private QueryParams() {}

  /**
   * The encoded value of the single parameter whose encoded name is {@code encodedName}.
   *
   * @throws SignatureException MALFORMED_SIGNATURE if it is absent or occurs more than once
   */
  static String value(@Nullable String rawQuery, String encodedName) throws SignatureException {
    String found = null;
    int count = 0;
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&", -1)) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        if (canonical(name).equals(encodedName)) {
          count++;
          found = canonical(eq < 0 ? "" : pair.substring(eq + 1));
        }
      }
    }
    String shown = Component.shown(encodedName);
    if (found == null) {
      throw SignatureException.malformed("query parameter " + shown + " is not in the request");
    }
    if (count > 1) {
      // §2.2.8: a repeated parameter cannot be signed by name.
      throw SignatureException.malformed("query parameter " + shown + " occurs more than once");
    }
    return found;
  }

  /** Decodes one form-urlencoded name or value and encodes it again. */
  static String canonical(String raw) {
    return encode(decode(raw));
  }

  static String decode(String raw) {
    byte[] in = raw.replace('+', ' ').getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    for (int i = 0; i < in.length; i++) {
      int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
      int lo = i + 2 < in.length ? Character.digit(in[i + 2], 16) : -1;
      if (in[i] == '%' && hi >= 0 && lo >= 0) {
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        out.write(in[i]);
      }
    }
    // Invalid UTF-8 becomes U+FFFD, as the WHATWG "UTF-8 decode without BOM" does.
    return out.toString(StandardCharsets.UTF_8);
  }

  static String encode(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '*'
          || c == '-'
          || c == '.'
          || c == '_') {
        out.append(c);
      } else {
        out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
    return out.toString();
  }
}
