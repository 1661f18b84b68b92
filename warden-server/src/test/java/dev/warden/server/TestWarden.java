package dev.warden.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.httpsig.MessageSigner;
import dev.warden.httpsig.SigningKey;
import dev.warden.log.Entries;
import dev.warden.pipeline.ExecutionRecovery;
import dev.warden.server.operator.CredentialEvents;
import dev.warden.store.ExecutionRecord;
import dev.warden.store.ExecutionState;
import dev.warden.store.ExecutionStore;
import dev.warden.store.StoreException;
import dev.warden.store.StoredEntry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A real Warden for integration tests: a fresh data directory, the server on a free loopback port,
 * and helpers to register agents and send signed (or deliberately broken) requests.
 */
final class TestWarden implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final SecureRandom RANDOM = new SecureRandom();

  final DataDir data;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private WardenServer server;

  private TestWarden(DataDir data, WardenServer server) {
    this.data = data;
    this.server = server;
  }

  static TestWarden start(Path tmp) throws Exception {
    return start(tmp, "");
  }

  /** A Warden whose {@code warden.yaml} ends with {@code extraConfig} (adapters, secrets). */
  static TestWarden start(Path tmp, String extraConfig) throws Exception {
    return start(tmp, extraConfig, CredentialEvents.NONE);
  }

  /** A Warden that tells {@code events} when credentials are cut off. */
  static TestWarden start(Path tmp, String extraConfig, CredentialEvents events) throws Exception {
    return start(tmp, extraConfig, events, Clock.systemUTC());
  }

  /** A Warden that reads the time from {@code clock} (which a test may move). */
  static TestWarden start(Path tmp, Clock clock) throws Exception {
    return start(tmp, "", CredentialEvents.NONE, clock);
  }

  private static TestWarden start(
      Path tmp, String extraConfig, CredentialEvents events, Clock clock) throws Exception {
    DataDir d =
        DataDir.init(
            tmp.resolve("data"), "127.0.0.1:0", RANDOM, Clock.systemUTC(), TestKeys.PROTECTION);
    // Summaries every second, so a test can see them without waiting 10 s.
    java.nio.file.Files.writeString(
        d.config(),
        java.nio.file.Files.readString(d.config())
                .replace("refusal_summary_interval: 10s", "refusal_summary_interval: 1s")
            + extraConfig);
    return new TestWarden(
        d, WardenServer.start(d, ServerConfig.load(d), clock, RANDOM, TestKeys.PROTECTION, events));
  }

  /** A new data directory at {@code root} whose {@code warden.yaml} ends with {@code extra}. */
  static DataDir init(Path root, String extra) throws Exception {
    DataDir d = DataDir.init(root, "127.0.0.1:0", RANDOM, Clock.systemUTC(), TestKeys.PROTECTION);
    java.nio.file.Files.writeString(d.config(), java.nio.file.Files.readString(d.config()) + extra);
    return d;
  }

  /** A Warden on an existing data directory (a replica's copy, a PostgreSQL store). */
  static TestWarden start(DataDir d) throws Exception {
    return new TestWarden(
        d,
        WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), RANDOM, TestKeys.PROTECTION));
  }

  /** Stops the server and starts a new one on the same data directory. */
  void restart() throws Exception {
    server.close();
    server =
        WardenServer.start(
            data, ServerConfig.load(data), Clock.systemUTC(), RANDOM, TestKeys.PROTECTION);
  }

  WardenServer server() {
    return server;
  }

  /**
   * What the next start does after a crash at this moment: records every in-flight execution, this
   * server's own included, as {@code outcome_unknown}.
   *
   * @return how many were recorded
   */
  int recoverAsIfCrashed() throws Exception {
    Entries entries =
        new Entries(
            server.dataDir().loadKeys(TestKeys.PROTECTION).params(),
            ServerConfig.load(server.dataDir()).params());
    ExecutionStore live = server.store().executions();
    ExecutionStore crashed =
        new ExecutionStore() {
          @Override
          public Optional<ExecutionRecord> find(String decisionId) throws StoreException {
            return live.find(decisionId);
          }

          @Override
          public List<ExecutionRecord> list(ExecutionState state, int limit) throws StoreException {
            return live.list(state, limit);
          }

          @Override
          public List<ExecutionRecord> orphaned(int limit) throws StoreException {
            return live.list(ExecutionState.IN_FLIGHT, limit);
          }

          @Override
          public long count(ExecutionState state) throws StoreException {
            return live.count(state);
          }
        };
    return ExecutionRecovery.recover(
        crashed, server.store().log(), entries, server.commitLog(), Clock.systemUTC());
  }

  URI uri(String path) {
    return URI.create(server.url() + path);
  }

  /** An agent's identity for tests: id and signing key. */
  record Agent(String id, SigningKey key, byte[] seed) {}

  Agent createAgent(String id) throws Exception {
    byte[] seed = new byte[32];
    RANDOM.nextBytes(seed);
    SigningKey key = SigningKey.ed25519(id, seed);
    String pub = Base64.getEncoder().encodeToString(key.publicKey().orElseThrow());
    HttpResponse<String> r =
        admin(
            "POST",
            "/v1/admin/agents",
            "{\"id\":\""
                + id
                + "\",\"tenant\":\"acme\",\"keys\":[{\"alg\":\"ed25519\",\"public_key\":\""
                + pub
                + "\"}]}");
    if (r.statusCode() != 201) {
      throw new IllegalStateException("agent create failed: " + r.body());
    }
    return new Agent(id, key, seed);
  }

  HttpResponse<String> admin(String method, String path, @Nullable String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .header("Authorization", "Bearer " + data.loadAdminToken());
    if (body != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A request to sign, with every knob a test may turn. */
  static final class Req {
    String method = "POST";
    String path = "/v1/decisions";
    byte[] body;
    long created = System.currentTimeMillis() / 1000;
    @Nullable Long expires;
    String nonce = newNonce();
    final Map<String, String> headers = new LinkedHashMap<>();
    @Nullable byte[] sendBody; // sent instead of the signed body (tampering)

    Req(String json) {
      body = json.getBytes(StandardCharsets.UTF_8);
      headers.put("Content-Type", "application/json");
    }
  }

  static String newNonce() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static Req req(String json) {
    return new Req(json);
  }

  /** {@code POST /v1/decisions} with this JSON body and no signature at all. */
  HttpResponse<String> sendUnsigned(String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri("/v1/decisions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(SigningKey key, Req r) throws Exception {
    return http.send(signed(key, r).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder signed(SigningKey key, Req r) {
    URI target = uri(r.path);
    Map<String, String> added =
        MessageSigner.of(key)
            .sign(r.method, target, r.headers, r.body, r.created, r.expires, r.nonce);
    HttpRequest.Builder b = HttpRequest.newBuilder(target);
    r.headers.forEach(b::header);
    added.forEach(b::header);
    byte[] payload = r.sendBody != null ? r.sendBody : r.body;
    return b.method(
        r.method,
        payload.length == 0
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(payload));
  }

  static JsonNode json(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body());
  }

  /** Every log entry, parsed, in order. */
  List<JsonNode> entries() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (StoredEntry e : server.store().log().read(0, Long.MAX_VALUE)) {
      out.add(JSON.readTree(e.entry()));
    }
    return out;
  }

  /** Entries of one kind. */
  List<JsonNode> entries(String kind) throws Exception {
    return entries().stream().filter(e -> e.path("kind").asText().equals(kind)).toList();
  }

  @Override
  public void close() {
    server.close();
  }
}
