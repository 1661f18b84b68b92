package dev.warden.server.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServlet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One gateway, {@code /mcp/<id>} (SPEC §10): an MCP server (the SDK's, over Streamable HTTP) whose
 * tools, resources and prompts are those of its upstream servers ({@link Exposure}), each served
 * through {@link GatewayCalls}. {@code tools/list} shows an agent only the tools the policy could
 * let it call; it follows the upstreams as they change. Thread-safe.
 */
final class Gateway implements Upstream.Listener {
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private final McpConfig.Gateway cfg;
  private final List<Upstream> servers;
  private final GatewayCalls calls;
  private final HttpServletStreamableServerTransportProvider transport;
  private final McpSyncServer server;
  private Exposure shown = Exposure.of(Map.of());

  Gateway(McpConfig.Gateway cfg, List<Upstream> servers, GatewayCalls calls, McpJsonMapper json) {
    this.cfg = cfg;
    this.servers = List.copyOf(servers);
    this.calls = calls;
    this.transport =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(json)
            .mcpEndpoint(McpServlet.PREFIX + cfg.id())
            .keepAliveInterval(KEEP_ALIVE)
            .contextExtractor(
                req ->
                    McpTransportContext.create(
                        Map.of(
                            GatewayCalls.CALLER,
                            Objects.requireNonNull(req.getAttribute(GatewayCalls.CALLER)))))
            .build();
    McpSchema.ServerCapabilities.Builder caps = McpSchema.ServerCapabilities.builder().tools(true);
    if (cfg.resources()) {
      caps.resources(false, true);
    }
    if (cfg.prompts()) {
      caps.prompts(true);
    }
    this.server =
        McpServer.sync(transport)
            .serverInfo("warden/" + cfg.id(), McpGateways.VERSION)
            .capabilities(caps.build())
            .immediateExecution(true) // calls block on the request's (virtual) thread
            .strictToolNameValidation(false) // upstream names are the upstream's business
            .validateToolInputs(false) // the upstream validates; Warden decides
            .addToolFilter(
                (ctx, tool) -> {
                  Exposure.Target<McpSchema.Tool> t = shown().tools().get(tool.name());
                  return t != null
                      && calls.mayPermit(ctx, cfg.id(), McpActions.TOOL_CALL, t.resource());
                })
            .build();
  }

  String id() {
    return cfg.id();
  }

  /** The servlet of this gateway's MCP endpoint. */
  HttpServlet servlet() {
    return transport;
  }

  synchronized Exposure shown() {
    return shown;
  }

  @Override
  public void changed(Upstream upstream) {
    if (servers.contains(upstream)) {
      refresh();
    }
  }

  /** Shows what the upstreams list now: adds, replaces and removes what changed. */
  synchronized void refresh() {
    Map<String, Catalog> offered = new LinkedHashMap<>();
    servers.forEach(u -> offered.put(u.id(), u.catalog()));
    Exposure next = Exposure.of(offered);
    if (sync(shown.tools(), next.tools(), this::addTool, server::removeTool)) {
      server.notifyToolsListChanged();
    }
    if (cfg.prompts()
        && sync(shown.prompts(), next.prompts(), this::addPrompt, server::removePrompt)) {
      server.notifyPromptsListChanged();
    }
    if (cfg.resources()) {
      boolean r =
          sync(shown.resources(), next.resources(), this::addResource, server::removeResource);
      boolean t =
          sync(
              shown.templates(),
              next.templates(),
              this::addTemplate,
              server::removeResourceTemplate);
      if (r || t) {
        server.notifyResourcesListChanged();
      }
    }
    shown = next;
  }

  private interface Add<T> {
    void add(String name, Exposure.Target<T> target);
  }

  private interface Remove {
    void remove(String name);
  }

  /** Brings the SDK's registrations from {@code before} to {@code after}; true if any changed. */
  private static <T> boolean sync(
      Map<String, Exposure.Target<T>> before,
      Map<String, Exposure.Target<T>> after,
      Add<T> add,
      Remove remove) {
    boolean changed = false;
    for (var e : before.entrySet()) {
      if (!e.getValue().equals(after.get(e.getKey()))) {
        remove.remove(e.getKey());
        changed = true;
      }
    }
    for (var e : after.entrySet()) {
      if (!e.getValue().equals(before.get(e.getKey()))) {
        add.add(e.getKey(), e.getValue());
        changed = true;
      }
    }
    return changed;
  }

  private void addTool(String name, Exposure.Target<McpSchema.Tool> t) {
    McpSchema.Tool up = t.item();
    McpSchema.Tool tool =
        new McpSchema.Tool(
            name,
            up.title(),
            up.description(),
            up.inputSchema(),
            up.outputSchema(),
            up.annotations(),
            up.meta(),
            up.icons());
    server.addTool(
        new McpServerFeatures.SyncToolSpecification(
            tool, (ex, req) -> calls.tool(ex.transportContext(), cfg, t, req.arguments())));
  }

  private void addPrompt(String name, Exposure.Target<McpSchema.Prompt> p) {
    McpSchema.Prompt up = p.item();
    McpSchema.Prompt prompt =
        new McpSchema.Prompt(
            name, up.title(), up.description(), up.arguments(), up.meta(), up.icons());
    server.addPrompt(
        new McpServerFeatures.SyncPromptSpecification(
            prompt, (ex, req) -> calls.prompt(ex.transportContext(), cfg, p, req.arguments())));
  }

  private void addResource(String uri, Exposure.Target<McpSchema.Resource> r) {
    server.addResource(
        new McpServerFeatures.SyncResourceSpecification(
            r.item(), (ex, req) -> calls.read(ex.transportContext(), cfg, r.server(), req.uri())));
  }

  private void addTemplate(String uriTemplate, Exposure.Target<McpSchema.ResourceTemplate> t) {
    server.addResourceTemplate(
        new McpServerFeatures.SyncResourceTemplateSpecification(
            t.item(), (ex, req) -> calls.read(ex.transportContext(), cfg, t.server(), req.uri())));
  }

  void close() {
    server.closeGracefully();
  }
}
