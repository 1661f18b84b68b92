package dev.warden.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.bench.load.CryptoCeiling;
import dev.warden.bench.load.LoadRun;
import dev.warden.httpsig.SigningKey;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code warden bench}: the load generator of SPEC §19. Starts a Warden of its own (or several
 * replicas on one PostgreSQL database), registers agents, pre-signs every request with its own
 * nonce, drives them over keep-alive connections, and reports throughput, latency percentiles,
 * errors by code, the server's peak RSS, commit batch sizes, and the crypto ceiling of this machine
 * measured in the same run.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure Warden's decision throughput and latency against this machine's crypto ceiling.",
      "",
      "Starts a fresh Warden in a temporary directory (a separate process, so its memory is its"
          + " own), registers agents, pre-signs every request (unique nonces) so the client"
          + " costs little, and drives them over keep-alive connections. Every decision is"
          + " still authenticated, decided, fsynced to the log and receipted.",
      "",
      "The crypto ceiling is how many (Ed25519 verify + Ed25519 sign) pairs per second this"
          + " machine does on all cores: no decision costs less. ratio = throughput / ceiling.",
      "",
      "Examples:",
      "  warden bench                                   # 16, 64 and 256 connections",
      "  warden bench --connections 16 --requests 50000 --json",
      "  warden bench --agents hmac                     # HMAC-signed agents",
      "  warden bench --mode act                        # through the http adapter to a no-op"
          + " upstream",
      "  warden bench --store postgresql://127.0.0.1:5432/postgres?user=postgres --replicas 3",
      "                                                 # 3 replicas on a fresh PostgreSQL database",
    })
final class BenchCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--connections",
      split = ",",
      defaultValue = "16,64,256",
      description = "Concurrent keep-alive connections, one run each (default: ${DEFAULT-VALUE}).")
  List<Integer> connections;

  @Option(
      names = "--requests",
      defaultValue = "30000",
      description = "Measured requests per run (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(
      names = "--warmup",
      defaultValue = "10000",
      description =
          "Requests sent before each measured run, not measured (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--agents",
      defaultValue = "ed25519",
      description = "How agents sign: ed25519 or hmac (default: ${DEFAULT-VALUE}).")
  String algorithm;

  @Option(
      names = "--agent-count",
      defaultValue = "32",
      description = "Distinct agents the requests are spread over (default: ${DEFAULT-VALUE}).")
  int agentCount;

  @Option(
      names = "--mode",
      defaultValue = "decide",
      description =
          "decide: POST /v1/decisions; act: POST /v1/actions through an http adapter to a local"
              + " no-op upstream (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--ceiling-seconds",
      defaultValue = "5",
      description = "How long the crypto ceiling is measured (default: ${DEFAULT-VALUE}).")
  int ceilingSeconds;

  @Option(
      names = "--keep",
      description = "Keep the temporary data directory (its log can be audited afterwards).")
  boolean keep;

  @Option(
      names = "--server-jvm-option",
      description =
          "An option for the server's JVM, repeatable; e.g."
              + " -XX:StartFlightRecording=filename=warden.jfr to profile it.")
  List<String> serverJvmOptions = new ArrayList<>();

  @Option(
      names = "--store",
      paramLabel = "URL",
      description =
          "Keep the state in PostgreSQL: a PostgreSQL server reached through this URL's database"
              + " and user, who must be allowed to create databases. The bench creates a fresh"
              + " database there (warden_bench_…) and drops it afterwards (kept with --keep).")
  @Nullable String store;

  @Option(
      names = "--replicas",
      defaultValue = "1",
      description =
          "How many Warden processes share the --store database, connections spread evenly"
              + " over them (default: ${DEFAULT-VALUE}).")
  int replicas;

  @Option(names = "--json", description = "Print one JSON document instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintStream out = spec.commandLine().getOut() == null ? System.out : System.out;
    PrintStream err = System.err;
    if (!algorithm.equals("ed25519") && !algorithm.equals("hmac")) {
      err.println("warden bench: --agents is ed25519 or hmac, not " + algorithm);
      return 2;
    }
    if (!mode.equals("decide") && !mode.equals("act")) {
      err.println("warden bench: --mode is decide or act, not " + mode);
      return 2;
    }
    if (requests < 1 || warmup < 0 || agentCount < 1 || connections.stream().anyMatch(c -> c < 1)) {
      err.println("warden bench: --requests, --agent-count and --connections must be positive");
      return 2;
    }
    if (replicas < 1 || (replicas > 1 && store == null)) {
      err.println(
          "warden bench: --replicas is at least 1, and replicas share a PostgreSQL database:"
              + " give --store postgresql://host:port/database?user=U");
      return 2;
    }
    if (connections.stream().anyMatch(c -> c < replicas)) {
      err.println("warden bench: every --connections value needs one connection per replica");
      return 2;
    }
    Path dir = Files.createTempDirectory("warden-bench-");
    BenchDatabase database = null;
    try {
      if (store != null) {
        database = BenchDatabase.create(store);
        err.println("warden bench: state in the new database " + database.name());
      }
      return measure(dir, database == null ? null : database.url(), out, err);
    } catch (IllegalArgumentException | java.sql.SQLException e) {
      err.println("warden bench: " + e.getMessage());
      return 2;
    } finally {
      if (keep) {
        err.println("warden bench: the data directory is kept at " + dir);
        if (database != null) {
          err.println("warden bench: the database is kept: " + database.name());
        }
      } else {
        BenchServer.deleteTree(dir);
        if (database != null) {
          database.drop();
        }
      }
    }
  }

  private int measure(Path dir, @Nullable String storeUrl, PrintStream out, PrintStream err)
      throws Exception {
    try (BenchServer server =
        BenchServer.start(dir, mode.equals("act"), serverJvmOptions, storeUrl, replicas, err)) {
      List<SigningKey> agents = registerAgents(server);
      List<LoadRun.Target> targets = new ArrayList<>();
      for (URI base : server.urls()) {
        targets.add(
            new LoadRun.Target(
                new InetSocketAddress(base.getHost(), base.getPort()),
                mode.equals("act") ? "/v1/actions" : "/v1/decisions"));
      }
      List<Run> runs = new ArrayList<>();
      for (int c : connections) {
        err.printf("warden bench: %d connections: signing %d requests…%n", c, warmup + requests);
        List<List<byte[]>> warm = presign(targets, agents, warmup);
        List<List<byte[]>> measured = presign(targets, agents, requests);
        LoadRun.run(targets, warm, c, 200);
        server.resetPeakRss();
        err.printf("warden bench: %d connections: sending %d requests…%n", c, requests);
        long cpu = server.cpuMillis();
        LoadRun.Result r = LoadRun.run(targets, measured, c, 200);
        double cpuPerDecision = (server.cpuMillis() - cpu) * 1000.0 / Math.max(1, r.answered());
        runs.add(new Run(r, server.peakRssMib(), cpuPerDecision));
      }
      server.stop();
      // Measured with the server stopped, so nothing else competes for the cores.
      err.printf("warden bench: measuring the crypto ceiling (%d s)…%n", ceilingSeconds);
      int cores = Runtime.getRuntime().availableProcessors();
      double ceiling = CryptoCeiling.measure(Duration.ofSeconds(ceilingSeconds), cores);
      BenchServer.Batches batches = server.batches();
      if (json) {
        out.println(json(ceiling, cores, runs, batches));
      } else {
        table(out, ceiling, cores, runs, batches);
      }
      return runs.stream().anyMatch(r -> r.result().errorCount() > 0) ? 1 : 0;
    }
  }

  /** {@code n} requests in all, spread evenly over the targets, each signed for its target. */
  private static List<List<byte[]>> presign(
      List<LoadRun.Target> targets, List<SigningKey> agents, int n) {
    List<List<byte[]>> out = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      int share = n / targets.size() + (i < n % targets.size() ? 1 : 0);
      out.add(LoadRun.presign(targets.get(i), agents, share, "bench.read"));
    }
    return out;
  }

  /**
   * @param serverCpuMicros the server's CPU time (all threads, user + system) per answered request:
   *     what a decision costs, whatever else runs on the machine
   */
  private record Run(LoadRun.Result result, double rssMib, double serverCpuMicros) {}

  private List<SigningKey> registerAgents(BenchServer server) throws Exception {
    SecureRandom random = new SecureRandom();
    List<SigningKey> keys = new ArrayList<>();
    for (int i = 0; i < agentCount; i++) {
      String id = "bench-" + i;
      byte[] secret = new byte[32];
      random.nextBytes(secret);
      SigningKey key;
      String keyJson;
      if (algorithm.equals("hmac")) {
        key = SigningKey.hmacSha256(id + "/k", secret);
        keyJson =
            "{\"key_id\":\"k\",\"alg\":\"hmac-sha256\",\"secret\":\""
                + Base64.getEncoder().encodeToString(secret)
                + "\"}";
      } else {
        key = SigningKey.ed25519(id + "/k", secret);
        keyJson =
            "{\"key_id\":\"k\",\"alg\":\"ed25519\",\"public_key\":\""
                + Base64.getEncoder().encodeToString(key.publicKey().orElseThrow())
                + "\"}";
      }
      server.admin(
          "/v1/admin/agents",
          "{\"id\":\"" + id + "\",\"tenant\":\"bench\",\"keys\":[" + keyJson + "]}");
      keys.add(key);
    }
    return keys;
  }

  private String json(double ceiling, int cores, List<Run> runs, BenchServer.Batches batches)
      throws Exception {
    ObjectMapper m = new ObjectMapper();
    ObjectNode doc = m.createObjectNode();
    doc.put("mode", mode);
    doc.put("agents", algorithm);
    doc.put("store", store == null ? "sqlite" : "postgresql");
    doc.put("replicas", replicas);
    doc.put("cores", cores);
    doc.put("crypto_ceiling_per_s", Math.round(ceiling));
    doc.put("crypto_pair_us_per_core", Math.round(cores * 1e6 / ceiling));
    ArrayNode list = doc.putArray("runs");
    for (Run run : runs) {
      LoadRun.Result r = run.result();
      ObjectNode o = list.addObject();
      o.put("connections", r.connections());
      o.put("requests", r.answered());
      o.put("throughput_per_s", Math.round(r.throughput()));
      o.put("crypto_ceiling_per_s", Math.round(ceiling));
      o.put("ratio", Math.round(r.throughput() / ceiling * 1000) / 1000.0);
      ObjectNode lat = o.putObject("latency_ms");
      lat.put("p50", round(r.latencyMs(0.50)));
      lat.put("p90", round(r.latencyMs(0.90)));
      lat.put("p99", round(r.latencyMs(0.99)));
      lat.put("p999", round(r.latencyMs(0.999)));
      o.put("errors", r.errorCount());
      ObjectNode byCode = o.putObject("errors_by_code");
      r.errors().forEach(byCode::put);
      o.put("server_rss_mib", Math.round(run.rssMib()));
      o.put("server_cpu_us_per_decision", Math.round(run.serverCpuMicros()));
    }
    ObjectNode b = doc.putObject("commit_batches");
    b.put("count", batches.count());
    b.put("mean", round(batches.mean()));
    b.put("p50", batches.p50());
    b.put("max", batches.max());
    Run first = runs.get(0);
    // The top-level fields of SPEC §19 are the first run's.
    doc.put("throughput_per_s", Math.round(first.result().throughput()));
    doc.put("ratio", Math.round(first.result().throughput() / ceiling * 1000) / 1000.0);
    doc.set("latency_ms", ((ObjectNode) list.get(0)).get("latency_ms"));
    doc.put("errors", first.result().errorCount());
    doc.put("server_rss_mib", Math.round(runs.stream().mapToDouble(Run::rssMib).max().orElse(0)));
    return m.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
  }

  private void table(
      PrintStream out, double ceiling, int cores, List<Run> runs, BenchServer.Batches batches) {
    out.printf(
        "mode %s, %s agents, %s, %d cores; crypto ceiling %,.0f verify+sign pairs/s (%.0f µs per"
            + " pair per core)%n",
        mode,
        algorithm,
        store == null ? "SQLite" : "PostgreSQL, " + replicas + " replica(s)",
        cores,
        ceiling,
        cores * 1e6 / ceiling);
    out.printf(
        "%11s %12s %6s %8s %8s %8s %8s %7s %9s %9s%n",
        "connections",
        "decisions/s",
        "ratio",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "p99.9 ms",
        "errors",
        "RSS MiB",
        "CPU µs/d");
    for (Run run : runs) {
      LoadRun.Result r = run.result();
      out.printf(
          "%11d %,12.0f %6.2f %8.2f %8.2f %8.2f %8.2f %7d %9.0f %9.0f%n",
          r.connections(),
          r.throughput(),
          r.throughput() / ceiling,
          r.latencyMs(0.5),
          r.latencyMs(0.9),
          r.latencyMs(0.99),
          r.latencyMs(0.999),
          r.errorCount(),
          run.rssMib(),
          run.serverCpuMicros());
      r.errors().forEach((code, n) -> out.printf("%11s   %d × %s%n", "", n, code));
    }
    out.printf(
        "commit batches: %d, mean %.1f entries, median %d, max %d%n",
        batches.count(), batches.mean(), batches.p50(), batches.max());
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
