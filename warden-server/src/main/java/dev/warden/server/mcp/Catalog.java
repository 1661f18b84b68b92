package dev.warden.server.mcp;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What one upstream server offers, as last listed: tools, resources, resource templates, prompts.
 * Immutable.
 */
record Catalog(
    List<McpSchema.Tool> tools,
    List<McpSchema.Resource> resources,
    List<McpSchema.ResourceTemplate> templates,
    List<McpSchema.Prompt> prompts) {

  /** The most items of one kind Warden takes from a server (pages of the list, followed). */
  static final int MAX_ITEMS = 10_000;

  static final Catalog EMPTY = new Catalog(List.of(), List.of(), List.of(), List.of());

  Catalog {
    tools = List.copyOf(tools);
    resources = List.copyOf(resources);
    templates = List.copyOf(templates);
    prompts = List.copyOf(prompts);
  }

  /** Lists everything {@code client}'s server declares it has. */
  static Catalog load(McpSyncClient client) {
    McpSchema.ServerCapabilities caps = client.getServerCapabilities();
    boolean resources = caps != null && caps.resources() != null;
    return new Catalog(
        caps != null && caps.tools() != null
            ? all(
                c -> {
                  McpSchema.ListToolsResult r = client.listTools(c);
                  return new Page<>(r.tools(), r.nextCursor());
                })
            : List.of(),
        resources
            ? all(
                c -> {
                  McpSchema.ListResourcesResult r = client.listResources(c);
                  return new Page<>(r.resources(), r.nextCursor());
                })
            : List.of(),
        resources
            ? all(
                c -> {
                  McpSchema.ListResourceTemplatesResult r = client.listResourceTemplates(c);
                  return new Page<>(r.resourceTemplates(), r.nextCursor());
                })
            : List.of(),
        caps != null && caps.prompts() != null
            ? all(
                c -> {
                  McpSchema.ListPromptsResult r = client.listPrompts(c);
                  return new Page<>(r.prompts(), r.nextCursor());
                })
            : List.of());
  }

  Catalog withTools(List<McpSchema.Tool> t) {
    return new Catalog(cap(t), resources, templates, prompts);
  }

  Catalog withResources(List<McpSchema.Resource> r) {
    return new Catalog(tools, cap(r), templates, prompts);
  }

  Catalog withPrompts(List<McpSchema.Prompt> p) {
    return new Catalog(tools, resources, templates, cap(p));
  }

  private record Page<T>(List<T> items, String next) {}

  /** Follows the cursors of a paginated list, up to {@link #MAX_ITEMS}. */
  private static <T> List<T> all(Function<String, Page<T>> fetch) {
    List<T> out = new ArrayList<>();
    String cursor = null;
    do {
      Page<T> p = fetch.apply(cursor);
      if (p.items() != null) {
        out.addAll(p.items());
      }
      cursor = p.next();
    } while (cursor != null && !cursor.isEmpty() && out.size() < MAX_ITEMS);
    return cap(out);
  }

  private static <T> List<T> cap(List<T> items) {
    return items.size() <= MAX_ITEMS ? items : items.subList(0, MAX_ITEMS);
  }
}
