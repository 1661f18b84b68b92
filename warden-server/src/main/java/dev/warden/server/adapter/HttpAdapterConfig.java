package dev.warden.server.adapter;

import dev.warden.policy.Glob;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Type {@code http}: one upstream request per allowed action, built from templates.
 *
 * @param method the request method
 * @param url where the request goes; scheme, host and port are literal
 * @param headers header templates in configuration order; values may hold {@code {secret:NAME}}
 * @param body what the request carries
 * @param timeouts connect and read timeouts
 * @param maxResponseBytes the largest response body read; a larger one fails the execution
 * @param allowPrivate whether loopback, private, link-local and shared (CGNAT) destinations may be
 *     called (for tests and intranets); unspecified, multicast and reserved addresses never may
 */
public record HttpAdapterConfig(
    String id,
    List<Glob> actions,
    Method method,
    UrlTemplate url,
    List<Header> headers,
    Body body,
    Timeouts timeouts,
    int maxResponseBytes,
    boolean allowPrivate)
    implements AdapterConfig {

  /** Default {@code max_response_bytes}: 1 MiB. */
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 1 << 20;

  /** Largest {@code max_response_bytes}: 64 MiB (a response is held in memory). */
  public static final int MAX_RESPONSE_BYTES = 64 << 20;

  /** The request methods an adapter may use. */
  public enum Method {
    GET,
    POST,
    PUT,
    PATCH,
    DELETE
  }

  /** What the request body is. */
  public enum Body {
    /** The request's params as RFC 8785 canonical JSON, {@code Content-Type: application/json}. */
    PARAMS,
    /** No body. */
    NONE
  }

  /**
   * @param connect the longest wait for a TCP connection to one address, and then for the TLS
   *     handshake
   * @param read the longest the exchange may take once connected: writing the request and reading
   *     the whole response
   */
  public record Timeouts(Duration connect, Duration read) {
    /** Longest connect timeout: 1 minute. */
    public static final Duration MAX_CONNECT = Duration.ofMinutes(1);

    /** Longest read timeout: 5 minutes. */
    public static final Duration MAX_READ = Duration.ofMinutes(5);

    /** Defaults: connect 2 s, read 10 s. (Declared after the limits its constructor checks.) */
    public static final Timeouts DEFAULT =
        new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10));

    public Timeouts {
      if (connect.toMillis() < 1 || connect.compareTo(MAX_CONNECT) > 0) {
        throw new IllegalArgumentException("connect must be 1 ms to 1 min, got " + connect);
      }
      if (read.toMillis() < 1 || read.compareTo(MAX_READ) > 0) {
        throw new IllegalArgumentException("read must be 1 ms to 5 min, got " + read);
      }
    }
  }

  /**
   * A configured request header.
   *
   * @param name an RFC 9110 token; not one Warden sets itself ({@link #RESERVED})
   */
  public record Header(String name, Template value) {
    /** Header names that frame the message or the connection; Warden sets them itself. */
    public static final Set<String> RESERVED =
        Set.of(
            "host",
            "content-length",
            "transfer-encoding",
            "connection",
            "keep-alive",
            "upgrade",
            "te",
            "trailer",
            "expect",
            "proxy-connection");

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    public Header {
      if (!TOKEN.matcher(name).matches()) {
        throw new IllegalArgumentException("\"" + name + "\" is not a valid header name");
      }
      if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(name + " is set by Warden and cannot be configured");
      }
      Objects.requireNonNull(value, "value");
    }
  }

  public HttpAdapterConfig {
    actions = Identity.checked(id, actions);
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(timeouts, "timeouts");
    headers = List.copyOf(headers);
    if (maxResponseBytes < 0 || maxResponseBytes > MAX_RESPONSE_BYTES) {
      throw new IllegalArgumentException(
          "maxResponseBytes must be 0 to " + MAX_RESPONSE_BYTES + ", got " + maxResponseBytes);
    }
    if (method == Method.GET && body == Body.PARAMS) {
      throw new IllegalArgumentException("a GET request carries no body");
    }
  }
}
