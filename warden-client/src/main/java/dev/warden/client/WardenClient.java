package dev.warden.client;

import static java.util.Objects.requireNonNull;

import dev.warden.httpsig.MessageSigner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sends requests to Warden as an agent, each signed per RFC 9421 (see {@link MessageSigner}) with a
 * fresh 128-bit nonce and {@code created} from the clock. HTTP/1.1, no redirects (a signature is
 * bound to its target URI). Thread-safe.
 */
public final class WardenClient implements AutoCloseable {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final String base;
  private final AgentCredentials credentials;
  private final Clock clock;
  private final SecureRandom random;
  private final MessageSigner signer;
  private final HttpClient http;

  private WardenClient(
      URI baseUri, AgentCredentials credentials, Clock clock, SecureRandom random) {
    if (!baseUri.isAbsolute()
        || !Set.of("http", "https").contains(baseUri.getScheme().toLowerCase(Locale.ROOT))
        || baseUri.getRawQuery() != null
        || baseUri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "base URI must be an http or https URI without query or fragment: " + baseUri);
    }
    String s = baseUri.toString();
    this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    this.credentials = requireNonNull(credentials, "credentials");
    this.clock = requireNonNull(clock, "clock");
    this.random = requireNonNull(random, "random");
    this.signer = MessageSigner.of(credentials.signingKey());
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
  }

  /**
   * A client for the Warden at {@code baseUri} (for example {@code http://127.0.0.1:8700}; a path
   * prefix is kept).
   */
  public static WardenClient create(
      URI baseUri, AgentCredentials credentials, Clock clock, SecureRandom random) {
    return new WardenClient(baseUri, credentials, clock, random);
  }

  /** As {@link #create(URI, AgentCredentials, Clock, SecureRandom)} with the system UTC clock. */
  public static WardenClient create(URI baseUri, AgentCredentials credentials) {
    return new WardenClient(baseUri, credentials, Clock.systemUTC(), new SecureRandom());
  }

  public AgentCredentials credentials() {
    return credentials;
  }

  /**
   * Signs and sends a request, and reads the whole response.
   *
   * @param pathAndQuery the path from the base URI on, starting with {@code /}
   * @param body the request body; empty for none. A body is sent as {@code application/json} unless
   *     {@code extraHeaders} names another Content-Type
   * @param extraHeaders more fields to send (and sign, if Content-Type)
   */
  public Response send(
      String method, String pathAndQuery, byte[] body, Map<String, String> extraHeaders)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        http.send(
            signedRequest(method, pathAndQuery, body, extraHeaders),
            HttpResponse.BodyHandlers.ofByteArray());
    Map<String, List<String>> headers = new LinkedHashMap<>();
    response
        .headers()
        .map()
        .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    return new Response(response.statusCode(), headers, response.body());
  }

  /** The signed request {@link #send} would send, for callers that send it themselves. */
  public HttpRequest signedRequest(
      String method, String pathAndQuery, byte[] body, Map<String, String> extraHeaders) {
    if (!pathAndQuery.startsWith("/")) {
      throw new IllegalArgumentException("pathAndQuery must start with /: " + pathAndQuery);
    }
    URI target = URI.create(base + pathAndQuery);
    Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
    Set<String> lowerNames = new LinkedHashSet<>();
    headers.keySet().forEach(k -> lowerNames.add(k.toLowerCase(Locale.ROOT)));
    if (body.length > 0 && !lowerNames.contains("content-type")) {
      headers.put("Content-Type", "application/json");
    }
    long created = clock.instant().getEpochSecond();
    Map<String, String> signature =
        signer.sign(method, target, headers, body, created, null, nonce());
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(target)
            .timeout(REQUEST_TIMEOUT)
            .method(
                method,
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body.clone()));
    headers.forEach(builder::header);
    signature.forEach(builder::header);
    return builder.build();
  }

  /** 128 random bits, base64url without padding (22 characters). */
  private String nonce() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public void close() {
    http.close();
  }

  @Override
  public String toString() {
    return "WardenClient[" + base + ", " + credentials + "]";
  }

  /** A response from Warden: status, fields with lower-case names, and the body (copied). */
  public record Response(int status, Map<String, List<String>> headers, byte[] body) {

    public Response {
      headers = Map.copyOf(headers);
      body = body.clone();
    }

    @Override
    public byte[] body() {
      return body.clone();
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The first value of a field, by lower-case name. */
    public Optional<String> header(String lowercaseName) {
      List<String> values = headers.get(lowercaseName);
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Response r
          && status == r.status
          && headers.equals(r.headers)
          && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
      return (status * 31 + headers.hashCode()) * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
      return "Response[status=" + status + ", " + body.length + " bytes]";
    }
  }
}
