package dev.warden.server.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a gateway shows of its servers, under which names (SPEC §10). A tool or prompt name that one
 * server of the gateway offers is shown as it is; a name several servers offer is shown as {@code
 * <server>__<name>} for each of them, so no name hides another. Resource URIs are never renamed: a
 * URI several servers list is served by the first of them in the gateway's order. Immutable.
 *
 * @param tools shown name to the tool on its server
 * @param prompts shown name to the prompt on its server
 * @param resources URI to the server that serves it
 * @param templates URI template to the server that serves it
 */
record Exposure(
    Map<String, Target<McpSchema.Tool>> tools,
    Map<String, Target<McpSchema.Prompt>> prompts,
    Map<String, Target<McpSchema.Resource>> resources,
    Map<String, Target<McpSchema.ResourceTemplate>> templates) {

  /** Separates a server id from a colliding name. */
  static final String SEPARATOR = "__";

  /** One offered item: the server that has it, its name there, and its declaration. */
  record Target<T>(String server, String name, T item) {
    /** The policy resource of acting on it: {@code <server>/<name>}. */
    String resource() {
      return server + "/" + name;
    }
  }

  /** What servers offer, in the gateway's order: server id to its catalog. */
  static Exposure of(Map<String, Catalog> servers) {
    return new Exposure(
        named(servers, c -> c.tools(), McpSchema.Tool::name),
        named(servers, c -> c.prompts(), McpSchema.Prompt::name),
        first(servers, c -> c.resources(), McpSchema.Resource::uri),
        first(servers, c -> c.templates(), McpSchema.ResourceTemplate::uriTemplate));
  }

  private static <T> Map<String, Target<T>> named(
      Map<String, Catalog> servers, Function<Catalog, List<T>> items, Function<T, String> name) {
    Map<String, Integer> offered = new HashMap<>();
    for (Catalog c : servers.values()) {
      for (T item : items.apply(c)) {
        offered.merge(name.apply(item), 1, Integer::sum);
      }
    }
    Map<String, Target<T>> out = new LinkedHashMap<>();
    for (Map.Entry<String, Catalog> s : servers.entrySet()) {
      for (T item : items.apply(s.getValue())) {
        String n = name.apply(item);
        String shown = offered.get(n) == 1 ? n : s.getKey() + SEPARATOR + n;
        out.putIfAbsent(shown, new Target<>(s.getKey(), n, item));
      }
    }
    return out;
  }

  private static <T> Map<String, Target<T>> first(
      Map<String, Catalog> servers, Function<Catalog, List<T>> items, Function<T, String> key) {
    Map<String, Target<T>> out = new LinkedHashMap<>();
    for (Map.Entry<String, Catalog> s : servers.entrySet()) {
      for (T item : items.apply(s.getValue())) {
        String k = key.apply(item);
        out.putIfAbsent(k, new Target<>(s.getKey(), k, item));
      }
    }
    return out;
  }
}
