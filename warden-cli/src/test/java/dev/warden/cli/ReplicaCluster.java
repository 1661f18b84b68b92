package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.httpsig.MessageSigner;
import dev.warden.httpsig.SigningKey;
import dev.warden.server.DataDir;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Warden replicas as separate {@code warden serve} JVMs on one PostgreSQL database of their own
 * (SPEC §18): one data directory made by {@code init}, copied for every replica (the same keys),
 * and a fresh, uniquely named database that {@link #close} drops. Needs the machine's PostgreSQL
 * (127.0.0.1:5432, user postgres, or {@code WARDEN_TEST_POSTGRES}); fails, never skips, without it.
 */
final class ReplicaCluster implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN =
      System.getenv()
          .getOrDefault(
              "WARDEN_TEST_POSTGRES", "postgresql://127.0.0.1:5432/postgres?user=postgres");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final Path tmp;
  private final String database;
  private final DataDir data;
  private final List<Process> children = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger generation =
      new java.util.concurrent.atomic.AtomicInteger();

  private ReplicaCluster(Path tmp, String database, DataDir data) {
    this.tmp = tmp;
    this.database = database;
    this.data = data;
  }

  /**
   * A data directory in {@code tmp} on a new database, {@code config} appended to its warden.yaml.
   */
  static ReplicaCluster create(Path tmp, String config) throws Exception {
    String database =
        "warden_cluster_"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE)
                .toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection("jdbc:" + ADMIN);
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE DATABASE " + database);
    } catch (SQLException e) {
      throw new AssertionError(
          "This test needs a PostgreSQL server at 127.0.0.1:5432 with trust authentication for"
              + " user postgres (or WARDEN_TEST_POSTGRES): "
              + e.getMessage(),
          e);
    }
    DataDir data =
        DataDir.init(
            new DataDir(tmp.resolve("data"), url(database, 5432)),
            "127.0.0.1:0",
            new SecureRandom(),
            Clock.systemUTC(),
            TestKeys.PROTECTION);
    Files.writeString(data.config(), Files.readString(data.config()) + config);
    return new ReplicaCluster(tmp, database, data);
  }

  /** The name agents sign for when a load balancer spreads them over the replicas. */
  static final URI BALANCED = URI.create("http://warden.lb/v1/decisions");

  /**
   * A cluster whose replicas accept requests signed for {@link #BALANCED} ({@code hosts}), with
   * {@code policy} as every replica's policy file.
   */
  static ReplicaCluster behindBalancer(Path tmp, String policy) throws Exception {
    ReplicaCluster c = create(tmp, "hosts: [\"warden.lb\"]\n");
    Files.writeString(c.data().policy(), policy);
    return c;
  }

  /** The store URL of this cluster's database through {@code port} (a proxy's, or 5432). */
  String url(int port) {
    return url(database, port);
  }

  private static String url(String database, int port) {
    return ADMIN
        .replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1")
        .replace("127.0.0.1:5432", "127.0.0.1:" + port);
  }

  DataDir data() {
    return data;
  }

  String adminToken() throws IOException {
    return data.loadAdminToken();
  }

  /** A replica on the database directly. */
  ChildJvm.Server start() throws Exception {
    return start(5432);
  }

  /** A replica that reaches PostgreSQL on 127.0.0.1:{@code pgPort}. */
  ChildJvm.Server start(int pgPort) throws Exception {
    int gen = generation.incrementAndGet();
    Path dir = copy(data.root(), tmp.resolve("replica-" + gen));
    return ChildJvm.serve(
        tmp,
        "replica-" + gen,
        List.of("--data-dir", dir.toString(), "--store", url(pgPort)),
        http,
        children,
        START_TIMEOUT);
  }

  /** Whether {@code r} answers {@code /readyz} with 200 now. */
  boolean ready(ChildJvm.Server r) throws InterruptedException {
    return ChildJvm.ready(http, r);
  }

  /** A new agent, registered through {@code r}. */
  SigningKey agent(ChildJvm.Server r, String id) throws Exception {
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    SigningKey key = SigningKey.ed25519(id, seed);
    HttpResponse<String> res =
        admin(
            r,
            "POST",
            "/v1/admin/agents",
            AuditFixture.agentJson(id, key.publicKey().orElseThrow()));
    assertThat(res.statusCode()).as("agent create: %s", res.body()).isEqualTo(201);
    return key;
  }

  HttpResponse<String> admin(ChildJvm.Server r, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(r.base().resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + adminToken());
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * {@code body} POSTed to {@code path}, signed by {@code key} for {@code r} with a fresh nonce;
   * {@code idempotencyKey} may be null.
   */
  static HttpRequest signed(
      ChildJvm.Server r, SigningKey key, String path, String body, String idempotencyKey) {
    return signedAt(r.base().resolve(path), key, body, idempotencyKey, CrashLoad.newNonce());
  }

  /** A signed request to {@code target}, sent with {@link #send}. */
  static HttpRequest signedAt(
      URI target, SigningKey key, String body, String idempotencyKey, String nonce) {
    Signed signed = sign(target, key, body, idempotencyKey, nonce);
    HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60));
    signed.headers().forEach(b::header);
    return b.POST(HttpRequest.BodyPublishers.ofByteArray(signed.body())).build();
  }

  /** The headers and body of a signed POST. */
  record Signed(URI target, Map<String, String> headers, byte[] body) {}

  /**
   * {@code body} POSTed to {@code target}, signed by {@code key}: to send to any replica with
   * {@link #sendRaw}, as a load balancer in front of them would.
   */
  static Signed sign(URI target, SigningKey key, String body, String idempotencyKey, String nonce) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    if (idempotencyKey != null) {
      headers.put("Idempotency-Key", idempotencyKey);
    }
    headers.putAll(
        MessageSigner.of(key)
            .sign("POST", target, headers, bytes, System.currentTimeMillis() / 1000, null, nonce));
    return new Signed(target, headers, bytes);
  }

  /** An answer read off the socket: the status, and the body's JSON object (if any). */
  record Answer(int status, JsonNode body) {}

  /**
   * Sends {@code s} to replica {@code r} over a plain socket with the {@code Host} it was signed
   * for (the JDK's client cannot set Host): what a load balancer in front of the replicas does.
   *
   * @throws IOException if the replica is gone or closes the connection
   */
  static Answer sendRaw(ChildJvm.Server r, Signed s) throws IOException {
    StringBuilder head = new StringBuilder();
    head.append("POST ").append(s.target().getRawPath()).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(s.target().getRawAuthority()).append("\r\n");
    s.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    head.append("Content-Length: ").append(s.body().length).append("\r\n");
    head.append("Connection: close\r\n\r\n");
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(r.base().getHost(), r.base().getPort()), 2000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(s.body());
      out.flush();
      String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!raw.startsWith("HTTP/1.1 ")) {
        throw new IOException("no HTTP answer: " + raw);
      }
      int status = Integer.parseInt(raw.substring(9, 12));
      int open = raw.indexOf('{', raw.indexOf("\r\n\r\n"));
      int close = raw.lastIndexOf('}');
      JsonNode body =
          open < 0 || close < open
              ? JSON.createObjectNode()
              : JSON.readTree(raw.substring(open, close + 1));
      return new Answer(status, body);
    }
  }

  /** Every log entry, parsed, read through {@code r}. */
  List<JsonNode> entries(ChildJvm.Server r) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (int start = 0; ; start += 1000) {
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(
                      r.base().resolve("/v1/log/entries?start=" + start + "&end=" + (start + 1000)))
                  .timeout(Duration.ofSeconds(30))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      JsonNode list = JSON.readTree(page.body()).path("entries");
      for (JsonNode e : list) {
        out.add(JSON.readTree(e.path("entry").asText()));
      }
      if (list.size() < 1000) {
        return out;
      }
    }
  }

  /** Stops every replica and drops the database. */
  @Override
  public void close() throws Exception {
    for (Process p : children) {
      p.toHandle().destroyForcibly();
    }
    for (Process p : children) {
      p.waitFor(10, TimeUnit.SECONDS);
    }
    http.shutdownNow();
    try (Connection c = DriverManager.getConnection("jdbc:" + ADMIN);
        Statement s = c.createStatement()) {
      s.executeUpdate("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
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
