package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import dev.warden.server.logging.RedactingJsonEncoder;
import dev.warden.store.StoredEntry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Representative flows that handle secrets — operator tokens, agent tokens, forged tokens, an
 * adapter with a secret header whose upstream fails and echoes what it got, a TLS key that cannot
 * be used — and no secret in any log line (down to debug), error body or log entry.
 */
class LogRedactionTest {
  @TempDir Path tmp;

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Logger warden = (Logger) LoggerFactory.getLogger("dev.warden");

  @Test
  void secretFlows_noSecretInLogsAnswersOrEntries() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    Level level = warden.getLevel();
    warden.setLevel(Level.DEBUG);
    HttpServer upstream =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          // A careless upstream that echoes the credential in its error body.
          byte[] body =
              ("{\"error\":\"denied\",\"you_sent\":\""
                      + exchange.getRequestHeaders().getFirst("Authorization")
                      + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(500, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    List<String> secrets = new ArrayList<>(Canaries.ALL);
    List<String> answers = new ArrayList<>();
    try {
      Path secretFile = tmp.resolve("payments-token");
      Files.writeString(secretFile, Canaries.ADAPTER_SECRET);
      Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
      try (TestWarden w =
          TestWarden.start(
              tmp,
              """
              adapters:
                - id: payments-api
                  type: http
                  actions: ["payments.*"]
                  method: POST
                  url: "http://127.0.0.1:%d/v1/transfers"
                  allow_private: true
                  body: params
                  headers:
                    Authorization: "Bearer {secret:token}"
              secrets:
                token: {file: %s}
              """
                  .formatted(upstream.getAddress().getPort(), secretFile))) {
        secrets.add(w.data.loadAdminToken());
        TestWarden.Agent agent = w.createAgent("agent-1");
        // Operator tokens: issued (shown once, in that answer only) and used.
        HttpResponse<String> issued =
            w.admin("POST", "/v1/admin/tokens", "{\"subject\":\"ops\",\"scopes\":[\"approver\"]}");
        String approver = TestWarden.json(issued).path("token").asText();
        secrets.add(approver);
        HttpResponse<String> agentToken =
            w.admin("POST", "/v1/admin/tokens", "{\"agent\":\"agent-1\",\"scopes\":[\"mcp\"]}");
        assertThat(agentToken.statusCode()).as(agentToken.body()).isEqualTo(201);
        secrets.add(TestWarden.json(agentToken).path("token").asText());
        answers.add(bearer(w, "/v1/approvals", approver).body());
        // Forged and misplaced tokens are refused without being echoed.
        answers.add(bearer(w, "/v1/admin/agents", Canaries.FORGED_OPERATOR_TOKEN).body());
        answers.add(bearer(w, "/v1/admin/agents", Canaries.FORGED_AGENT_TOKEN).body());
        answers.add(bearer(w, "/v1/admin/agents", approver).body()); // insufficient scope
        answers.add(bearer(w, "/metrics", "not-a-token " + Canaries.ADAPTER_SECRET).body());
        // An adapter with a secret header whose upstream fails and echoes the header.
        TestWarden.Req act =
            TestWarden.req(
                "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\",\"params\":{\"to\":\"x\"},"
                    + "\"amount\":{\"value\":\"3.00\",\"currency\":\"USD\"}}");
        act.path = "/v1/actions";
        HttpResponse<String> acted = w.send(agent.key(), act);
        answers.add(acted.body());
        assertThat(acted.body()).as("the adapter ran").contains("execution");
        for (StoredEntry e : w.server().store().log().read(0, Long.MAX_VALUE)) {
          String entry = new String(e.entry(), StandardCharsets.UTF_8);
          for (String s : secrets) {
            assertThat(entry).as("log entry").doesNotContain(s);
          }
        }
      }
      // Key loading: a TLS key that is not the certificate's; the error names files, not bytes.
      Path certs = Files.createDirectories(tmp.resolve("certs"));
      String keyPem = badTlsStart(certs);
      secrets.add(keyPem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow());
    } finally {
      upstream.stop(0);
      warden.setLevel(level);
      root.detachAppender(logs);
    }

    assertThat(logs.list).isNotEmpty();
    RedactingJsonEncoder encoder = new RedactingJsonEncoder();
    encoder.setContext(root.getLoggerContext());
    encoder.start();
    for (ILoggingEvent ev : logs.list) {
      String raw = ev.getFormattedMessage() + " " + throwable(ev);
      String encoded = new String(encoder.encode(ev), StandardCharsets.UTF_8);
      for (String s : secrets) {
        assertThat(raw).as("log line").doesNotContain(s);
        assertThat(encoded).as("encoded log line").doesNotContain(s);
      }
    }
    for (String a : answers) {
      for (String s : secrets) {
        assertThat(a).as("answer").doesNotContain(s);
      }
    }
  }

  private static String throwable(ILoggingEvent ev) {
    StringBuilder b = new StringBuilder();
    for (var t = ev.getThrowableProxy(); t != null; t = t.getCause()) {
      b.append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
    }
    return b.toString();
  }

  private static HttpResponse<String> bearer(TestWarden w, String path, String token)
      throws Exception {
    return w.http.send(
        HttpRequest.newBuilder(w.uri(path)).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Starts a server whose TLS key does not match its certificate; returns the key's PEM. */
  private String badTlsStart(Path certs) throws Exception {
    dev.warden.server.http.TestCertsAccess.server(certs, "one");
    dev.warden.server.http.TestCertsAccess.server(certs, "two");
    DataDir d =
        DataDir.init(
            tmp.resolve("tls-data"),
            "127.0.0.1:0",
            new SecureRandom(),
            Clock.systemUTC(),
            TestKeys.PROTECTION);
    Files.writeString(
        d.config(),
        Files.readString(d.config())
            + "tls:\n  cert: "
            + certs.resolve("one.pem")
            + "\n  key: "
            + certs.resolve("two.key")
            + "\n");
    assertThatThrownBy(
            () ->
                WardenServer.start(
                        d,
                        ServerConfig.load(d),
                        Clock.systemUTC(),
                        new SecureRandom(),
                        TestKeys.PROTECTION)
                    .close())
        .isInstanceOf(WardenServer.StartupException.class)
        .hasMessageContaining("is not the private key of the certificate")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PRIVATE KEY"));
    return Files.readString(certs.resolve("two.key"));
  }
}
