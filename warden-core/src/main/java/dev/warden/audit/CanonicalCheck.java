package dev.warden.audit;

import java.io.IOException;
import org.erdtman.jcs.NumberToJSON;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether bytes are exactly the RFC 8785 (JCS) canonical form of the JSON they hold,
 * without building a tree — the same answer as parsing them with {@code StrictJson} (depth ≤
 * {@value #MAX_DEPTH}, no other limit) and comparing {@code Canonical.bytes} of the tree with them,
 * at a fraction of the cost (a property test holds the two to each other).
 *
 * <p>Canonical form, as {@code dev.warden.json.Canonical} writes it: no whitespace; strict UTF-8;
 * object members in strictly increasing order of their names' UTF-16 code units (RFC 8785 §3.2.3,
 * which also rules out duplicates); strings escaped as ECMAScript's {@code JSON.stringify} does —
 * {@code \"}, {@code \\}, {@code \b \f \n \r \t}, {@code \}{@code u00xx} (lower-case hex) for the
 * other control characters, every other character literal (§3.2.2.2); numbers as ECMAScript's
 * {@code Number.prototype.toString} writes the double they denote (§3.2.2.3).
 */
final class CanonicalCheck {
  /** Deepest nesting accepted; a scalar has depth 0, {@code {}} depth 1. */
  static final int MAX_DEPTH = 64;

  private final byte[] b;
  private int p;

  private CanonicalCheck(byte[] bytes) {
    this.b = bytes;
  }

  /** Null when {@code bytes} are canonical JSON; otherwise what is wrong and at which offset. */
  static @Nullable String problem(byte[] bytes) {
    CanonicalCheck c = new CanonicalCheck(bytes);
    try {
      c.value(0);
      if (c.p != bytes.length) {
        throw c.fail("bytes after the JSON value");
      }
      return null;
    } catch (NotCanonical e) {
      return e.getMessage();
    }
  }

  private static final class NotCanonical extends Exception {
    NotCanonical(String message) {
      super(message, null, false, false);
    }
  }

  private NotCanonical fail(String what) {
    return new NotCanonical(what + " at byte offset " + p);
  }

  private int peek() throws NotCanonical {
    if (p >= b.length) {
      throw fail("the text ends early");
    }
    return b[p] & 0xff;
  }

  private void expect(char c) throws NotCanonical {
    if (peek() != c) {
      throw fail("expected '" + c + "'" + (isSpace(b[p]) ? ", found whitespace" : ""));
    }
    p++;
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  private void value(int depth) throws NotCanonical {
    int c = peek();
    switch (c) {
      case '{' -> object(depth + 1);
      case '[' -> array(depth + 1);
      case '"' -> string(null);
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          number();
        } else {
          throw fail(isSpace((byte) c) ? "whitespace" : String.format("unexpected byte 0x%02x", c));
        }
      }
    }
  }

  private void object(int depth) throws NotCanonical {
    if (depth > MAX_DEPTH) {
      throw fail("nesting deeper than " + MAX_DEPTH);
    }
    p++;
    if (peek() == '}') {
      p++;
      return;
    }
    String previous = null;
    StringBuilder name = new StringBuilder(16);
    while (true) {
      if (peek() != '"') {
        throw fail("expected a member name");
      }
      name.setLength(0);
      int at = p;
      string(name);
      String current = name.toString();
      // String.compareTo compares UTF-16 code units, as RFC 8785 §3.2.3 sorts.
      if (previous != null && previous.compareTo(current) >= 0) {
        p = at;
        throw fail(
            previous.equals(current)
                ? "duplicate member \"" + current + "\""
                : "member \"" + current + "\" is out of order (after \"" + previous + "\")");
      }
      previous = current;
      expect(':');
      value(depth);
      int c = peek();
      p++;
      if (c == '}') {
        return;
      }
      if (c != ',') {
        p--;
        throw fail("expected ',' or '}'");
      }
    }
  }

  private void array(int depth) throws NotCanonical {
    if (depth > MAX_DEPTH) {
      throw fail("nesting deeper than " + MAX_DEPTH);
    }
    p++;
    if (peek() == ']') {
      p++;
      return;
    }
    while (true) {
      value(depth);
      int c = peek();
      p++;
      if (c == ']') {
        return;
      }
      if (c != ',') {
        p--;
        throw fail("expected ',' or ']'");
      }
    }
  }

  private void literal(String word) throws NotCanonical {
    for (int i = 0; i < word.length(); i++) {
      if (p >= b.length || b[p] != word.charAt(i)) {
        throw fail("not a JSON literal (expected " + word + ")");
      }
      p++;
    }
  }

  /** A string from its opening quote; appends the decoded text to {@code out} when given. */
  private void string(@Nullable StringBuilder out) throws NotCanonical {
    p++;
    while (true) {
      int c = peek();
      if (c == '"') {
        p++;
        return;
      }
      if (c == '\\') {
        escape(out);
      } else if (c < 0x20) {
        throw fail(String.format("unescaped control character 0x%02x in a string", c));
      } else if (c < 0x80) {
        if (out != null) {
          out.append((char) c);
        }
        p++;
      } else {
        utf8(c, out);
      }
    }
  }

  private void escape(@Nullable StringBuilder out) throws NotCanonical {
    if (p + 1 >= b.length) {
      throw fail("the text ends inside an escape");
    }
    char decoded =
        switch (b[p + 1]) {
          case '"' -> '"';
          case '\\' -> '\\';
          case 'b' -> '\b';
          case 'f' -> '\f';
          case 'n' -> '\n';
          case 'r' -> '\r';
          case 't' -> '\t';
          case 'u' -> unicodeEscape();
          default -> throw fail("escape \\" + (char) (b[p + 1] & 0xff) + " is not canonical");
        };
    if (out != null) {
      out.append(decoded);
    }
    p += b[p + 1] == 'u' ? 6 : 2;
  }

  /**
   * Canonical form escapes with {@code \}{@code u} only control characters without a short form.
   */
  private char unicodeEscape() throws NotCanonical {
    if (p + 5 >= b.length
        || b[p + 2] != '0'
        || b[p + 3] != '0'
        || (b[p + 4] != '0' && b[p + 4] != '1')
        || !lowerHex(b[p + 5])) {
      throw fail(
          "only control characters are written as \\u00xx (lower-case hex) in canonical form");
    }
    int v = (b[p + 4] - '0') * 16 + Character.digit(b[p + 5], 16);
    if (v == '\b' || v == '\f' || v == '\n' || v == '\r' || v == '\t') {
      throw fail(String.format("\\u%04x has a short escape in canonical form", v));
    }
    return (char) v;
  }

  private static boolean lowerHex(byte c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }

  /**
   * One multi-byte UTF-8 sequence, strictly (no overlong forms, surrogates or values past 10FFFF).
   */
  private void utf8(int c, @Nullable StringBuilder out) throws NotCanonical {
    int n;
    int cp;
    int lo = 0x80;
    int hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      cp = c & 0x0f;
      lo = c == 0xe0 ? 0xa0 : 0x80;
      hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      cp = c & 0x07;
      lo = c == 0xf0 ? 0x90 : 0x80;
      hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
      throw fail(String.format("invalid UTF-8 byte 0x%02x", c));
    }
    for (int i = 1; i <= n; i++) {
      int x = p + i < b.length ? b[p + i] & 0xff : -1;
      if (x < (i == 1 ? lo : 0x80) || x > (i == 1 ? hi : 0xbf)) {
        throw fail("invalid UTF-8 sequence");
      }
      cp = (cp << 6) | (x & 0x3f);
    }
    if (out != null) {
      out.appendCodePoint(cp);
    }
    p += n + 1;
  }

  private void number() throws NotCanonical {
    int start = p;
    if (b[p] == '-') {
      p++;
    }
    int intStart = p;
    if (p < b.length && b[p] == '0') {
      p++;
    } else if (p < b.length && b[p] >= '1' && b[p] <= '9') {
      digits();
    } else {
      throw fail("not a JSON number");
    }
    boolean plainInteger = true;
    if (p < b.length && b[p] == '.') {
      p++;
      requireDigits();
      plainInteger = false;
    }
    if (p < b.length && (b[p] == 'e' || b[p] == 'E')) {
      p++;
      if (p < b.length && (b[p] == '+' || b[p] == '-')) {
        p++;
      }
      requireDigits();
      plainInteger = false;
    }
    // Integers of up to 15 digits are exact doubles that ECMAScript writes as they are: only -0
    // and the general case need the full conversion.
    int intDigits = p - intStart;
    if (plainInteger && intDigits <= 15 && !(b[start] == '-' && b[intStart] == '0')) {
      return;
    }
    String token = new String(b, start, p - start, java.nio.charset.StandardCharsets.US_ASCII);
    String canonical;
    try {
      canonical = NumberToJSON.serializeNumber(Double.parseDouble(token));
    } catch (IOException | NumberFormatException e) {
      p = start;
      throw fail("number " + token + " has no canonical form (outside the double range)");
    }
    if (!canonical.equals(token)) {
      p = start;
      throw fail("number " + token + " is written " + canonical + " in canonical form");
    }
  }

  private void digits() {
    while (p < b.length && b[p] >= '0' && b[p] <= '9') {
      p++;
    }
  }

  private void requireDigits() throws NotCanonical {
    int at = p;
    digits();
    if (p == at) {
      throw fail("not a JSON number (a digit must follow)");
    }
  }
}
