package dev.warden.httpsig;

import static java.util.Map.entry;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the signature base of a request, RFC 9421 §2.5: one line per covered component, {@code
 * <identifier>: <value>}, then the {@code @signature-params} line, joined by LF without a final LF.
 * Derived components follow §2.2; fields follow §2.1 (values trimmed and joined by {@code ", "};
 * {@code sf}, {@code key} and {@code bs} per §2.1.1-§2.1.3).
 *
 * <p>Normalization, so that signer and verifier agree: scheme and host are lower-cased, a default
 * port (80 for http, 443 for https) is left out of {@code @authority} and {@code @target-uri}, an
 * empty path is {@code /}, and path and query are taken in their percent-encoded form.
 * {@code @request-target} is the origin form (path and query). The base is encoded byte for byte
 * (ISO-8859-1), so field values with obs-text keep the bytes they were received with.
 */
public final class SignatureBase {

  private enum SfType {
    DICTIONARY,
    LIST,
    ITEM
  }

  /** Fields known to be structured, the only ones {@code ;sf} can re-serialize (§2.1.1). */
  private static final Map<String, SfType> STRUCTURED_FIELDS =
      Map.ofEntries(
          entry("signature-input", SfType.DICTIONARY),
          entry("signature", SfType.DICTIONARY),
          entry("accept-signature", SfType.DICTIONARY),
          entry("content-digest", SfType.DICTIONARY),
          entry("repr-digest", SfType.DICTIONARY),
          entry("want-content-digest", SfType.DICTIONARY),
          entry("want-repr-digest", SfType.DICTIONARY),
          entry("priority", SfType.DICTIONARY),
          entry("cdn-cache-control", SfType.DICTIONARY),
          entry("accept-ch", SfType.LIST),
          entry("cache-status", SfType.LIST),
          entry("proxy-status", SfType.LIST),
          entry("idempotency-key", SfType.ITEM));

  private SignatureBase() {}

  /**
   * The signature base for {@code params} over {@code request}.
   *
   * @throws SignatureException MALFORMED_SIGNATURE if a covered component is absent from the
   *     request, cannot be derived, or has a value with CR, LF, NUL or another control character
   */
  public static byte[] build(HttpRequestView request, SignatureParameters params)
      throws SignatureException {
    return build(request, params.components(), params.serialized());
  }

  /**
   * The signature base for any list of covered components, ended by the given serialized value of
   * the signature parameters. Unlike {@link #build(HttpRequestView, SignatureParameters)} this does
   * not apply Warden's requirements on the parameters; the RFC's own examples, which carry no
   * nonce, need it.
   */
  public static byte[] build(
      HttpRequestView request, List<Component> components, String signatureParams)
      throws SignatureException {
    URI uri = URI.create(request.targetUri().toASCIIString());
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw SignatureException.malformed("the target URI has no scheme or host");
    }
    StringBuilder base = new StringBuilder(256);
    Set<String> seen = new HashSet<>();
    for (Component c : components) {
      String identifier = c.identifier();
      if (!seen.add(identifier)) {
        throw SignatureException.malformed(
            "covered component " + Component.shown(identifier) + " is listed twice");
      }
      String value = value(request, uri, c);
      check(identifier, value);
      base.append(identifier).append(": ").append(value).append('\n');
    }
    check("\"@signature-params\"", signatureParams);
    base.append("\"@signature-params\": ").append(signatureParams);
    return base.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String value(HttpRequestView request, URI uri, Component c)
      throws SignatureException {
    String query = uri.getRawQuery();
    return switch (c.name()) {
      case "@method" -> request.method();
      case "@target-uri" ->
          scheme(uri) + "://" + authority(uri) + path(uri) + (query == null ? "" : "?" + query);
      case "@authority" -> authority(uri);
      case "@scheme" -> scheme(uri);
      case "@request-target" -> path(uri) + (query == null ? "" : "?" + query);
      case "@path" -> path(uri);
      case "@query" -> "?" + (query == null ? "" : query);
      case "@query-param" -> QueryParams.value(query, c.stringParam("name").orElseThrow());
      default -> field(request, c);
    };
  }

  private static String scheme(URI uri) {
    return uri.getScheme().toLowerCase(Locale.ROOT);
  }

  private static String authority(URI uri) {
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    String scheme = scheme(uri);
    boolean defaultPort =
        port == -1
            || (port == 80 && scheme.equals("http"))
            || (port == 443 && scheme.equals("https"));
    return defaultPort ? host : host + ":" + port;
  }

  private static String path(URI uri) {
    String path = uri.getRawPath();
    return path == null || path.isEmpty() ? "/" : path;
  }

  private static String field(HttpRequestView request, Component c) throws SignatureException {
    String name = c.name();
    List<String> lines = request.headerValues(name);
    if (lines.isEmpty()) {
      throw SignatureException.malformed(
          "covered component " + Component.shown(name) + " is not present in the request");
    }
    if (c.hasFlag("bs")) {
      StringBuilder out = new StringBuilder();
      for (String line : lines) {
        check(c.identifier(), line);
        if (!out.isEmpty()) {
          out.append(", ");
        }
        byte[] bytes = trimOws(line).getBytes(StandardCharsets.ISO_8859_1);
        out.append(':').append(Base64.getEncoder().encodeToString(bytes)).append(':');
      }
      return out.toString();
    }
    StringBuilder joined = new StringBuilder();
    for (String line : lines) {
      if (!joined.isEmpty()) {
        joined.append(", ");
      }
      joined.append(trimOws(line));
    }
    String combined = joined.toString();
    String context = "field " + name;
    var key = c.stringParam("key");
    if (key.isPresent()) {
      var member = SfParser.dictionary(combined, context).get(key.get());
      if (member == null) {
        throw SignatureException.malformed(
            "covered component " + Component.shown(c.identifier()) + ": the key is not present");
      }
      return StructuredFields.serialize(member);
    }
    if (c.hasFlag("sf")) {
      SfType type = STRUCTURED_FIELDS.get(name);
      if (type == null) {
        throw SignatureException.malformed(
            "covered component " + Component.shown(name) + " is not a known structured field");
      }
      return switch (type) {
        case DICTIONARY ->
            StructuredFields.serializeDictionary(SfParser.dictionary(combined, context));
        case LIST -> StructuredFields.serializeList(SfParser.list(combined, context));
        case ITEM -> StructuredFields.serialize(SfParser.item(combined, context));
      };
    }
    return combined;
  }

  /** Strips leading and trailing SP and HTAB (RFC 9110 §5.5 OWS). */
  private static String trimOws(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return s.substring(start, end);
  }

  /** A value must be a single line of field bytes: no CR, LF, NUL or other control character. */
  private static void check(String identifier, String value) throws SignatureException {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == '\0') {
        throw SignatureException.malformed(
            "covered component " + Component.shown(identifier) + " contains CR, LF or NUL");
      }
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        throw SignatureException.malformed(
            "covered component "
                + Component.shown(identifier)
                + " contains a character not allowed in a field value");
      }
    }
  }
}
