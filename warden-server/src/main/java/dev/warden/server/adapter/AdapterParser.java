package dev.warden.server.adapter;

import static dev.warden.server.adapter.ConfigReader.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.policy.Glob;
import dev.warden.server.adapter.AdapterConfigException.Reason;
import dev.warden.server.adapter.HttpAdapterConfig.Body;
import dev.warden.server.adapter.HttpAdapterConfig.Header;
import dev.warden.server.adapter.HttpAdapterConfig.Method;
import dev.warden.server.adapter.HttpAdapterConfig.Timeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads one entry of the {@code adapters:} list, strictly. */
final class AdapterParser {

  private static final Set<String> NONE_FIELDS = Set.of("id", "actions", "type");
  private static final Set<String> HTTP_FIELDS =
      Set.of(
          "id",
          "actions",
          "type",
          "method",
          "url",
          "headers",
          "body",
          "timeout",
          "max_response_bytes",
          "allow_private");
  private static final Set<String> TIMEOUT_FIELDS = Set.of("connect", "read");
  private static final int MAX_HEADER_VALUE = 8192;

  private final SecretStore secrets;

  AdapterParser(SecretStore secrets) {
    this.secrets = secrets;
  }

  AdapterConfig parse(JsonNode node, String at) throws AdapterConfigException {
    if (!node.isObject()) {
      throw schema(at, "an adapter must be a mapping, got " + ConfigReader.describe(node));
    }
    String type =
        ConfigReader.text(
            ConfigReader.required(node, at, "type", "write type: http or type: none"),
            at + "/type");
    String id = id(node, at);
    List<Glob> actions = actions(node, at);
    return switch (type) {
      case "none" -> {
        ConfigReader.object(node, at, NONE_FIELDS);
        yield new AdapterConfig.None(id, actions);
      }
      case "http" -> {
        ConfigReader.object(node, at, HTTP_FIELDS);
        yield http(node, at, id, actions);
      }
      default -> throw schema(at + "/type", "must be http or none, got \"" + type + "\"");
    };
  }

  private HttpAdapterConfig http(JsonNode node, String at, String id, List<Glob> actions)
      throws AdapterConfigException {
    Method method = method(node, at);
    String urlText =
        ConfigReader.text(
            ConfigReader.required(
                node, at, "url", "write the upstream URL, like https://api.example.com/{resource}"),
            at + "/url");
    UrlTemplate url = UrlTemplate.parse(urlText, at + "/url");
    boolean allowPrivate =
        node.has("allow_private")
            && ConfigReader.bool(node.get("allow_private"), at + "/allow_private");
    List<Header> headers = headers(node.get("headers"), at + "/headers");
    if (!url.tls()
        && !allowPrivate
        && headers.stream().anyMatch(h -> !h.value().secrets().isEmpty())) {
      throw new AdapterConfigException(
          Reason.SECRET,
          at + "/url",
          "secrets are sent over https only; use an https URL (plain http is accepted with"
              + " allow_private: true, for a test or intranet upstream)");
    }
    Body body = body(node.get("body"), at + "/body");
    if (method == Method.GET && body == Body.PARAMS) {
      throw schema(at + "/body", "a GET request carries no body; use body: none or another method");
    }
    Timeouts timeouts = timeouts(node.get("timeout"), at + "/timeout");
    int maxBytes =
        node.has("max_response_bytes")
            ? (int)
                ConfigReader.integer(
                    node.get("max_response_bytes"),
                    at + "/max_response_bytes",
                    0,
                    HttpAdapterConfig.MAX_RESPONSE_BYTES)
            : HttpAdapterConfig.DEFAULT_MAX_RESPONSE_BYTES;
    return new HttpAdapterConfig(
        id, actions, method, url, headers, body, timeouts, maxBytes, allowPrivate);
  }

  private static String id(JsonNode node, String at) throws AdapterConfigException {
    String id =
        ConfigReader.text(
            ConfigReader.required(node, at, "id", "give the adapter an id, like payments-api"),
            at + "/id");
    if (!AdapterConfig.ID.matcher(id).matches()) {
      throw schema(
          at + "/id",
          "\""
              + ConfigReader.shown(id)
              + "\" is not an adapter id: use 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a"
              + " letter or digit");
    }
    return id;
  }

  private static List<Glob> actions(JsonNode node, String at) throws AdapterConfigException {
    JsonNode list =
        ConfigReader.required(
            node, at, "actions", "list the action globs it serves, like [\"payments.*\"]");
    if (!list.isArray() || list.isEmpty()) {
      throw schema(
          at + "/actions", "must be a non-empty list of action globs, like [\"payments.*\"]");
    }
    List<Glob> globs = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String glob = ConfigReader.text(list.get(i), at + "/actions/" + i);
      try {
        globs.add(Glob.compile(glob));
      } catch (IllegalArgumentException e) {
        throw schema(at + "/actions/" + i, e.getMessage());
      }
    }
    return globs;
  }

  private static Method method(JsonNode node, String at) throws AdapterConfigException {
    String text =
        ConfigReader.text(
            ConfigReader.required(node, at, "method", "write one of GET, POST, PUT, PATCH, DELETE"),
            at + "/method");
    for (Method m : Method.values()) {
      if (m.name().equals(text)) {
        return m;
      }
    }
    throw schema(
        at + "/method",
        "\"" + ConfigReader.shown(text) + "\" is not one of GET, POST, PUT, PATCH, DELETE");
  }

  private List<Header> headers(JsonNode node, String at) throws AdapterConfigException {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isObject()) {
      throw schema(at, "must be a mapping of header name to value template");
    }
    List<Header> headers = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String name = e.getKey();
      String hat = at + "/" + ConfigReader.escape(name);
      if (!seen.add(name.toLowerCase(Locale.ROOT))) {
        throw schema(hat, "header " + name + " is configured twice (names ignore case)");
      }
      if (Header.RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
        throw schema(hat, name + " is set by Warden itself; remove it");
      }
      String text = ConfigReader.text(e.getValue(), hat);
      if (text.length() > MAX_HEADER_VALUE) {
        throw schema(hat, "a header value template is at most " + MAX_HEADER_VALUE + " characters");
      }
      Template value = Template.parse(text, hat, secrets);
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if ((c < 0x20 && c != '\t') || c > 0x7e) {
          throw new AdapterConfigException(
              Reason.TEMPLATE,
              hat,
              String.format(
                  "has the character U+%04X; header values take printable ASCII only", (int) c));
        }
      }
      try {
        headers.add(new Header(name, value));
      } catch (IllegalArgumentException ex) {
        throw schema(
            hat, ex.getMessage() + "; a header name is letters, digits and !#$%&'*+-.^_`|~");
      }
    }
    return headers;
  }

  private static Body body(JsonNode node, String at) throws AdapterConfigException {
    if (node == null) {
      return Body.NONE;
    }
    String text = ConfigReader.text(node, at);
    return switch (text) {
      case "params" -> Body.PARAMS;
      case "none" -> Body.NONE;
      default ->
          throw schema(at, "must be params or none, got \"" + ConfigReader.shown(text) + "\"");
    };
  }

  private static Timeouts timeouts(JsonNode node, String at) throws AdapterConfigException {
    if (node == null) {
      return Timeouts.DEFAULT;
    }
    ConfigReader.object(node, at, TIMEOUT_FIELDS);
    Duration connect =
        node.has("connect")
            ? ConfigReader.duration(node.get("connect"), at + "/connect", Timeouts.MAX_CONNECT)
            : Timeouts.DEFAULT.connect();
    Duration read =
        node.has("read")
            ? ConfigReader.duration(node.get("read"), at + "/read", Timeouts.MAX_READ)
            : Timeouts.DEFAULT.read();
    return new Timeouts(connect, read);
  }
}
