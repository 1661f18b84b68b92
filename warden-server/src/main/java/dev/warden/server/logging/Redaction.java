package dev.warden.server.logging;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Masks secrets in log text, as a last line of defence: Warden's code never hands a secret to the
 * logger on purpose, and this catches what slips through (an exception message that echoes a
 * header, a library's debug line). It masks Warden tokens ({@code wdn_…}, {@code wda_…}), the value
 * of an {@code Authorization} header, PEM private key blocks, and every value registered with
 * {@link #register} (adapter secrets, the key passphrase).
 */
public final class Redaction {
  /** What a masked value becomes. */
  public static final String MASK = "[REDACTED]";

  /** Values shorter than this are not registered: masking them would garble every line. */
  static final int MIN_SECRET_LENGTH = 6;

  private static final Pattern TOKEN = Pattern.compile("\\b(wd[na])_[A-Za-z0-9_-]{16,}");
  private static final Pattern AUTHORIZATION =
      Pattern.compile(
          "(?i)((?:proxy-)?authorization[\"'\\\\]*\\s*[:=]\\s*[\"'\\\\]*)[^\"'\\\\\\r\\n,;}\\]]+");
  private static final Pattern PEM_KEY =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\\s\\S]*?(-----END \\1PRIVATE KEY-----|$)");
  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

  private Redaction() {}

  /** Registers a secret value to mask wherever it appears (also in its JSON-escaped form). */
  public static void register(String secret) {
    if (secret.length() < MIN_SECRET_LENGTH) {
      return;
    }
    SECRETS.add(secret);
    String escaped = jsonEscape(secret);
    if (!escaped.equals(secret)) {
      SECRETS.add(escaped);
    }
  }

  /** Registers the key passphrase from the environment, if it is set there. */
  public static void registerEnvironment() {
    String p = System.getenv("WARDEN_KEY_PASSPHRASE");
    if (p != null) {
      register(p);
    }
  }

  /** {@code text} with every registered secret value masked (nothing else). */
  public static String maskSecrets(String text) {
    String out = text;
    for (String s : SECRETS) {
      if (out.contains(s)) {
        out = out.replace(s, MASK);
      }
    }
    return out;
  }

  /** {@code text} with every secret it contains masked. */
  public static String redact(String text) {
    String out = maskSecrets(text);
    if (out.contains("PRIVATE KEY-----")) {
      out = PEM_KEY.matcher(out).replaceAll("-----" + MASK + " PRIVATE KEY-----");
    }
    if (out.contains("wdn_") || out.contains("wda_")) {
      out = TOKEN.matcher(out).replaceAll("$1_" + MASK);
    }
    if (containsIgnoreCase(out, "authorization")) {
      out = AUTHORIZATION.matcher(out).replaceAll("$1" + MASK);
    }
    return out;
  }

  private static boolean containsIgnoreCase(String s, String word) {
    int n = word.length();
    for (int i = 0; i + n <= s.length(); i++) {
      if (s.regionMatches(true, i, word, 0, n)) {
        return true;
      }
    }
    return false;
  }

  private static String jsonEscape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
