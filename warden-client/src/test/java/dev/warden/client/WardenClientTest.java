package dev.warden.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.warden.httpsig.Component;
import dev.warden.httpsig.ContentDigest;
import dev.warden.httpsig.HttpRequestView;
import dev.warden.httpsig.LabeledSignature;
import dev.warden.httpsig.SignatureAlgorithms;
import dev.warden.httpsig.SignatureBase;
import dev.warden.httpsig.SignatureException;
import dev.warden.httpsig.SignatureException.Reason;
import dev.warden.httpsig.SignatureHeaders;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a local HTTP server that captures each request; the captured request is
 * checked with warden-httpsig exactly as Warden checks it.
 */
class WardenClientTest {

  private static final long NOW = 1_700_000_000L;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
  private static final byte[] BODY =
      "{\"action\":\"payments.transfer\",\"resource\":\"acct/123\"}"
          .getBytes(StandardCharsets.UTF_8);

  /** What the server saw. */
  record Captured(String method, URI targetUri, Map<String, List<String>> headers, byte[] body) {
    HttpRequestView view() {
      return HttpRequestView.of(method, targetUri, headers);
    }
  }

  private final BlockingQueue<Captured> captured = new LinkedBlockingQueue<>();
  private HttpServer server;
  private URI base;

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          Map<String, List<String>> headers = new LinkedHashMap<>();
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
          URI target =
              URI.create(
                  "http://127.0.0.1:" + server.getAddress().getPort() + exchange.getRequestURI());
          byte[] body = exchange.getRequestBody().readAllBytes();
          captured.add(new Captured(exchange.getRequestMethod(), target, headers, body));
          byte[] reply = "{\"decision\":\"allow\"}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.getResponseHeaders().add("X-Correlation-Id", "c-1");
          exchange.sendResponseHeaders(200, reply.length);
          exchange.getResponseBody().write(reply);
          exchange.close();
        });
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void send_ed25519PostWithBody_serverVerifiesSignatureAndDigest() throws Exception {
    AgentCredentials agent = AgentCredentials.generateEd25519("agent-1", "k1", seeded(1));
    try (WardenClient client = WardenClient.create(base, agent, CLOCK, seeded(2))) {
      WardenClient.Response response = client.send("POST", "/v1/decisions", BODY, Map.of());

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo("{\"decision\":\"allow\"}");
      assertThat(response.header("x-correlation-id")).contains("c-1");
      assertThat(response.headers()).containsKey("content-type");
    }
    Captured request = take();
    assertThat(request.body()).isEqualTo(BODY);
    assertThat(request.headers().get("content-type")).containsExactly("application/json");
    LabeledSignature signature = verify(request, agent);
    assertThat(signature.label()).isEqualTo("sig1");
    assertThat(signature.params().created()).isEqualTo(NOW);
    assertThat(signature.params().keyId()).isEqualTo("agent-1/k1");
    assertThat(signature.params().alg()).contains("ed25519");
    assertThat(signature.params().nonce()).matches("[A-Za-z0-9_-]{22}");
    assertThat(signature.params().components())
        .containsExactly(
            Component.of("@method"),
            Component.of("@target-uri"),
            Component.of("content-digest"),
            Component.of("content-type"));
  }

  @Test
  void send_getWithQueryAndPathPrefix_signsTargetUriAsServerSeesIt() throws Exception {
    AgentCredentials agent = AgentCredentials.generateEd25519("agent-2", seeded(3));
    URI prefixed = URI.create(base + "/warden/");
    try (WardenClient client = WardenClient.create(prefixed, agent, CLOCK, seeded(4))) {
      assertThat(client.send("GET", "/v1/decisions/01J?wait=30s", new byte[0], Map.of()).status())
          .isEqualTo(200);
    }
    Captured request = take();
    assertThat(request.targetUri().getRawPath()).isEqualTo("/warden/v1/decisions/01J");
    assertThat(request.headers()).doesNotContainKeys("content-digest", "content-type");
    LabeledSignature signature = verify(request, agent);
    assertThat(signature.params().components())
        .containsExactly(Component.of("@method"), Component.of("@target-uri"));
    assertThat(signature.params().keyId()).isEqualTo("agent-2");
  }

  @Test
  void send_hmacCredentials_serverVerifiesWithSecret() throws Exception {
    byte[] secret = new byte[32];
    seeded(5).nextBytes(secret);
    AgentCredentials agent = AgentCredentials.hmacSha256("agent-3", null, secret);
    try (WardenClient client = WardenClient.create(base, agent, CLOCK, seeded(6))) {
      client.send("POST", "/v1/actions", BODY, Map.of("Idempotency-Key", "\"k-1\""));
    }
    Captured request = take();
    LabeledSignature signature = SignatureHeaders.parse(request.view()).getFirst();
    assertThat(signature.params().alg()).contains("hmac-sha256");
    SignatureAlgorithms.verifyHmacSha256(
        secret, SignatureBase.build(request.view(), signature.params()), signature.signature());
    assertThat(request.headers().get("idempotency-key")).containsExactly("\"k-1\"");
  }

  @Test
  void send_twice_usesFreshNonces() throws Exception {
    AgentCredentials agent = AgentCredentials.generateEd25519("agent-4", seeded(7));
    Set<String> nonces = new HashSet<>();
    try (WardenClient client = WardenClient.create(base, agent, CLOCK, new SecureRandom())) {
      for (int i = 0; i < 5; i++) {
        client.send("POST", "/v1/decisions", BODY, Map.of());
        nonces.add(verify(take(), agent).params().nonce());
      }
    }
    assertThat(nonces).hasSize(5);
  }

  @Test
  void signedRequest_bodyReplacedAfterSigning_serverFindsDigestMismatch() throws Exception {
    AgentCredentials agent = AgentCredentials.generateEd25519("agent-5", seeded(8));
    HttpRequest signed;
    try (WardenClient client = WardenClient.create(base, agent, CLOCK, seeded(9))) {
      signed = client.signedRequest("POST", "/v1/decisions", BODY, Map.of());
    }
    byte[] other =
        "{\"action\":\"payments.transfer\",\"resource\":\"acct/666\"}"
            .getBytes(StandardCharsets.UTF_8);
    sendRaw(
        HttpRequest.newBuilder(signed, (n, v) -> true)
            .POST(HttpRequest.BodyPublishers.ofByteArray(other))
            .build());
    Captured request = take();
    verify(request.view(), agent); // the signature still holds; only the body changed
    assertThatThrownBy(
            () -> ContentDigest.verify(request.headers().get("content-digest"), request.body()))
        .isInstanceOfSatisfying(
            SignatureException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH));
  }

  @Test
  void signedRequest_digestHeaderReplacedAfterSigning_serverFindsBadSignature() throws Exception {
    AgentCredentials agent = AgentCredentials.generateEd25519("agent-6", seeded(10));
    byte[] other = "{}".getBytes(StandardCharsets.UTF_8);
    HttpRequest signed;
    try (WardenClient client = WardenClient.create(base, agent, CLOCK, seeded(11))) {
      signed = client.signedRequest("POST", "/v1/decisions", BODY, Map.of());
    }
    HttpRequest tampered =
        HttpRequest.newBuilder(signed, (n, v) -> !n.equalsIgnoreCase("content-digest"))
            .header("Content-Digest", ContentDigest.header(other))
            .POST(HttpRequest.BodyPublishers.ofByteArray(other))
            .build();
    sendRaw(tampered);
    Captured request = take();
    ContentDigest.verify(request.headers().get("content-digest"), request.body());
    assertThatThrownBy(() -> verify(request.view(), agent))
        .isInstanceOfSatisfying(
            SignatureException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
  }

  @Test
  void create_baseUriWithQuery_throwsIllegalArgument() {
    AgentCredentials agent = AgentCredentials.generateEd25519("agent-7", seeded(12));
    assertThatThrownBy(() -> WardenClient.create(URI.create("http://h/?x=1"), agent))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WardenClient.create(URI.create("ftp://h/"), agent))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private Captured take() throws InterruptedException {
    Captured c = captured.poll(10, TimeUnit.SECONDS);
    assertThat(c).as("the server received a request").isNotNull();
    return c;
  }

  /** Warden's checks: headers, signature over the rebuilt base, then the body digest. */
  private static LabeledSignature verify(Captured request, AgentCredentials agent)
      throws SignatureException {
    LabeledSignature signature = verify(request.view(), agent);
    if (signature.params().covers("content-digest")) {
      ContentDigest.verify(request.headers().get("content-digest"), request.body());
    }
    return signature;
  }

  private static LabeledSignature verify(HttpRequestView view, AgentCredentials agent)
      throws SignatureException {
    LabeledSignature signature = SignatureHeaders.parse(view).getFirst();
    SignatureAlgorithms.verifyEd25519(
        agent.publicKey(), SignatureBase.build(view, signature.params()), signature.signature());
    return signature;
  }

  private static void sendRaw(HttpRequest request) throws Exception {
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      assertThat(http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode())
          .isEqualTo(200);
    }
  }

  /** A SecureRandom whose output is fixed by the seed, so a failing case can be replayed. */
  static SecureRandom seeded(long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
