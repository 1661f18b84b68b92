package dev.warden.httpsig;

import static java.util.Objects.requireNonNull;

import dev.warden.httpsig.StructuredFields.BareItem;
import dev.warden.httpsig.StructuredFields.Item;
import dev.warden.httpsig.StructuredFields.Parameters;
import dev.warden.httpsig.StructuredFields.SfBoolean;
import dev.warden.httpsig.StructuredFields.SfString;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A covered component identifier (RFC 9421 §2): a derived component such as {@code @method} or a
 * lower-case HTTP field name, with its parameters. Supported parameters: {@code sf}, {@code key}
 * and {@code bs} on fields (§2.1), {@code name} on {@code @query-param} (§2.2.8). {@code req} and
 * {@code tr} are refused: Warden signs requests only, without trailers.
 */
public record Component(String name, Parameters params) {

  /** The derived components of a request (§2.2); {@code @status} belongs to responses. */
  public static final Set<String> DERIVED =
      Set.of(
          "@method",
          "@target-uri",
          "@authority",
          "@scheme",
          "@request-target",
          "@path",
          "@query",
          "@query-param");

  public Component {
    requireNonNull(name, "name");
    requireNonNull(params, "params");
    String problem = problem(name, params);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** A component without parameters, e.g. {@code @method} or {@code content-type}. */
  public static Component of(String name) {
    return new Component(name, Parameters.EMPTY);
  }

  /** {@code "@query-param";name="..."}; {@code encodedName} is percent-encoded per §2.2.8. */
  public static Component queryParam(String encodedName) {
    return new Component("@query-param", Parameters.EMPTY.with("name", new SfString(encodedName)));
  }

  /** Reads a component identifier from an item of the covered components list. */
  public static Component fromItem(Item item) throws SignatureException {
    if (!(item.value() instanceof SfString string)) {
      throw SignatureException.malformed("covered component identifiers must be strings");
    }
    String name = string.value();
    String problem = problem(name, item.params());
    if (problem != null) {
      throw SignatureException.malformed(problem);
    }
    return new Component(name, item.params());
  }

  public Item toItem() {
    return new Item(new SfString(name), params);
  }

  /**
   * The serialized component identifier as it appears in the signature base, e.g. {@code "a";sf}.
   */
  public String identifier() {
    return StructuredFields.serialize(toItem());
  }

  public boolean isDerived() {
    return name.startsWith("@");
  }

  /** The value of a parameter of string type ({@code key}, {@code name}), if present. */
  public Optional<String> stringParam(String key) {
    return params.get(key).map(v -> ((SfString) v).value());
  }

  public boolean hasFlag(String key) {
    return params.get(key).isPresent();
  }

  private static @Nullable String problem(String name, Parameters params) {
    String shown = shown(name);
    if (name.isEmpty()) {
      return "covered component name is empty";
    }
    boolean derived = name.startsWith("@");
    if (derived) {
      if (name.equals("@signature-params")) {
        return "@signature-params cannot be a covered component";
      }
      if (name.equals("@status")) {
        return "@status is a response component, not valid in a request signature";
      }
      if (!DERIVED.contains(name)) {
        return "unknown derived component " + shown;
      }
    } else {
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (!StructuredFields.isTchar(c) || (c >= 'A' && c <= 'Z')) {
          return "covered component " + shown + " is not a lower-case field name";
        }
      }
    }
    for (Map.Entry<String, BareItem> e : params.map().entrySet()) {
      String key = e.getKey();
      BareItem value = e.getValue();
      switch (key) {
        case "sf", "bs" -> {
          if (derived) {
            return "parameter " + key + " is not valid on derived component " + shown;
          }
          if (!value.equals(SfBoolean.TRUE)) {
            return "parameter " + key + " of " + shown + " must be a boolean flag";
          }
        }
        case "key" -> {
          if (derived) {
            return "parameter key is not valid on derived component " + shown;
          }
          if (!(value instanceof SfString)) {
            return "parameter key of " + shown + " must be a string";
          }
        }
        case "name" -> {
          if (!name.equals("@query-param")) {
            return "parameter name is only valid on @query-param, not " + shown;
          }
          if (!(value instanceof SfString)) {
            return "parameter name of @query-param must be a string";
          }
        }
        case "req" -> {
          return "parameter req (request-response binding) is not supported for requests";
        }
        case "tr" -> {
          return "parameter tr (trailer fields) is not supported";
        }
        default -> {
          return "unknown parameter " + key + " on covered component " + shown;
        }
      }
    }
    if (params.get("bs").isPresent()
        && (params.get("sf").isPresent() || params.get("key").isPresent())) {
      return "parameter bs cannot be combined with sf or key on " + shown;
    }
    if (name.equals("@query-param") && params.get("name").isEmpty()) {
      return "@query-param requires a name parameter";
    }
    return null;
  }

  /** A component name quoted for an error message, cut short so a message stays small. */
  static String shown(String name) {
    return "\"" + (name.length() > 64 ? name.substring(0, 64) + "..." : name) + "\"";
  }
}
