package dev.warden.httpsig;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The parts of an HTTP request that a signature can cover, as the verifier received them. */
public interface HttpRequestView {

  /** The request method, as sent (not case-normalized). */
  String method();

  /** The absolute target URI as the server reconstructs it (scheme, authority, path, query). */
  URI targetUri();

  /**
   * All field lines named {@code lowercaseName}, in the order received, each value as received; an
   * empty list if the field is absent.
   */
  List<String> headerValues(String lowercaseName);

  /**
   * A view over fixed values. Header names are matched case-insensitively; the lists keep the order
   * of field lines.
   */
  static HttpRequestView of(String method, URI targetUri, Map<String, List<String>> headers) {
    requireNonNull(method, "method");
    if (!targetUri.isAbsolute()) {
      throw new IllegalArgumentException("target URI must be absolute");
    }
    Map<String, List<String>> byName = new LinkedHashMap<>();
    headers.forEach(
        (name, values) ->
            byName
                .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .addAll(values));
    byName.replaceAll((k, v) -> List.copyOf(v));
    return new HttpRequestView() {
      @Override
      public String method() {
        return method;
      }

      @Override
      public URI targetUri() {
        return targetUri;
      }

      @Override
      public List<String> headerValues(String lowercaseName) {
        return byName.getOrDefault(lowercaseName, List.of());
      }

      @Override
      public String toString() {
        return "HttpRequestView[" + method + " " + targetUri + ", fields=" + byName.keySet() + "]";
      }
    };
  }
}
