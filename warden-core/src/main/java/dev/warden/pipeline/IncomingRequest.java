package dev.warden.pipeline;

import dev.warden.httpsig.HttpRequestView;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An agent request as the HTTP layer hands it to the pipeline.
 *
 * @param targetUri the absolute URI as Warden reconstructs it (scheme, Host, path, query)
 * @param headers lower-case names to every field line, in order
 * @param source the client address, for refusal summaries
 */
public record IncomingRequest(
    String method, URI targetUri, Map<String, List<String>> headers, byte[] body, String source)
    implements HttpRequestView {

  public IncomingRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(targetUri, "targetUri");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(source, "source");
  }

  @Override
  public List<String> headerValues(String lowercaseName) {
    return headers.getOrDefault(lowercaseName, List.of());
  }

  /** The single value of a header, or null if absent (several values are joined by ", "). */
  public @org.jspecify.annotations.Nullable String header(String lowercaseName) {
    List<String> v = headerValues(lowercaseName);
    return v.isEmpty() ? null : String.join(", ", v);
  }
}
