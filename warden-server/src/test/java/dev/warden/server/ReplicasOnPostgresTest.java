package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.warden.audit.AuditResult;
import dev.warden.audit.AuditSource;
import dev.warden.audit.LogAuditor;
import dev.warden.note.NoteSigner;
import dev.warden.store.Store;
import dev.warden.store.postgresql.PostgresStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §18 end to end: two Warden servers from copies of one data directory, on one PostgreSQL
 * database. An agent registered on one is known to the other, a nonce used on one is refused on the
 * other, and the one log they write verifies. Needs the machine's PostgreSQL (127.0.0.1:5432, user
 * postgres, or {@code WARDEN_TEST_POSTGRES}); fails, never skips, without it.
 */
final class ReplicasOnPostgresTest {
  private static final String ADMIN =
      System.getenv()
          .getOrDefault(
              "WARDEN_TEST_POSTGRES", "postgresql://127.0.0.1:5432/postgres?user=postgres");
  private String database;

  @TempDir Path tmp;

  @BeforeEach
  void createDatabase() {
    database =
        "warden_replicas_"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE)
                .toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection("jdbc:" + ADMIN);
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE DATABASE " + database);
    } catch (SQLException e) {
      throw new AssertionError(
          "This test needs a PostgreSQL server: could not create a database through "
              + PostgresStore.redact(ADMIN)
              + " ("
              + e.getMessage()
              + "). Start PostgreSQL on 127.0.0.1:5432 with trust authentication for user"
              + " postgres (bash .ci/run does), or set WARDEN_TEST_POSTGRES.",
          e);
    }
  }

  @AfterEach
  void dropDatabase() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:" + ADMIN);
        Statement s = c.createStatement()) {
      s.executeUpdate("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  private String url() {
    return ADMIN.replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
  }

  @Test
  void twoReplicas_shareAgentsNoncesAndOneLogThatVerifies() throws Exception {
    DataDir first = firstReplica("", null);
    DataDir second = new DataDir(copy(first.root(), tmp.resolve("b")), url());

    try (TestWarden a = TestWarden.start(first);
        TestWarden b = TestWarden.start(second)) {
      TestWarden.Agent agent = a.createAgent("bot-1");

      TestWarden.Req onA = TestWarden.req(RefusalTest.OK_BODY);
      assertThat(a.send(agent.key(), onA).statusCode()).isEqualTo(200);
      TestWarden.Req onB = TestWarden.req(RefusalTest.OK_BODY);
      HttpResponse<String> fromB = b.send(agent.key(), onB);
      assertThat(fromB.statusCode()).as(fromB.body()).isEqualTo(200);

      // The same nonce on the other replica: its memory has never seen it, the database has.
      TestWarden.Req replay = TestWarden.req(RefusalTest.OK_BODY);
      replay.nonce = onA.nonce;
      HttpResponse<String> replayed = b.send(agent.key(), replay);
      assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(409);
      assertThat(TestWarden.json(replayed).path("code").asText()).isEqualTo("replay.nonce_reused");

      // A suspension on one replica holds on the other at the next request.
      HttpResponse<String> suspend =
          a.admin("PATCH", "/v1/admin/agents/bot-1", "{\"status\":\"suspended\"}");
      assertThat(suspend.statusCode()).as(suspend.body()).isEqualTo(200);
      HttpResponse<String> suspended = b.send(agent.key(), TestWarden.req(RefusalTest.OK_BODY));
      assertThat(suspended.statusCode()).as(suspended.body()).isEqualTo(403);
      assertThat(TestWarden.json(suspended).path("code").asText())
          .isEqualTo("auth.agent_suspended");
    }

    String origin = ServerConfig.load(first).origin();
    LogAuditor auditor =
        LogAuditor.trusting(
            List.of(
                new NoteSigner(origin, first.loadKeys(TestKeys.PROTECTION).checkpoint())
                    .verifierKey()));
    try (Store store = PostgresStore.openForAudit(url())) {
      AuditResult result = auditor.audit(AuditSource.of(store.log()));
      assertThat(result).isInstanceOf(AuditResult.Clean.class);
      assertThat(store.log().head().size()).isGreaterThanOrEqualTo(5);
    }
  }

  /**
   * A policy activated on one replica is the policy of all (SPEC §18): the other follows within a
   * few seconds, and one that restarts from an older copy of the policy file takes the active one.
   */
  @Test
  void policyActivatedOnA_isFollowedByB_andByBRestartedFromAStaleFile() throws Exception {
    String denyAll =
        "version: 1\nrules:\n  - id: frozen\n    effect: deny\n    match: {action: \"*\"}\n";
    String allowAgain =
        "version: 1\nrules:\n  - id: thawed\n    effect: allow\n"
            + "    match: {action: \"payments.*\"}\n";
    DataDir first = firstReplica("", null);
    DataDir second = new DataDir(copy(first.root(), tmp.resolve("b")), url());
    TestWarden.Agent agent;
    try (TestWarden a = TestWarden.start(first);
        TestWarden b = TestWarden.start(second)) {
      agent = a.createAgent("bot-1");
      assertThat(decision(b, agent)).isEqualTo("allow");

      assertThat(a.admin("PUT", "/v1/admin/policy", denyAll).statusCode()).isEqualTo(200);
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
      while (!decision(b, agent).equals("deny")) {
        assertThat(System.nanoTime()).as("B follows A's policy").isLessThan(deadline);
        Thread.sleep(250);
      }
      assertThat(Files.readString(second.policy())).isEqualTo(denyAll);
    }
    // B's file now holds denyAll; A activates another policy while B is down.
    String active;
    try (TestWarden a = TestWarden.start(first)) {
      HttpResponse<String> put = a.admin("PUT", "/v1/admin/policy", allowAgain);
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      active = TestWarden.json(put).path("hash").asText();
    }
    try (TestWarden b = TestWarden.start(second)) {
      assertThat(TestWarden.json(b.admin("GET", "/v1/admin/policy", null)).path("hash").asText())
          .isEqualTo(active);
      assertThat(decision(b, agent)).isEqualTo("allow");
      assertThat(Files.readString(second.policy())).isEqualTo(allowAgain);
    }
  }

  private static String decision(TestWarden w, TestWarden.Agent agent) throws Exception {
    return TestWarden.json(w.send(agent.key(), TestWarden.req(RefusalTest.OK_BODY)))
        .path("decision")
        .asText();
  }

  @Test
  void escalationOnA_approvedOnB_runsOnce_andTheWaiterOnAIsAnswered() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer upstream =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          try (exchange) {
            calls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"transfer\":\"t-1\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(201, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    upstream.start();
    DataDir first =
        firstReplica(
            """
            adapters:
              - id: payments-api
                type: http
                actions: ["payments.*"]
                method: POST
                url: "http://127.0.0.1:%d/v1/transfers/{resource}"
                allow_private: true
                body: params
            """
                .formatted(upstream.getAddress().getPort()),
            """
            version: 1
            default: deny
            rules:
              - id: transfers
                effect: escalate
                match: {action: "payments.transfer"}
                min_approvals: 1
                ttl: 15m
            """);
    DataDir second = new DataDir(copy(first.root(), tmp.resolve("b")), url());

    try (TestWarden a = TestWarden.start(first);
        TestWarden b = TestWarden.start(second)) {
      TestWarden.Agent agent = a.createAgent("pay-bot");
      TestWarden.Req act =
          TestWarden.req(
              "{\"action\":\"payments.transfer\",\"resource\":\"acct-1\","
                  + "\"params\":{\"to\":\"x\"}}");
      act.path = "/v1/actions";
      HttpResponse<String> pending = a.send(agent.key(), act);
      assertThat(pending.statusCode()).as(pending.body()).isEqualTo(202);
      String id = TestWarden.json(pending).path("decision_id").asText();

      // The agent long-polls replica a; the operator approves on replica b.
      TestWarden.Req poll = TestWarden.req("");
      poll.method = "GET";
      poll.path = "/v1/decisions/" + id + "?wait=30s";
      poll.headers.remove("Content-Type");
      long asked = System.nanoTime();
      CompletableFuture<HttpResponse<String>> waiting =
          a.http.sendAsync(
              a.signed(agent.key(), poll).build(), HttpResponse.BodyHandlers.ofString());
      Thread.sleep(500);
      assertThat(waiting).as("still pending: nobody approved yet").isNotDone();
      HttpResponse<String> approved = b.admin("POST", "/v1/approvals/" + id + "/approve", null);
      assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);

      HttpResponse<String> answer = waiting.get(30, TimeUnit.SECONDS);
      long tookMs = (System.nanoTime() - asked) / 1_000_000;
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      JsonNode body = TestWarden.json(answer);
      assertThat(body.path("decision").asText()).isEqualTo("approved");
      assertThat(body.path("execution").path("outcome").asText()).isEqualTo("succeeded");
      assertThat(body.path("execution").path("status").asInt()).isEqualTo(201);
      assertThat(tookMs).as("woken well before the 30 s wait ran out").isLessThan(20_000);
      assertThat(calls.get()).as("run once, by the approving replica").isEqualTo(1);
      assertThat(a.entries("execution")).hasSize(1);
      HttpResponse<String> again = a.admin("POST", "/v1/approvals/" + id + "/approve", null);
      assertThat(again.statusCode()).as("resolved once, on either replica").isEqualTo(409);
      assertThat(calls.get()).isEqualTo(1);
    } finally {
      upstream.stop(0);
    }
  }

  @Test
  void mcpCallHeldOnA_approvedOnB_isAnsweredOnAWithTheToolsResult() throws Exception {
    NodeInterop.ensureInstalled();
    try (McpUpstreamProcesses upstreams = new McpUpstreamProcesses()) {
      DataDir first =
          firstReplica(
              "mcp:\n"
                  + "  servers:\n"
                  + "    - {id: everything, url: \""
                  + upstreams.everything()
                  + "\"}\n"
                  + "  gateways:\n"
                  + "    - {id: tools, servers: [everything], hold: 30s}\n",
              """
              version: 1
              default: deny
              rules:
                - id: sums-need-a-human
                  effect: escalate
                  match: {action: mcp.tool.call, resource: "everything/get-sum"}
                  min_approvals: 1
                  ttl: 15m
              """);
      DataDir second = new DataDir(copy(first.root(), tmp.resolve("b")), url());
      try (TestWarden a = TestWarden.start(first);
          TestWarden b = TestWarden.start(second)) {
        a.createAgent("agent-1");
        HttpResponse<String> token =
            a.admin("POST", "/v1/admin/tokens", "{\"agent\":\"agent-1\",\"scopes\":[\"mcp\"]}");
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
        Path steps =
            Files.writeString(
                tmp.resolve("steps.json"),
                "[{\"op\":\"call_tool\",\"name\":\"get-sum\",\"arguments\":{\"a\":2,\"b\":3}}]");
        Process client =
            new ProcessBuilder(
                    "node",
                    "mcp-client.mjs",
                    a.server().url() + "/mcp/tools",
                    TestWarden.json(token).path("token").asText(),
                    steps.toString())
                .directory(NodeInterop.DIR.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();

        String id = null;
        for (int i = 0; id == null && i < 200; i++) {
          Thread.sleep(100);
          JsonNode pending =
              TestWarden.json(b.admin("GET", "/v1/approvals?status=pending", null))
                  .path("approvals");
          id = pending.isEmpty() ? null : pending.path(0).path("decision_id").asText();
        }
        assertThat(id).as("the call held on a is pending, as seen from b").isNotNull();
        HttpResponse<String> ok = b.admin("POST", "/v1/approvals/" + id + "/approve", null);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);

        List<JsonNode> out = McpGatewayTest.lines(client);
        assertThat(out.get(1).path("ok").asBoolean()).as(out.toString()).isTrue();
        assertThat(McpGatewayTest.text(out.get(1))).contains("5");
        String decided = id;
        assertThat(
                a.entries("execution").stream()
                    .filter(e -> e.path("decision_id").asText().equals(decided)))
            .as("run once, by b")
            .hasSize(1);
        assertThat(b.server().store().handoffs().take(id, java.time.Instant.now()))
            .as("the handed-off result was taken")
            .isEmpty();
      }
    }
  }

  /**
   * The first replica's data directory on this test's database, with {@code config} appended and
   * {@code policy} (if not null) as its policy file.
   */
  private DataDir firstReplica(String config, @Nullable String policy) throws Exception {
    DataDir first =
        DataDir.init(
            new DataDir(tmp.resolve("a"), url()),
            "127.0.0.1:0",
            TestWarden.RANDOM,
            Clock.systemUTC(),
            TestKeys.PROTECTION);
    Files.writeString(first.config(), Files.readString(first.config()) + config);
    if (policy != null) {
      // The policy file, not PUT /v1/admin/policy: each replica activates its own file's policy.
      Files.writeString(first.policy(), policy);
    }
    return first;
  }

  /** {@code cp -a}: the data directory's files with their modes (keys stay 0600). */
  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Files.copy(
            p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    return to;
  }
}
