package dev.warden.server.adapter;

import static dev.warden.server.adapter.Fixtures.context;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.warden.crypto.Digests;
import dev.warden.server.adapter.Outcome.Completed;
import dev.warden.server.adapter.Outcome.Failed;
import dev.warden.server.adapter.Outcome.Reason;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class HttpAdapterTest {

  private static final String SECRET = "tok-4f9c2e71-VERY-SECRET";
  private static final Map<String, String> ENV = Map.of("PAYMENTS_TOKEN", SECRET);

  private static HttpAdapterConfig config(int port, String extra) {
    return Fixtures.http(
        """
        adapters:
          - id: payments-api
            actions: ["payments.*"]
            type: http
            method: POST
            url: "http://127.0.0.1:%d/v1/transfers/{resource}"
            headers:
              Authorization: "Bearer {secret:payments_token}"
              X-Agent: "{agent}"
              X-Decision: "{decision_id}"
            body: params
            allow_private: true
        %s
        secrets:
          payments_token: {env: PAYMENTS_TOKEN}
        """
            .formatted(port, extra.indent(4)),
        ENV);
  }

  /** An adapter from the YAML mapping {@code yamlAdapter}, as the only list entry. */
  private static HttpAdapterConfig config(String yamlAdapter) {
    return Fixtures.http(
        "adapters:\n  - " + yamlAdapter.strip().replace("\n", "\n    ") + "\n", ENV);
  }

  private static Outcome run(HttpAdapterConfig config, ActionContext ctx) {
    return HttpAdapter.create(config).execute(ctx);
  }

  @Test
  void execute_postWithSecretHeader_upstreamReceivesCredentialAndParams() throws Exception {
    byte[] answer = "{\"transfer\":\"t-1\"}".getBytes(StandardCharsets.UTF_8);
    try (Upstream up = Upstream.http(Upstream.fixed(201, answer))) {
      Outcome out =
          run(config(up.port(), ""), context("acct-42", "{\"amount\":\"10.00\",\"to\":\"x\"}"));

      assertThat(out).isInstanceOf(Completed.class);
      Completed c = (Completed) out;
      assertThat(c.status()).isEqualTo(201);
      assertThat(c.successful()).isTrue();
      assertThat(c.body()).isEqualTo(answer);
      assertThat(c.responseBytes()).isEqualTo(answer.length);
      assertThat(c.responseDigest()).isEqualTo(Digests.sha256Prefixed(answer));
      assertThat(up.received()).hasSize(1);
      Upstream.Received r = up.received().getFirst();
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.rawPath()).isEqualTo("/v1/transfers/acct-42");
      assertThat(r.header("Authorization")).isEqualTo("Bearer " + SECRET);
      assertThat(r.header("X-Agent")).isEqualTo("agent-7");
      assertThat(r.header("X-Decision")).isEqualTo("01JDECISION");
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.header("Host")).isEqualTo("127.0.0.1:" + up.port());
      assertThat(new String(r.body(), StandardCharsets.UTF_8))
          .isEqualTo("{\"amount\":\"10.00\",\"to\":\"x\"}");
    }
  }

  @Test
  void execute_anyOutcome_secretAppearsInNoResultAndNoLogLine() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(HttpAdapter.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Level before = logger.getLevel();
    logger.addAppender(logs);
    logger.setLevel(Level.DEBUG);
    List<Outcome> outcomes = new ArrayList<>();
    try (Upstream ok = Upstream.http(Upstream.fixed(200, "fine".getBytes(StandardCharsets.UTF_8)));
        Upstream failing = Upstream.http(Upstream.fixed(500, new byte[0]))) {
      outcomes.add(run(config(ok.port(), ""), context("a", "{}")));
      outcomes.add(run(config(failing.port(), ""), context("a", "{}")));
      outcomes.add(run(config(ok.port(), ""), context("..", "{}")));
      outcomes.add(run(config(closedPort(), ""), context("a", "{}")));
    } finally {
      logger.detachAppender(logs);
      logger.setLevel(before);
    }

    assertThat(outcomes)
        .extracting(o -> o.getClass().getSimpleName())
        .containsExactly("Completed", "Completed", "Failed", "Failed");
    for (Outcome o : outcomes) {
      assertThat(o.toString()).doesNotContain(SECRET);
      if (o instanceof Completed c) {
        assertThat(new String(c.body(), StandardCharsets.UTF_8)).doesNotContain(SECRET);
      }
      if (o instanceof Failed f) {
        assertThat(f.detail()).doesNotContain(SECRET);
      }
    }
    List<ILoggingEvent> mine =
        logs.list.stream().filter(e -> e.getFormattedMessage().contains("payments-api")).toList();
    assertThat(mine).hasSizeGreaterThanOrEqualTo(4);
    for (ILoggingEvent e : logs.list) {
      assertThat(e.getFormattedMessage()).doesNotContain(SECRET);
      assertThat(e.getThrowableProxy()).isNull();
    }
  }

  @Test
  void execute_resourceWithSlashOrDots_staysInOnePathSegment() throws Exception {
    try (Upstream up = Upstream.http(Upstream.fixed(200, new byte[0]))) {
      HttpAdapterConfig cfg = config(up.port(), "");
      run(cfg, context("../admin", "{}"));
      run(cfg, context("a/b", "{}"));
      run(cfg, context("x?y=1#z", "{}"));
      run(cfg, context("é %", "{}"));

      assertThat(up.received())
          .extracting(Upstream.Received::rawPath)
          .containsExactly(
              "/v1/transfers/..%2Fadmin",
              "/v1/transfers/a%2Fb", "/v1/transfers/x%3Fy%3D1%23z", "/v1/transfers/%C3%A9%20%25");
    }
  }

  @Test
  void execute_resourceIsDotSegmentOrEmpty_templateErrorAndNothingSent() throws Exception {
    try (Upstream up = Upstream.http(Upstream.fixed(200, new byte[0]))) {
      HttpAdapterConfig cfg = config(up.port(), "");
      for (String resource : new String[] {"..", ".", ""}) {
        Outcome out = run(cfg, context(resource, "{}"));
        assertThat(out).as(resource).isInstanceOf(Failed.class);
        assertThat(((Failed) out).reason()).as(resource).isEqualTo(Reason.TEMPLATE_ERROR);
      }
      assertThat(up.received()).isEmpty();
    }
  }

  @Test
  void execute_queryValueWithDelimiters_encodedAsOneValue() throws Exception {
    try (Upstream up = Upstream.http(Upstream.fixed(200, new byte[0]))) {
      HttpAdapterConfig cfg =
          config(
              """
              id: search
              actions: ["*"]
              type: http
              method: GET
              url: "http://127.0.0.1:%d/search?q={params.q}&n={params.n}"
              allow_private: true
              """
                  .formatted(up.port()));
      Outcome out = run(cfg, context("r", "{\"q\":\"a&b=c d\",\"n\":25}"));

      assertThat(out).isInstanceOf(Completed.class);
      Upstream.Received r = up.received().getFirst();
      assertThat(r.method()).isEqualTo("GET");
      assertThat(r.rawQuery()).isEqualTo("q=a%26b%3Dc%20d&n=25");
      assertThat(r.body()).isEmpty();
    }
  }

  @Test
  void execute_missingOrWrongTypedParam_templateErrorNamingItAndNothingSent() throws Exception {
    try (Upstream up = Upstream.http(Upstream.fixed(200, new byte[0]))) {
      HttpAdapterConfig cfg =
          config(
              """
              id: accounts
              actions: ["*"]
              type: http
              method: DELETE
              url: "http://127.0.0.1:%d/accounts/{params.account}"
              headers:
                X-Note: "{params.note}"
              allow_private: true
              """
                  .formatted(up.port()));

      Failed missing = (Failed) run(cfg, context("r", "{\"note\":\"n\"}"));
      Failed wrongType = (Failed) run(cfg, context("r", "{\"account\":true,\"note\":\"n\"}"));
      Failed injected =
          (Failed) run(cfg, context("r", "{\"account\":\"a\",\"note\":\"x\\r\\nX-Evil: 1\"}"));

      assertThat(missing.reason()).isEqualTo(Reason.TEMPLATE_ERROR);
      assertThat(missing.detail()).contains("params.account");
      assertThat(wrongType.reason()).isEqualTo(Reason.TEMPLATE_ERROR);
      assertThat(wrongType.detail()).contains("params.account").contains("boolean");
      assertThat(injected.reason()).isEqualTo(Reason.TEMPLATE_ERROR);
      assertThat(injected.detail()).contains("X-Note").doesNotContain("X-Evil");
      assertThat(up.received()).isEmpty();
    }
  }

  @Test
  void execute_upstreamAnswers503_completedNotSuccessful() throws Exception {
    byte[] answer = "busy".getBytes(StandardCharsets.UTF_8);
    try (Upstream up = Upstream.http(Upstream.fixed(503, answer))) {
      Completed c = (Completed) run(config(up.port(), ""), context("a", "{}"));

      assertThat(c.status()).isEqualTo(503);
      assertThat(c.successful()).isFalse();
      assertThat(c.body()).isEqualTo(answer);
    }
  }

  @Test
  void execute_redirectToAnotherHost_notFollowedAndOtherHostGetsNothing() throws Exception {
    try (Upstream other = Upstream.http(Upstream.fixed(200, new byte[0]));
        Upstream up =
            Upstream.http(
                (exchange, u) -> {
                  exchange
                      .getResponseHeaders()
                      .set("Location", "http://localhost:" + other.port() + "/steal");
                  exchange.sendResponseHeaders(302, -1);
                })) {
      Outcome out = run(config(up.port(), ""), context("a", "{}"));

      assertThat(out).isInstanceOf(Failed.class);
      assertThat(((Failed) out).reason()).isEqualTo(Reason.REDIRECT_REFUSED);
      assertThat(((Failed) out).detail()).contains("302");
      assertThat(up.received()).hasSize(1);
      assertThat(other.received()).isEmpty();
    }
  }

  @Test
  void execute_upstreamSlowerThanReadTimeout_timeout() throws Exception {
    try (Upstream up =
        Upstream.http(
            (exchange, u) -> {
              u.awaitRelease();
              exchange.sendResponseHeaders(200, -1);
            })) {
      Outcome out =
          run(config(up.port(), "timeout: {connect: 2s, read: 300ms}"), context("a", "{}"));

      assertThat(out).isInstanceOf(Failed.class);
      assertThat(((Failed) out).reason()).isEqualTo(Reason.TIMEOUT);
      // The request was sent; a loaded machine may dispatch it to the handler only after the
      // 300 ms timeout, so wait for the upstream to record it.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (up.received().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(up.received()).hasSize(1);
    }
  }

  @Test
  void execute_upstreamTricklesBytes_readTimeoutBoundsTheWholeResponse() throws Exception {
    try (Upstream up =
        Upstream.http(
            (exchange, u) -> {
              exchange.sendResponseHeaders(200, 0);
              OutputStream body = exchange.getResponseBody();
              // Each byte comes well within a per-read timeout; the whole never ends.
              for (int i = 0; i < 10_000; i++) {
                body.write('x');
                body.flush();
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            })) {
      Outcome out =
          run(config(up.port(), "timeout: {connect: 2s, read: 400ms}"), context("a", "{}"));

      assertThat(out).isInstanceOf(Failed.class);
      assertThat(((Failed) out).reason()).isEqualTo(Reason.TIMEOUT);
    }
  }

  @Test
  void execute_bodyOverMaxResponseBytes_responseTooLarge() throws Exception {
    byte[] big = new byte[2048];
    try (Upstream declared = Upstream.http(Upstream.fixed(200, big));
        Upstream chunked =
            Upstream.http(
                (exchange, u) -> {
                  exchange.sendResponseHeaders(200, 0);
                  exchange.getResponseBody().write(big);
                });
        Upstream exact = Upstream.http(Upstream.fixed(200, new byte[1024]))) {
      String cap = "max_response_bytes: 1024";

      Outcome a = run(config(declared.port(), cap), context("a", "{}"));
      Outcome b = run(config(chunked.port(), cap), context("a", "{}"));
      Outcome c = run(config(exact.port(), cap), context("a", "{}"));

      assertThat(((Failed) a).reason()).isEqualTo(Reason.RESPONSE_TOO_LARGE);
      assertThat(((Failed) a).detail()).contains("1024");
      assertThat(((Failed) b).reason()).isEqualTo(Reason.RESPONSE_TOO_LARGE);
      assertThat(((Completed) c).responseBytes()).isEqualTo(1024);
    }
  }

  @Test
  void execute_nothingListens_connectFailed() throws Exception {
    Outcome out = run(config(closedPort(), ""), context("a", "{}"));

    assertThat(out).isInstanceOf(Failed.class);
    assertThat(((Failed) out).reason()).isEqualTo(Reason.CONNECT_FAILED);
  }

  @Test
  void execute_hostName_connectsToTheCheckedAddressWithTheConfiguredHostHeader() throws Exception {
    try (Upstream up = Upstream.http(Upstream.fixed(200, new byte[0]))) {
      HttpAdapterConfig cfg =
          config(
              """
              id: named
              actions: ["*"]
              type: http
              method: PUT
              url: "http://upstream.test:%d/things/{resource}"
              allow_private: true
              """
                  .formatted(up.port()));
      // upstream.test exists in no DNS: the request can only arrive through the pinned address.
      HttpAdapter adapter =
          HttpAdapter.create(
              cfg,
              host -> List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})),
              SSLContext.getDefault());

      Outcome out = adapter.execute(context("t1", "{}"));

      assertThat(out).isInstanceOf(Completed.class);
      Upstream.Received r = up.received().getFirst();
      assertThat(r.header("Host")).isEqualTo("upstream.test:" + up.port());
      assertThat(r.method()).isEqualTo("PUT");
      assertThat(r.header("Content-Length")).isEqualTo("0");
    }
  }

  /** A loopback port nothing listens on (just released by a server socket). */
  static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
