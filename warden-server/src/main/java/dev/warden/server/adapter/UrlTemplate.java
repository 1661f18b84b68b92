package dev.warden.server.adapter;

import dev.warden.server.adapter.AdapterConfigException.Reason;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * An {@code http} adapter's URL: a literal scheme ({@code http} or {@code https}), host and port,
 * then a path and optional query that may hold placeholders ({@link Template}; never secrets).
 *
 * <p>Guarantees, checked at load: the request goes to the configured host and port whatever the
 * request says, since nothing before the path is templated; the URL has no user information and no
 * fragment; literal path and query text is valid RFC 3986. At execution, every substituted value is
 * UTF-8 percent-encoded except the unreserved characters ({@code A-Z a-z 0-9 - . _ ~}), so a {@code
 * /}, {@code ?}, {@code &}, {@code =} or {@code #} in a value stays inside its path segment or
 * query value; a substituted value in the path must not be empty and the path must not get a {@code
 * .} or {@code ..} segment (servers would remove it, climbing the path).
 */
public final class UrlTemplate {

  /** Longest request target (path and query, encoded) sent, in characters. */
  static final int MAX_TARGET = 8192;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final String text;
  private final String scheme;
  private final String host;
  private final int port;
  private final Template path;
  private final @Nullable Template query;

  private UrlTemplate(
      String text, String scheme, String host, int port, Template path, @Nullable Template query) {
    this.text = text;
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.path = path;
    this.query = query;
  }

  static UrlTemplate parse(String text, String at) throws AdapterConfigException {
    if (text.indexOf('#') >= 0) {
      throw new AdapterConfigException(
          Reason.TEMPLATE, at, "a URL fragment (#...) is never sent to the server; remove it");
    }
    int sep = text.indexOf("://");
    if (sep < 0) {
      throw new AdapterConfigException(
          Reason.TEMPLATE,
          at,
          "must be an absolute URL like https://api.example.com/v1/{resource}");
    }
    String scheme = text.substring(0, sep).toLowerCase(Locale.ROOT);
    if (scheme.indexOf('{') >= 0) {
      throw literalOnly(at, "scheme");
    }
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new AdapterConfigException(
          Reason.TEMPLATE, at, "the scheme must be https or http, got \"" + scheme + "\"");
    }
    String rest = text.substring(sep + 3);
    int end = indexOfAny(rest, "/?");
    String authority = end < 0 ? rest : rest.substring(0, end);
    if (authority.indexOf('{') >= 0 || authority.indexOf('}') >= 0) {
      throw literalOnly(at, "host and port");
    }
    if (authority.indexOf('@') >= 0) {
      throw new AdapterConfigException(
          Reason.TEMPLATE,
          at,
          "user information (user@host) is not supported; send credentials in a header with"
              + " {secret:NAME}");
    }
    URI origin;
    try {
      origin = new URI(scheme + "://" + authority + "/");
    } catch (URISyntaxException e) {
      throw new AdapterConfigException(
          Reason.TEMPLATE,
          at,
          "\""
              + ConfigReader.shown(authority)
              + "\" is not a valid host[:port]; write the host"
              + " in ASCII (punycode for international names)");
    }
    if (origin.getHost() == null || origin.getHost().isEmpty()) {
      throw new AdapterConfigException(
          Reason.TEMPLATE, at, "\"" + ConfigReader.shown(authority) + "\" has no valid host name");
    }
    int port = origin.getPort() >= 0 ? origin.getPort() : scheme.equals("https") ? 443 : 80;
    if (port < 1 || port > 65535 || authority.endsWith(":")) {
      throw new AdapterConfigException(
          Reason.TEMPLATE, at, "the port must be 1 to 65535 or left out");
    }
    String host = origin.getHost().toLowerCase(Locale.ROOT);
    String target = end < 0 ? "/" : rest.substring(end);
    if (target.startsWith("?")) {
      target = "/" + target;
    }
    int q = target.indexOf('?');
    Template path = Template.parse(q < 0 ? target : target.substring(0, q), at, null);
    Template query = q < 0 ? null : Template.parse(target.substring(q + 1), at, null);
    checkLiteral(path.sample(), at, "/");
    if (query != null) {
      checkLiteral(query.sample(), at, "/?");
    }
    if (hasDotSegment(path.sample())) {
      throw new AdapterConfigException(
          Reason.TEMPLATE, at, "the path has a '.' or '..' segment; write the path it stands for");
    }
    return new UrlTemplate(text, scheme, host, port, path, query);
  }

  private static AdapterConfigException literalOnly(String at, String what) {
    return new AdapterConfigException(
        Reason.TEMPLATE,
        at,
        "the "
            + what
            + " must be literal: a placeholder there could send the request, and its credentials,"
            + " to a host the request chooses; write the host name itself and use placeholders in"
            + " the path or query only");
  }

  /** The URL as configured. */
  public String text() {
    return text;
  }

  /** {@code https} or {@code http}. */
  public String scheme() {
    return scheme;
  }

  /** The host, lower case; an IPv6 literal keeps its brackets, as in the URL. */
  public String host() {
    return host;
  }

  /** The port, explicit or the scheme's default. */
  public int port() {
    return port;
  }

  @Override
  public String toString() {
    return text;
  }

  boolean tls() {
    return scheme.equals("https");
  }

  /** The host to resolve: without the brackets of an IPv6 literal. */
  String hostToResolve() {
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }

  /** The {@code Host} header value: the host, and the port unless it is the scheme's default. */
  String hostHeader() {
    boolean defaultPort = port == (tls() ? 443 : 80);
    return defaultPort ? host : host + ":" + port;
  }

  /** The origin-form request target (RFC 9112 §3.2.1) for {@code ctx}, percent-encoded. */
  String target(ActionContext ctx) throws AdapterFailure {
    String p =
        path.render(
            ctx,
            (placeholder, value) -> {
              if (value.isEmpty()) {
                throw new AdapterFailure(
                    Outcome.Reason.TEMPLATE_ERROR,
                    placeholder + " is empty, which would leave an empty segment in the URL path");
              }
              return encode(placeholder, value);
            });
    if (hasDotSegment(p)) {
      throw new AdapterFailure(
          Outcome.Reason.TEMPLATE_ERROR,
          "a placeholder makes a '.' or '..' segment in the URL path, which servers resolve by"
              + " climbing the path");
    }
    String t = query == null ? p : p + "?" + query.render(ctx, UrlTemplate::encode);
    if (t.length() > MAX_TARGET) {
      throw new AdapterFailure(
          Outcome.Reason.TEMPLATE_ERROR,
          "the URL path and query would be " + t.length() + " characters, over " + MAX_TARGET);
    }
    return t;
  }

  /** RFC 3986 §2.1 percent-encoding of the UTF-8 bytes of {@code value}, except unreserved. */
  static String encode(String placeholder, String value) throws AdapterFailure {
    ByteBuffer bytes;
    try {
      bytes =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(value));
    } catch (CharacterCodingException e) {
      throw new AdapterFailure(
          Outcome.Reason.TEMPLATE_ERROR, placeholder + " is not valid Unicode text");
    }
    StringBuilder out = new StringBuilder(value.length() * 3);
    while (bytes.hasRemaining()) {
      int b = bytes.get() & 0xff;
      if (unreserved(b)) {
        out.append((char) b);
      } else {
        out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
      }
    }
    return out.toString();
  }

  private static boolean unreserved(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  /** RFC 3986 pchar, plus {@code extra}; a '%' must start a percent-encoded octet. */
  private static void checkLiteral(String sample, String at, String extra)
      throws AdapterConfigException {
    for (int i = 0; i < sample.length(); i++) {
      char c = sample.charAt(i);
      boolean ok =
          unreserved(c) || "!$&'()*+,;=:@".indexOf(c) >= 0 || extra.indexOf(c) >= 0 || c == '%';
      if (c == '%'
          && !(i + 2 < sample.length()
              && isHex(sample.charAt(i + 1))
              && isHex(sample.charAt(i + 2)))) {
        ok = false;
      }
      if (!ok) {
        throw new AdapterConfigException(
            Reason.TEMPLATE,
            at,
            String.format(
                "the character '%s' (U+%04X) is not allowed in a URL path or query;"
                    + " percent-encode it",
                Character.isISOControl(c) ? "?" : String.valueOf(c), (int) c));
      }
    }
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean hasDotSegment(String path) {
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return true;
      }
    }
    return false;
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
