package dev.warden.server.adapter;

import dev.warden.json.Canonical;
import dev.warden.server.adapter.HttpAdapterConfig.Body;
import dev.warden.server.adapter.HttpAdapterConfig.Header;
import dev.warden.server.adapter.HttpAdapterConfig.Method;
import dev.warden.server.adapter.Outcome.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Renders the one HTTP/1.1 request of an {@code http} adapter (RFC 9112): request line, {@code
 * Host}, the configured headers, then {@code Content-Type: application/json} (for a params body,
 * unless configured), {@code User-Agent: warden} and {@code Accept-Encoding: identity} (unless
 * configured), {@code Content-Length} (when there is a body, and always for POST, PUT and PATCH),
 * {@code Connection: close}, and the body.
 *
 * <p>A header value takes printable ASCII, space and tab only, at most {@value #MAX_HEADER_VALUE}
 * characters: a substituted value that breaks this fails the execution, so no value can add a
 * header or end the header section.
 */
final class RequestRenderer {

  static final int MAX_HEADER_VALUE = 8192;

  private RequestRenderer() {}

  /**
   * @throws AdapterFailure {@link Reason#TEMPLATE_ERROR} naming the header or URL part and the
   *     placeholder that could not be filled; never a value
   */
  static byte[] render(HttpAdapterConfig config, ActionContext ctx) throws AdapterFailure {
    StringBuilder head = new StringBuilder(512);
    head.append(config.method().name())
        .append(' ')
        .append(config.url().target(ctx))
        .append(" HTTP/1.1\r\n");
    field(head, "Host", config.url().hostHeader());
    Set<String> configured = new HashSet<>();
    for (Header h : config.headers()) {
      configured.add(h.name().toLowerCase(Locale.ROOT));
      field(head, h.name(), value(h, ctx));
    }
    byte[] body = null;
    if (config.body() == Body.PARAMS) {
      try {
        body = Canonical.bytes(ctx.params());
      } catch (IllegalArgumentException e) {
        throw new AdapterFailure(
            Reason.TEMPLATE_ERROR, "the params have no canonical JSON form for the body");
      }
      if (!configured.contains("content-type")) {
        field(head, "Content-Type", "application/json");
      }
    }
    if (!configured.contains("user-agent")) {
      field(head, "User-Agent", "warden");
    }
    if (!configured.contains("accept-encoding")) {
      field(head, "Accept-Encoding", "identity");
    }
    if (body != null || config.method() != Method.GET && config.method() != Method.DELETE) {
      field(head, "Content-Length", Integer.toString(body == null ? 0 : body.length));
    }
    field(head, "Connection", "close");
    head.append("\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + 256);
    out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
    if (body != null) {
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  private static String value(Header h, ActionContext ctx) throws AdapterFailure {
    String value =
        h.value()
            .render(
                ctx,
                (placeholder, v) -> {
                  for (int i = 0; i < v.length(); i++) {
                    char c = v.charAt(i);
                    if ((c < 0x20 && c != '\t') || c > 0x7e) {
                      throw new AdapterFailure(
                          Reason.TEMPLATE_ERROR,
                          "header "
                              + h.name()
                              + ": "
                              + placeholder
                              + " has a control or non-ASCII character, which a header value"
                              + " cannot carry");
                    }
                  }
                  return v;
                });
    if (value.length() > MAX_HEADER_VALUE) {
      throw new AdapterFailure(
          Reason.TEMPLATE_ERROR,
          "header " + h.name() + " would be longer than " + MAX_HEADER_VALUE + " characters");
    }
    return value;
  }

  private static void field(StringBuilder head, String name, String value) {
    head.append(name).append(": ").append(value).append("\r\n");
  }
}
