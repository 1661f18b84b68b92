package dev.warden.server.mcp;

import dev.warden.approval.Approvals;
import dev.warden.limits.Limits;
import dev.warden.pipeline.DecisionPipeline;
import dev.warden.policy.Policy;
import dev.warden.server.http.AllowedHosts;
import dev.warden.server.operator.AgentTokens;
import dev.warden.server.operator.CredentialEvents;
import jakarta.servlet.http.HttpServlet;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The MCP gateways of SPEC §10, served at {@code /mcp/<gateway>} by one servlet ({@link
 * McpServlet}) in front of one SDK server per gateway ({@link Gateway}). Told ({@link #events})
 * when an agent or a token is cut off, it cuts their sessions.
 */
public final class McpGateways implements AutoCloseable {
  /** Warden's version, as MCP peers see it. */
  static final String VERSION =
      Optional.ofNullable(McpGateways.class.getPackage().getImplementationVersion()).orElse("dev");

  private final Map<String, Gateway> gateways;
  private final McpSessions sessions;
  private final McpServlet servlet;

  private McpGateways(Map<String, Gateway> gateways, McpSessions sessions, McpServlet servlet) {
    this.gateways = gateways;
    this.sessions = sessions;
    this.servlet = servlet;
  }

  /** What a gateway needs from the rest of Warden. */
  public record Wiring(
      DecisionPipeline pipeline,
      Approvals approvals,
      Supplier<Policy> policy,
      AgentTokens tokens,
      AllowedHosts hosts,
      Limits limits,
      Clock clock) {}

  public static McpGateways serve(McpConfig cfg, McpUpstreams upstreams, Wiring w) {
    GatewayCalls calls =
        new GatewayCalls(w.pipeline(), upstreams.actions(), w.approvals(), w.policy(), w.clock());
    Map<String, Gateway> gateways = new LinkedHashMap<>();
    for (McpConfig.Gateway g : cfg.gateways().values()) {
      List<Upstream> servers = g.servers().stream().map(upstreams::get).toList();
      Gateway gateway = new Gateway(g, servers, calls, McpUpstreams.JSON);
      upstreams.listen(gateway);
      gateway.refresh();
      gateways.put(g.id(), gateway);
    }
    McpSessions sessions = new McpSessions();
    McpServlet servlet =
        new McpServlet(
            gateways, w.tokens(), w.pipeline(), sessions, w.hosts(), w.limits(), w.clock());
    return new McpGateways(gateways, sessions, servlet);
  }

  /** The servlet to mount at {@code /mcp/*}; null when no gateway is configured. */
  public HttpServlet servlet() {
    return servlet;
  }

  public boolean any() {
    return !gateways.isEmpty();
  }

  /** Cuts the sessions of an agent or token when it is cut off. */
  public CredentialEvents events() {
    return sessions;
  }

  @Override
  public void close() {
    gateways.values().forEach(Gateway::close);
  }
}
