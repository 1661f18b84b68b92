package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.note.NoteVerifierKey;
import dev.warden.receipt.Jwks;
import dev.warden.receipt.ReceiptVerifier;
import dev.warden.receipt.VerifiedReceipt;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP gateway end to end (SPEC §10), with software Warden did not write: the official MCP
 * TypeScript SDK's client talks to Warden, which forwards to {@code server-everything} (Streamable
 * HTTP) and {@code server-filesystem} (a stdio command Warden starts), plus two hostile upstreams
 * (one that hangs, one that crashes). Every call is decided by policy, logged and receipted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpGatewayTest {
  static final String POLICY =
      """
      version: 1
      rules:
        - id: read-docs
          effect: allow
          match: {action: mcp.tool.call, resource: ["files/read_text_file", "files/list_allowed_directories"]}
        - id: no-writes
          effect: deny
          match: {action: mcp.tool.call, resource: ["files/write_file", "files/edit_file", "files/move_file"]}
          reason: agents never write files
        - id: echoes
          effect: allow
          match: {action: mcp.tool.call, resource: ["everything/echo", "hang/*", "crashy/*"]}
        - id: sums-need-a-human
          effect: escalate
          match: {action: mcp.tool.call, resource: "everything/get-sum"}
          approvers: [alice]
          ttl: 15m
        - id: demo-docs
          effect: allow
          match: {action: [mcp.resource.read, mcp.prompt.get], resource: "everything/*"}
      """;

  @TempDir static Path tmp;
  McpUpstreamProcesses upstreams;
  TestWarden w;
  Path docs;
  String token;
  String alice;

  @BeforeAll
  void start() throws Exception {
    NodeInterop.ensureInstalled();
    upstreams = new McpUpstreamProcesses();
    String everything = upstreams.everything();
    String hanging = upstreams.hanging();
    docs = Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(docs.resolve("notes.txt"), "the quarterly numbers are fine\n");
    String config =
        "mcp:\n"
            + "  servers:\n"
            + "    - {id: everything, url: \""
            + everything
            + "\"}\n"
            + "    - {id: files, command: [node, \""
            + McpUpstreamProcesses.FILESYSTEM
            + "\", \""
            + docs
            + "\"]}\n"
            + "    - {id: hang, url: \""
            + hanging
            + "\", timeout: 2s}\n"
            + "    - {id: crashy, command: [node, \""
            + NodeInterop.DIR.resolve("mcp-stdio-crashy.mjs")
            + "\"], timeout: 5s}\n"
            + "  gateways:\n"
            + "    - {id: tools, servers: [everything, files, hang, crashy], hold: 4s}\n";
    w = TestWarden.start(tmp, config);
    HttpResponse<String> put = w.admin("PUT", "/v1/admin/policy", POLICY);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    w.createAgent("agent-1");
    token = mcpToken("agent-1");
    alice = operatorToken("alice", "approver");
  }

  @AfterAll
  void stop() {
    if (w != null) {
      w.close();
    }
    if (upstreams != null) {
      upstreams.close();
    }
  }

  private String mcpToken(String agent) throws Exception {
    HttpResponse<String> r =
        w.admin("POST", "/v1/admin/tokens", "{\"agent\":\"" + agent + "\",\"scopes\":[\"mcp\"]}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return TestWarden.json(r).path("token").asText();
  }

  private String operatorToken(String subject, String scope) throws Exception {
    HttpResponse<String> r =
        w.admin(
            "POST",
            "/v1/admin/tokens",
            "{\"subject\":\"" + subject + "\",\"scopes\":[\"" + scope + "\"]}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return TestWarden.json(r).path("token").asText();
  }

  private String url() {
    return w.server().url() + "/mcp/tools";
  }

  /** Runs the TypeScript SDK client with {@code steps}; its output lines, parsed. */
  private List<JsonNode> client(String bearer, String steps) throws Exception {
    Process p = clientProcess(bearer, steps);
    return lines(p);
  }

  private Process clientProcess(String bearer, String steps) throws Exception {
    Path file = Files.createTempFile(tmp, "steps", ".json");
    Files.writeString(file, steps);
    return new ProcessBuilder("node", "mcp-client.mjs", url(), bearer, file.toString())
        .directory(NodeInterop.DIR.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  static List<JsonNode> lines(Process p) throws Exception {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
    List<JsonNode> parsed = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        parsed.add(TestWarden.JSON.readTree(line));
      }
    }
    return parsed;
  }

  private static List<String> toolNames(JsonNode listStep) {
    List<String> names = new ArrayList<>();
    listStep.path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
    return names;
  }

  static String text(JsonNode callStep) {
    return callStep.path("result").path("content").path(0).path("text").asText();
  }

  @Test
  void listsOnlyWhatPolicyCouldAllow_withCollidingNamesPrefixedByServer() throws Exception {
    List<JsonNode> out = client(token, "[{\"op\":\"list_tools\"}]");
    assertThat(out.get(0).path("connected").asBoolean()).as(out.toString()).isTrue();
    List<String> names = toolNames(out.get(1));
    assertThat(names)
        .contains(
            "read_text_file",
            "list_allowed_directories",
            "everything__echo",
            "get-sum",
            "hang__sleep",
            "crashy__crash")
        // denied outright, or matched by no rule (default deny): never shown
        .doesNotContain("write_file", "edit_file", "get-env", "echo", "directory_tree");
  }

  @Test
  void allowedCall_reachesTheUpstream_andItsReceiptVerifiesOffline() throws Exception {
    List<JsonNode> out =
        client(
            token,
            "[{\"op\":\"call_tool\",\"name\":\"everything__echo\",\"arguments\":{\"message\":\"hi\"}},"
                + "{\"op\":\"call_tool\",\"name\":\"read_text_file\",\"arguments\":{\"path\":\""
                + docs.resolve("notes.txt")
                + "\"}}]");
    JsonNode echo = out.get(1);
    assertThat(echo.path("ok").asBoolean()).as(echo.toString()).isTrue();
    assertThat(text(echo)).isEqualTo("Echo: hi");
    assertThat(text(out.get(2))).contains("the quarterly numbers are fine");

    JsonNode decision = echo.path("result").path("_meta").path("dev.warden/decision");
    assertThat(decision.path("decision").asText()).isEqualTo("allow");
    VerifiedReceipt v =
        ReceiptVerifier.verify(
            decision.path("receipt"),
            List.of(NoteVerifierKey.parse(get("/.well-known/warden/log-key").strip())),
            Jwks.parse(get("/.well-known/warden/jwks.json")));
    assertThat(v.entry().path("action").asText()).isEqualTo("mcp.tool.call");
    assertThat(v.entry().path("resource").asText()).isEqualTo("everything/echo");
    assertThat(v.entry().path("labels").path("gateway").asText()).isEqualTo("tools");

    String id = decision.path("decision_id").asText();
    List<JsonNode> executions =
        w.entries("execution").stream()
            .filter(e -> e.path("decision_id").asText().equals(id))
            .toList();
    assertThat(executions).hasSize(1);
    assertThat(executions.get(0).path("outcome").asText()).isEqualTo("succeeded");
    assertThat(executions.get(0).path("response_digest").asText()).startsWith("sha256:");
  }

  @Test
  void deniedCall_isAJsonRpcErrorWithTheDecisionId_andNeverReachesTheUpstream() throws Exception {
    Path target = docs.resolve("written.txt");
    List<JsonNode> out =
        client(
            token,
            "[{\"op\":\"call_tool\",\"name\":\"write_file\",\"arguments\":{\"path\":\""
                + target
                + "\",\"content\":\"pwned\"}}]");
    JsonNode err = out.get(1).path("error");
    assertThat(out.get(1).path("ok").asBoolean()).isFalse();
    assertThat(err.path("code").asInt()).isEqualTo(-32001);
    assertThat(err.path("data").path("code").asText()).isEqualTo("policy.denied");
    String id = err.path("data").path("decision_id").asText();
    assertThat(id).isNotBlank();
    assertThat(err.path("message").asText()).contains("agents never write files");
    assertThat(Files.exists(target)).isFalse();
    JsonNode logged =
        w.entries("decision").stream()
            .filter(e -> e.path("decision_id").asText().equals(id))
            .findFirst()
            .orElseThrow();
    assertThat(logged.path("decision").asText()).isEqualTo("deny");
    assertThat(w.entries("execution").stream().map(e -> e.path("decision_id").asText()))
        .doesNotContain(id);
  }

  @Test
  void unknownToolName_isRefusedAndLogged() throws Exception {
    List<JsonNode> out =
        client(token, "[{\"op\":\"call_tool\",\"name\":\"launch_missiles\",\"arguments\":{}}]");
    JsonNode err = out.get(1).path("error");
    assertThat(err.path("code").asInt()).as(out.toString()).isEqualTo(-32602);
    assertThat(err.path("data").path("code").asText()).isEqualTo("mcp.unknown_tool");
    String id = err.path("data").path("decision_id").asText();
    assertThat(w.entries("refusal").stream().map(e -> e.path("decision_id").asText())).contains(id);
  }

  @Test
  void escalatedCall_waitsForTheApprover_thenRunsOnce() throws Exception {
    Process p =
        clientProcess(
            token, "[{\"op\":\"call_tool\",\"name\":\"get-sum\",\"arguments\":{\"a\":2,\"b\":3}}]");
    String id = awaitPendingApproval();
    HttpResponse<String> ok = operator(alice, "POST", "/v1/approvals/" + id + "/approve", null);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    List<JsonNode> out = lines(p);
    assertThat(out.get(1).path("ok").asBoolean()).as(out.toString()).isTrue();
    assertThat(text(out.get(1))).contains("5");
    assertThat(
            w.entries("execution").stream()
                .filter(e -> e.path("decision_id").asText().equals(id))
                .count())
        .isEqualTo(1);
  }

  @Test
  void escalatedCall_nobodyApproves_isRefusedWithTheApprovalIdAfterTheHold() throws Exception {
    long start = System.nanoTime();
    List<JsonNode> out =
        client(
            token, "[{\"op\":\"call_tool\",\"name\":\"get-sum\",\"arguments\":{\"a\":1,\"b\":1}}]");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    JsonNode err = out.get(1).path("error");
    assertThat(err.path("code").asInt()).as(out.toString()).isEqualTo(-32002);
    String id = err.path("data").path("approval_id").asText();
    assertThat(id).isNotBlank();
    assertThat(seconds).isBetween(3L, 30L);
    // The approval expired with the hold: nobody can approve a call nobody waits for.
    HttpResponse<String> late = operator(alice, "POST", "/v1/approvals/" + id + "/approve", null);
    assertThat(late.statusCode()).isEqualTo(409);
  }

  @Test
  void hangingUpstream_timesOut_andTheClientGetsAClearError() throws Exception {
    List<JsonNode> out =
        client(
            token,
            "[{\"op\":\"call_tool\",\"name\":\"hang__sleep\",\"arguments\":{\"ms\":60000}},"
                + "{\"op\":\"call_tool\",\"name\":\"hang__echo\",\"arguments\":{\"message\":\"still here\"}}]");
    JsonNode err = out.get(1).path("error");
    assertThat(err.path("code").asInt()).as(out.toString()).isEqualTo(-32003);
    assertThat(err.path("data").path("reason").asText()).isEqualTo("timeout");
    assertThat(text(out.get(2))).isEqualTo("still here");
  }

  @Test
  void crashingStdioUpstream_isRestarted_andTheClientGetsAClearError() throws Exception {
    List<JsonNode> out =
        client(token, "[{\"op\":\"call_tool\",\"name\":\"crashy__crash\",\"arguments\":{}}]");
    JsonNode err = out.get(1).path("error");
    assertThat(err.path("code").asInt()).as(out.toString()).isEqualTo(-32003);
    assertThat(err.path("data").path("decision_id").asText()).isNotBlank();
    JsonNode echoed = null;
    for (int i = 0; i < 30 && (echoed == null || !echoed.path("ok").asBoolean()); i++) {
      Thread.sleep(500);
      echoed =
          client(
                  token,
                  "[{\"op\":\"call_tool\",\"name\":\"crashy__echo\",\"arguments\":{\"message\":\"back\"}}]")
              .get(1);
    }
    assertThat(text(echoed)).as("restarted: %s", echoed).isEqualTo("back");
  }

  @Test
  void resourcesAndPrompts_passThroughUnderPolicy() throws Exception {
    List<JsonNode> out =
        client(
            token,
            "[{\"op\":\"read_resource\",\"uri\":\"demo://resource/static/document/architecture.md\"},"
                + "{\"op\":\"get_prompt\",\"name\":\"simple-prompt\",\"arguments\":{}}]");
    assertThat(out.get(1).path("ok").asBoolean()).as(out.toString()).isTrue();
    assertThat(out.get(1).path("result").path("contents")).isNotEmpty();
    assertThat(out.get(2).path("ok").asBoolean()).as(out.toString()).isTrue();
    assertThat(w.entries("decision").stream().map(e -> e.path("action").asText()))
        .contains("mcp.resource.read", "mcp.prompt.get");
  }

  @Test
  void withoutAValidToken_nothingIsServed() throws Exception {
    List<JsonNode> none = client("-", "[]");
    assertThat(none.get(0).path("connect").asBoolean(true)).isFalse();
    assertThat(none.get(0).path("error").path("status").asInt()).isEqualTo(401);
    List<JsonNode> bad = client("wda_" + "A".repeat(43), "[]");
    assertThat(bad.get(0).path("error").path("status").asInt()).isEqualTo(401);
    List<JsonNode> operator = client(alice, "[]");
    assertThat(operator.get(0).path("error").path("status").asInt()).isEqualTo(401);
  }

  @Test
  void malformedJsonRpc_isRefusedAndLogged() throws Exception {
    for (String body :
        new String[] {
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"method\":\"tools/call\"}",
          "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}]",
          "{\"jsonrpc\":\"2.0\",\"id\":1,",
          "{\"id\":1,\"method\":\"tools/list\"}"
        }) {
      HttpResponse<String> r =
          w.http.send(
              HttpRequest.newBuilder(w.uri("/mcp/tools"))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .header("Accept", "application/json, text/event-stream")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      JsonNode error = TestWarden.json(r).path("error");
      assertThat(error.path("data").path("code").asText()).isEqualTo("mcp.invalid");
      String id = error.path("data").path("decision_id").asText();
      assertThat(w.entries("refusal").stream().map(e -> e.path("decision_id").asText()))
          .contains(id);
    }
  }

  @Test
  void suspendingTheAgent_cutsItOff() throws Exception {
    w.createAgent("agent-2");
    String t2 = mcpToken("agent-2");
    assertThat(client(t2, "[]").get(0).path("connected").asBoolean()).isTrue();
    HttpResponse<String> r =
        w.admin("PATCH", "/v1/admin/agents/agent-2", "{\"status\":\"suspended\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<JsonNode> after = client(t2, "[]");
    assertThat(after.get(0).path("error").path("status").asInt()).isEqualTo(403);
  }

  @Test
  void suspendingTheAgent_cutsItsOpenSession_evenAfterItIsActiveAgain() throws Exception {
    w.createAgent("agent-3");
    String t3 = mcpToken("agent-3");
    HttpResponse<String> init =
        post(
            t3,
            null,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
    assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
    assertThat(post(t3, session, list).statusCode()).isEqualTo(200);
    // Another agent's token cannot use the session.
    assertThat(post(token, session, list).statusCode()).isEqualTo(404);

    w.admin("PATCH", "/v1/admin/agents/agent-3", "{\"status\":\"suspended\"}");
    assertThat(post(t3, session, list).statusCode()).isEqualTo(403);
    w.admin("PATCH", "/v1/admin/agents/agent-3", "{\"status\":\"active\"}");
    assertThat(post(t3, session, list).statusCode())
        .as("the session was cut with the suspension")
        .isEqualTo(404);
  }

  private HttpResponse<String> post(String bearer, @Nullable String session, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(w.uri("/mcp/tools"))
            .header("Authorization", "Bearer " + bearer)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (session != null) {
      b.header("Mcp-Session-Id", session);
    }
    return w.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String awaitPendingApproval() throws Exception {
    for (int i = 0; i < 100; i++) {
      JsonNode listed =
          TestWarden.json(operator(alice, "GET", "/v1/approvals?status=pending", null));
      for (JsonNode a : listed.path("approvals")) {
        if (a.path("request").path("resource").asText().equals("everything/get-sum")
            && a.path("state").asText().equals("pending")) {
          return a.path("decision_id").asText();
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no pending approval appeared");
  }

  private HttpResponse<String> operator(
      String bearer, String method, String path, @Nullable String body) throws Exception {
    return w.http.send(
        HttpRequest.newBuilder(w.uri(path))
            .header("Authorization", "Bearer " + bearer)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String get(String path) throws Exception {
    HttpResponse<String> r =
        w.http.send(
            HttpRequest.newBuilder(w.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
