package dev.warden.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.pipeline.ActionResult;
import dev.warden.pipeline.ActionRunner;
import dev.warden.store.ResultHandoffs;
import dev.warden.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs allowed MCP actions on their upstream server (SPEC §10), in front of the configured
 * adapters: {@code mcp.tool.call}, {@code mcp.resource.read} and {@code mcp.prompt.get} on resource
 * {@code <server>/<tool, uri or prompt>}; every other action goes to {@code next}. Thread-safe.
 */
public final class McpActions implements ActionRunner {
  /** The adapter id execution entries record for MCP actions. */
  public static final String ADAPTER = "mcp";

  static final String TOOL_CALL = "mcp.tool.call";
  static final String RESOURCE_READ = "mcp.resource.read";
  static final String PROMPT_GET = "mcp.prompt.get";
  private static final Set<String> ACTIONS = Set.of(TOOL_CALL, RESOURCE_READ, PROMPT_GET);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long a result handed off to another replica is kept for its waiter. */
  static final Duration HANDOFF_TTL = Duration.ofMinutes(5);

  private static final Logger log = LoggerFactory.getLogger(McpActions.class);

  private final Map<String, Upstream> upstreams;
  private final ActionRunner next;
  private final ResultHandoffs handoffs;
  private final Clock clock;
  private final ConcurrentHashMap<String, CompletableFuture<ActionResult>> expected =
      new ConcurrentHashMap<>();

  McpActions(
      Map<String, Upstream> upstreams, ActionRunner next, ResultHandoffs handoffs, Clock clock) {
    this.upstreams = Map.copyOf(upstreams);
    this.next = next;
    this.handoffs = handoffs;
    this.clock = clock;
  }

  /**
   * The runner of approved escalations: as {@link #run}, and the result of an MCP call that no call
   * held on this replica waits for is handed off through the store, to the replica whose held call
   * does ({@link #handedOff}).
   */
  ActionRunner approved() {
    return new ActionRunner() {
      @Override
      public @Nullable String adapterFor(String action) {
        return McpActions.this.adapterFor(action);
      }

      @Override
      public ActionResult run(String adapter, Call call) {
        ActionResult result = McpActions.this.run(adapter, call);
        if (adapter.equals(ADAPTER) && !expected.containsKey(call.decisionId())) {
          handOff(call.decisionId(), result);
        }
        return result;
      }
    };
  }

  private void handOff(String decisionId, ActionResult result) {
    ObjectNode o = JSON.createObjectNode();
    switch (result) {
      case ActionResult.Completed c -> {
        o.put("status", c.status());
        o.put("duration_ms", c.durationMillis());
        o.put("digest", c.responseDigest());
        o.put("body", c.body());
      }
      case ActionResult.Failed f -> {
        o.put("reason", f.reason());
        o.put("detail", f.detail());
        o.put("duration_ms", f.durationMillis());
      }
    }
    try {
      handoffs.put(
          decisionId,
          o.toString().getBytes(StandardCharsets.UTF_8),
          clock.instant().plus(HANDOFF_TTL));
    } catch (StoreException e) {
      log.warn(
          "the result of {} could not be handed to the replica holding its call: {}",
          decisionId,
          e.getMessage());
    }
  }

  /**
   * The result of decision {@code decisionId}'s call that another replica ran and handed off, taken
   * (once); null if there is none.
   */
  @Nullable ActionResult handedOff(String decisionId) {
    try {
      byte[] kept = handoffs.take(decisionId, clock.instant()).orElse(null);
      if (kept == null) {
        return null;
      }
      JsonNode o = JSON.readTree(kept);
      long ms = o.path("duration_ms").asLong();
      return o.has("status")
          ? new ActionResult.Completed(
              o.path("status").asInt(), ms, o.path("digest").asText(), o.path("body").binaryValue())
          : new ActionResult.Failed(o.path("reason").asText(), o.path("detail").asText(), ms);
    } catch (StoreException | IOException e) {
      log.warn(
          "the result of {} handed off by another replica is not readable: {}",
          decisionId,
          e.getMessage());
      return null;
    }
  }

  @Override
  public @Nullable String adapterFor(String action) {
    if (ACTIONS.contains(action) && !upstreams.isEmpty()) {
      return ADAPTER;
    }
    return next.adapterFor(action);
  }

  @Override
  public ActionResult run(String adapter, Call call) {
    if (!adapter.equals(ADAPTER)) {
      return next.run(adapter, call);
    }
    int slash = call.resource().indexOf('/');
    Upstream u = slash < 0 ? null : upstreams.get(call.resource().substring(0, slash));
    if (u == null) {
      return new ActionResult.Failed(
          "no_such_server",
          "resource " + call.resource() + " names no configured MCP server (<server>/<name>)",
          0);
    }
    String name = call.resource().substring(slash + 1);
    @SuppressWarnings("unchecked")
    Map<String, Object> args = JSON.convertValue(call.params(), Map.class);
    ActionResult result =
        switch (call.action()) {
          case TOOL_CALL -> u.callTool(name, args);
          case RESOURCE_READ -> u.readResource(name);
          case PROMPT_GET -> u.getPrompt(name, args);
          default -> throw new IllegalStateException("not an MCP action: " + call.action());
        };
    CompletableFuture<ActionResult> waiting = expected.get(call.decisionId());
    if (waiting != null) {
      waiting.complete(result);
    }
    return result;
  }

  /**
   * Where the result of decision {@code decisionId}'s call arrives when it runs on another thread
   * (an approved escalation runs on the approver's request): the held MCP call takes it from here.
   * Only results someone expects are kept; {@link #forget} drops the expectation.
   */
  CompletableFuture<ActionResult> expect(String decisionId) {
    return expected.computeIfAbsent(decisionId, k -> new CompletableFuture<>());
  }

  void forget(String decisionId) {
    expected.remove(decisionId);
  }
}
