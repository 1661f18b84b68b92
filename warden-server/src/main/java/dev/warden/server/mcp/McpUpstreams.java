package dev.warden.server.mcp;

import dev.warden.pipeline.ActionRunner;
import dev.warden.store.ResultHandoffs;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The configured upstream MCP servers, connected (SPEC §10), and the {@link McpActions} runner that
 * calls them. Started before the pipeline, which runs allowed MCP actions through {@link #runner};
 * the gateways listen to them. Closing stops every command server.
 */
public final class McpUpstreams implements AutoCloseable {
  static final McpJsonMapper JSON =
      new JacksonMcpJsonMapper(new com.fasterxml.jackson.databind.ObjectMapper());

  private final Map<String, Upstream> upstreams;
  private final McpActions runner;
  private final List<Upstream.Listener> listeners = new CopyOnWriteArrayList<>();

  private McpUpstreams(McpConfig cfg, ActionRunner next, ResultHandoffs handoffs, Clock clock) {
    Map<String, Upstream> ups = new LinkedHashMap<>();
    Upstream.Listener fanOut = u -> listeners.forEach(l -> l.changed(u));
    cfg.servers().values().forEach(s -> ups.put(s.id(), new Upstream(s, JSON, fanOut)));
    this.upstreams = ups;
    this.runner = new McpActions(ups, next, handoffs, clock);
  }

  /**
   * Connects to every server at once (each within its timeout; one that fails is retried in the
   * background), running other actions through {@code next}; results of approved calls that another
   * replica's held call waits for go through {@code handoffs}.
   */
  public static McpUpstreams start(
      McpConfig cfg, ActionRunner next, ResultHandoffs handoffs, Clock clock) {
    McpUpstreams u = new McpUpstreams(cfg, next, handoffs, clock);
    List<Thread> starting = new ArrayList<>();
    for (Upstream up : u.upstreams.values()) {
      starting.add(Thread.ofVirtual().name("mcp-" + up.id() + "-start").start(up::start));
    }
    for (Thread t : starting) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return u;
  }

  /** Runs MCP actions on the servers, and every other action as {@code next} does. */
  public ActionRunner runner() {
    return runner;
  }

  /** Runs approved escalations: as {@link #runner}, handing MCP results to other replicas. */
  public ActionRunner approvedRunner() {
    return runner.approved();
  }

  McpActions actions() {
    return runner;
  }

  Upstream get(String id) {
    return upstreams.get(id);
  }

  void listen(Upstream.Listener l) {
    listeners.add(l);
  }

  /** How many servers are configured and how many are connected now. */
  public int connected() {
    return (int) upstreams.values().stream().filter(Upstream::connected).count();
  }

  public int configured() {
    return upstreams.size();
  }

  @Override
  public void close() {
    upstreams.values().forEach(Upstream::close);
  }
}
