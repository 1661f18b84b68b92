package dev.warden.server.mcp;

import dev.warden.crypto.Digests;
import dev.warden.pipeline.ActionResult;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream MCP server, kept connected: Warden's MCP client to it, restarted with backoff (1 s
 * doubling to 30 s) when it fails — a stdio command that exits is started again, its standard error
 * goes to Warden's log line by line. Calls while it is down fail at once with {@code
 * upstream_unavailable}; what it listed last stays listed. Thread-safe.
 */
final class Upstream implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Upstream.class);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** Told when what the server lists may have changed. */
  interface Listener {
    void changed(Upstream upstream);
  }

  private final McpConfig.Server cfg;
  private final McpJsonMapper json;
  private final Listener listener;
  private final ReentrantLock connecting = new ReentrantLock();
  private volatile @Nullable McpSyncClient client;
  private volatile Catalog catalog = Catalog.EMPTY;
  private volatile boolean closed;
  private Duration backoff = FIRST_BACKOFF;
  private @Nullable Thread retry;

  Upstream(McpConfig.Server cfg, McpJsonMapper json, Listener listener) {
    this.cfg = cfg;
    this.json = json;
    this.listener = listener;
  }

  String id() {
    return cfg.id();
  }

  Catalog catalog() {
    return catalog;
  }

  boolean connected() {
    return client != null;
  }

  /** Connects now; on failure logs it and keeps trying in the background. */
  void start() {
    if (!connect()) {
      scheduleRetry();
    }
  }

  /** Calls tool {@code name}; a result the tool marks as an error answers 422. */
  ActionResult callTool(String name, java.util.Map<String, Object> arguments) {
    return call(
        c -> c.callTool(new McpSchema.CallToolRequest(name, arguments)),
        r -> Boolean.TRUE.equals(((McpSchema.CallToolResult) r).isError()) ? 422 : 200);
  }

  ActionResult readResource(String uri) {
    return call(c -> c.readResource(new McpSchema.ReadResourceRequest(uri)), r -> 200);
  }

  ActionResult getPrompt(String name, java.util.Map<String, Object> arguments) {
    return call(c -> c.getPrompt(new McpSchema.GetPromptRequest(name, arguments)), r -> 200);
  }

  /**
   * Runs one request. The answer, as JSON, is the body of a {@link ActionResult.Completed}: 200 (or
   * what {@code status} says of the result), or 400 with the JSON-RPC error the server answered. No
   * answer is a {@link ActionResult.Failed}: {@code timeout}, {@code upstream_unavailable} or
   * {@code response_too_large}.
   */
  private ActionResult call(
      Function<McpSyncClient, Object> request, Function<Object, Integer> status) {
    long start = System.nanoTime();
    McpSyncClient c = client;
    if (c == null) {
      return new ActionResult.Failed(
          "upstream_unavailable",
          "MCP server " + cfg.id() + " is not connected; Warden is reconnecting",
          0);
    }
    Object result;
    int code;
    try {
      result = request.apply(c);
      code = status.apply(result);
    } catch (McpError e) {
      result = e.getJsonRpcError();
      code = 400;
    } catch (RuntimeException e) {
      long ms = millisSince(start);
      if (timedOut(e)) {
        return new ActionResult.Failed(
            "timeout", "MCP server " + cfg.id() + " did not answer within " + cfg.timeout(), ms);
      }
      log.warn("MCP server {} failed: {}", cfg.id(), McpError.aggregateExceptionMessages(e));
      down(c);
      return new ActionResult.Failed(
          "upstream_unavailable", "MCP server " + cfg.id() + " failed; Warden is reconnecting", ms);
    }
    byte[] body;
    try {
      body = json.writeValueAsBytes(result);
    } catch (IOException e) {
      return new ActionResult.Failed(
          "upstream_invalid", "MCP server " + cfg.id() + " answered what cannot be encoded", 0);
    }
    long ms = millisSince(start);
    if (body.length > cfg.maxResultBytes()) {
      return new ActionResult.Failed(
          "response_too_large",
          "MCP server " + cfg.id() + " answered more than " + cfg.maxResultBytes() + " bytes",
          ms);
    }
    return new ActionResult.Completed(code, ms, Digests.prefixed(Digests.sha256(body)), body);
  }

  private static boolean timedOut(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException
          || (t.getMessage() != null && t.getMessage().contains("Timeout on blocking read"))) {
        return true;
      }
    }
    return false;
  }

  private static long millisSince(long start) {
    return Math.max(0, (System.nanoTime() - start) / 1_000_000);
  }

  // ---- supervision ----------------------------------------------------------------------------

  private boolean connect() {
    connecting.lock();
    try {
      if (closed || client != null) {
        return true;
      }
      McpClientTransport transport = transport();
      McpSyncClient c =
          McpClient.sync(transport)
              .requestTimeout(cfg.timeout())
              .initializationTimeout(cfg.timeout())
              .clientInfo(new McpSchema.Implementation("warden", McpGateways.VERSION))
              .toolsChangeConsumer(t -> changed(catalog.withTools(t)))
              .resourcesChangeConsumer(r -> changed(catalog.withResources(r)))
              .promptsChangeConsumer(p -> changed(catalog.withPrompts(p)))
              .build();
      try {
        c.initialize();
        Catalog listed = Catalog.load(c);
        client = c;
        backoff = FIRST_BACKOFF;
        log.info(
            "MCP server {} connected: {} tools, {} resources, {} prompts",
            cfg.id(),
            listed.tools().size(),
            listed.resources().size(),
            listed.prompts().size());
        changed(listed);
      } catch (RuntimeException e) {
        log.warn(
            "MCP server {} is unreachable: {}; retrying in {}",
            cfg.id(),
            McpError.aggregateExceptionMessages(e),
            backoff);
        c.close();
        return false;
      }
      if (transport instanceof StdioClientTransport stdio) {
        Thread.ofVirtual()
            .name("mcp-" + cfg.id() + "-exit")
            .start(
                () -> {
                  stdio.awaitForExit();
                  if (!closed) {
                    log.warn("MCP server {} exited; restarting it", cfg.id());
                    down(c);
                  }
                });
      }
      return true;
    } finally {
      connecting.unlock();
    }
  }

  private McpClientTransport transport() {
    if (cfg.stdio()) {
      ServerParameters params =
          ServerParameters.builder(cfg.command().get(0))
              .args(cfg.command().subList(1, cfg.command().size()))
              .env(cfg.env())
              .build();
      StdioClientTransport t = new StdioClientTransport(params, json, cfg.maxResultBytes());
      t.setStdErrorHandler(line -> log.info("[mcp {}] {}", cfg.id(), line));
      return t;
    }
    String url = cfg.url().toString();
    String path = cfg.url().getRawPath();
    String base = url.substring(0, url.length() - path.length());
    return HttpClientStreamableHttpTransport.builder(base)
        .endpoint(path.isEmpty() ? "/" : path)
        .jsonMapper(json)
        .connectTimeout(cfg.timeout())
        .maxResponseSize(cfg.maxResultBytes())
        .build();
  }

  private void changed(Catalog next) {
    catalog = next;
    listener.changed(this);
  }

  /** Marks {@code failed} down (if it is still the client) and reconnects in the background. */
  private void down(McpSyncClient failed) {
    connecting.lock();
    try {
      if (client != failed) {
        return;
      }
      client = null;
    } finally {
      connecting.unlock();
    }
    failed.close();
    scheduleRetry();
  }

  private synchronized void scheduleRetry() {
    if (closed || (retry != null && retry.isAlive())) {
      return;
    }
    retry =
        Thread.ofVirtual()
            .name("mcp-" + cfg.id() + "-retry")
            .start(
                () -> {
                  while (!closed) {
                    Duration wait;
                    synchronized (this) {
                      wait = backoff;
                      backoff =
                          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                              ? MAX_BACKOFF
                              : backoff.multipliedBy(2);
                    }
                    try {
                      Thread.sleep(wait);
                    } catch (InterruptedException e) {
                      return;
                    }
                    if (connect()) {
                      return;
                    }
                  }
                });
  }

  /** Disconnects; a command server is stopped. */
  @Override
  public void close() {
    closed = true;
    Thread r;
    synchronized (this) {
      r = retry;
    }
    if (r != null) {
      r.interrupt();
    }
    McpSyncClient c = client;
    client = null;
    if (c != null) {
      if (!c.closeGracefully()) {
        c.close();
      }
    }
  }
}
