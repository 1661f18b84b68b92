package dev.warden.server;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Secrets the tests use on purpose, so {@link LogCanaryCheck} can look for them in every line the
 * test run logged. Real tokens are random; their shape is looked for instead.
 */
public final class Canaries {
  private Canaries() {}

  /** An adapter secret (sent upstream as a header). */
  public static final String ADAPTER_SECRET = "canary-adapter-secret-7f3a9c";

  /** A forged operator token (the right shape, unknown to the server). */
  public static final String FORGED_OPERATOR_TOKEN =
      "wdn_canaryForgedOperatorToken0123456789abcdefgh";

  /** A forged agent token. */
  public static final String FORGED_AGENT_TOKEN = "wda_canaryForgedAgentToken0123456789abcdefghijk";

  /** A password in an upstream URL's user info. */
  public static final String URL_PASSWORD = "canary-url-password-5e1d";

  public static final List<String> ALL =
      List.of(ADAPTER_SECRET, FORGED_OPERATOR_TOKEN, FORGED_AGENT_TOKEN, URL_PASSWORD);

  /** What a Warden token, a PEM private key or a bearer credential looks like in a line. */
  public static final Pattern SHAPES =
      Pattern.compile(
          "wd[na]_[A-Za-z0-9_-]{40,}|PRIVATE KEY-----\\s*[A-Za-z0-9+/]{16}|(?i)bearer\\s+[A-Za-z0-9._~+/-]{16,}");
}
