package dev.warden.note;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/** Lexical rules shared by notes, vkeys, checkpoints and tlog proofs. */
final class NoteText {
  private NoteText() {}

  /**
   * Why {@code name} is not a key name (c2sp.org/signed-note §Format: non-empty, no Unicode space,
   * no '+'; Warden also refuses control characters and unpaired surrogates), or null if it is one.
   */
  static @Nullable String nameProblem(String name) {
    if (name.isEmpty()) {
      return "key name is empty";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '+') {
        return "key name contains '+'";
      }
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
        return String.format("key name contains a space or control character U+%04X", (int) c);
      }
    }
    return unicodeProblem(name);
  }

  /**
   * Why {@code s} is not text a note may hold: a control character other than newline (U+0000 to
   * U+001F, so CR too) or an unpaired surrogate (not UTF-8); null if it is fine.
   */
  static @Nullable String textProblem(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\n') {
        return String.format("control character U+%04X at offset %d", (int) c, i);
      }
    }
    return unicodeProblem(s);
  }

  /** As {@link #textProblem} and without newline: one line of a checkpoint or proof. */
  static @Nullable String lineProblem(String s) {
    int nl = s.indexOf('\n');
    if (nl >= 0) {
      return "line contains a newline at offset " + nl;
    }
    return textProblem(s);
  }

  private static @Nullable String unicodeProblem(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "unpaired surrogate at offset " + i + " (not UTF-8 text)";
      }
    }
    return null;
  }

  /** The UTF-8 length of text without unpaired surrogates. */
  static long utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * Decodes standard base64 (RFC 4648 §4) in its one canonical form: with padding, no line breaks,
   * zero padding bits. Null if {@code s} is anything else.
   */
  static byte @Nullable [] base64(String s) {
    byte[] out;
    try {
      out = Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
    // Re-encoding catches missing padding and nonzero padding bits, which the JDK decoder allows.
    return Base64.getEncoder().encodeToString(out).equals(s) ? out : null;
  }

  static String base64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  /**
   * Parses a decimal with no sign and no leading zero (unless it is {@code 0}) into a long; -1 if
   * {@code s} is not one or does not fit.
   */
  static long decimal(String s) {
    if (s.isEmpty() || s.length() > 19 || (s.length() > 1 && s.charAt(0) == '0')) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return -1;
      }
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1; // 19 digits above Long.MAX_VALUE
    }
  }
}
