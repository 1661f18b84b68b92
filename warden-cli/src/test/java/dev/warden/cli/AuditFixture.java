package dev.warden.cli;

import dev.warden.client.AgentCredentials;
import dev.warden.client.WardenClient;
import dev.warden.crypto.Ed25519KeyPair;
import dev.warden.log.MerkleFrontier;
import dev.warden.log.MerkleHasher;
import dev.warden.server.DataDir;
import dev.warden.server.ServerConfig;
import dev.warden.server.WardenServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * Real data directories for the audit tests: a server started in process writes the log (admin
 * entries from concurrent agent registrations, so batches vary, and decisions), then stops; tests
 * damage copies of it with plain JDBC, as someone with the file would.
 */
final class AuditFixture {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AuditFixture() {}

  record Run(int exit, String out, String err) {}

  /** Runs {@code warden audit ARGS} in process. */
  static Run audit(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(AuditCommand.class);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    // Not picocli's default RunLast: before running, that replaces these writers with the
    // System.out/err of when the CommandLine was made if System.out/err changed since — which
    // another test class capturing them in parallel does.
    cl.setExecutionStrategy(parsed -> new CommandLine.RunLast().execute(parsed));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /**
   * A data directory whose log holds the policy entry, {@code agents} agent registrations (sent 8
   * at a time) and 6 decisions; returns the checkpoint {@code GET /v1/log/checkpoint} served last.
   */
  static String build(Path root, int agents) throws Exception {
    DataDir d = DataDir.init(root, "127.0.0.1:0", RANDOM, Clock.systemUTC(), TestKeys.PROTECTION);
    try (WardenServer server =
        WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), RANDOM, TestKeys.PROTECTION)) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String token = d.loadAdminToken();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
          String body =
              agentJson(
                  String.format("agent-%03d", i), Ed25519KeyPair.generate(RANDOM).publicKey());
          sent.add(
              pool.submit(
                  () ->
                      http.send(post(server, token, body), HttpResponse.BodyHandlers.ofString())));
        }
        for (Future<HttpResponse<String>> f : sent) {
          if (f.get().statusCode() != 201) {
            throw new IllegalStateException("agent registration failed: " + f.get().body());
          }
        }
      } finally {
        pool.shutdown();
      }
      AgentCredentials bot = AgentCredentials.generateEd25519("bot-1", RANDOM);
      http.send(
          post(server, token, agentJson("bot-1", bot.publicKey())),
          HttpResponse.BodyHandlers.ofString());
      try (WardenClient client = WardenClient.create(URI.create(server.url()), bot)) {
        for (int i = 0; i < 6; i++) {
          byte[] body =
              ("{\"action\":\"files.read\",\"resource\":\"reports/q" + i + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          client.send("POST", "/v1/decisions", body, Map.of());
        }
      }
      return http.send(
              HttpRequest.newBuilder(URI.create(server.url() + "/v1/log/checkpoint")).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  /** The admin API's body registering {@code id}, tenant {@code acme}, with an Ed25519 key. */
  static String agentJson(String id, byte[] publicKey) {
    return "{\"id\":\""
        + id
        + "\",\"tenant\":\"acme\",\"keys\":[{\"alg\":\"ed25519\",\"public_key\":\""
        + Base64.getEncoder().encodeToString(publicKey)
        + "\"}]}";
  }

  private static HttpRequest post(WardenServer server, String token, String body) {
    return HttpRequest.newBuilder(URI.create(server.url() + "/v1/admin/agents"))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** Copies a data directory, file modes included (key files must stay 0600). */
  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    return to;
  }

  // ---- damage, with plain JDBC ----

  static Connection db(Path dataDir) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("warden.db"));
  }

  static void exec(Path dataDir, String sql, Object... args) throws SQLException {
    try (Connection c = db(dataDir);
        PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      p.executeUpdate();
    }
  }

  static byte[] entry(Path dataDir, long index) throws SQLException {
    try (Connection c = db(dataDir);
        PreparedStatement p = c.prepareStatement("SELECT entry FROM log_entries WHERE idx = ?")) {
      p.setLong(1, index);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getBytes(1);
      }
    }
  }

  static long size(Path dataDir) throws SQLException {
    try (Connection c = db(dataDir);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM log_entries")) {
      r.next();
      return r.getLong(1);
    }
  }

  /** The stored checkpoint sizes, ascending. */
  static List<Long> checkpointSizes(Path dataDir) throws SQLException {
    List<Long> sizes = new ArrayList<>();
    try (Connection c = db(dataDir);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT size FROM checkpoints ORDER BY size")) {
      while (r.next()) {
        sizes.add(r.getLong(1));
      }
    }
    return sizes;
  }

  static String checkpoint(Path dataDir, long size) throws SQLException {
    try (Connection c = db(dataDir);
        PreparedStatement p = c.prepareStatement("SELECT note FROM checkpoints WHERE size = ?")) {
      p.setLong(1, size);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getString(1);
      }
    }
  }

  /** Moves the entries at and after {@code from} by {@code by} (negative: down). */
  static void shift(Path dataDir, long from, int by) throws SQLException {
    // Through a far range, so no row lands on another while they move.
    exec(dataDir, "UPDATE log_entries SET idx = idx + 1000000000 WHERE idx >= ?", from);
    exec(dataDir, "UPDATE log_entries SET idx = idx - 1000000000 + ? WHERE idx >= 1000000000", by);
  }

  /**
   * Rewrites the head to fit the entries as they now are, as a careful attacker would (a server
   * refuses to start when the head's size disagrees with the entries).
   */
  static void fixHead(Path dataDir) throws SQLException {
    MerkleFrontier f = MerkleFrontier.empty();
    try (Connection c = db(dataDir);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT entry FROM log_entries ORDER BY idx")) {
      while (r.next()) {
        f.append(MerkleHasher.leafHash(r.getBytes(1)));
      }
    }
    exec(dataDir, "UPDATE log_head SET size = ?, state = ? WHERE id = 0", f.size(), f.serialize());
  }
}
