package dev.warden.server.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.pipeline.ActionResult;
import dev.warden.pipeline.ActionRunner;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

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

  private final Map<String, Upstream> upstreams;
  private final ActionRunner next;
  private final ConcurrentHashMap<String, CompletableFuture<ActionResult>> expected =
      new ConcurrentHashMap<>();

  McpActions(Map<String, Upstream> upstreams, ActionRunner next) {
    this.upstreams = Map.copyOf(upstreams);
    this.next = next;
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
