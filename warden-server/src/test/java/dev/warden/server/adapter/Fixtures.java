package dev.warden.server.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Configuration and requests for adapter tests, read through the real parser. */
final class Fixtures {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  /** A {@code warden.yaml} fragment as a tree. */
  static JsonNode yaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads the {@code adapters:} and {@code secrets:} sections of {@code text}. */
  static Adapters load(String text, Map<String, String> env) throws AdapterConfigException {
    JsonNode root = yaml(text);
    return Adapters.load(root.get("adapters"), root.get("secrets"), env::get);
  }

  /** The single http adapter of {@code text}. */
  static HttpAdapterConfig http(String text, Map<String, String> env) {
    try {
      return (HttpAdapterConfig) load(text, env).all().getFirst();
    } catch (AdapterConfigException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  static ActionContext context(String resource, String paramsJson) {
    try {
      return new ActionContext(
          "01JDECISION",
          "agent-7",
          "acme",
          "payments.transfer",
          resource,
          (ObjectNode) JSON.readTree(paramsJson));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
