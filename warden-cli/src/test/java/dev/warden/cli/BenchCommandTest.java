package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code warden bench} end to end with tiny numbers: a real server (and real replicas on a
 * PostgreSQL database the bench makes and drops), every request answered, the report complete. The
 * numbers themselves are the benchmark's, not this test's.
 */
@ResourceLock("java.lang.System.out") // CliTest.run captures System.out and System.err
class BenchCommandTest {
  private static final String POSTGRES =
      System.getenv()
          .getOrDefault(
              "WARDEN_TEST_POSTGRES", "postgresql://127.0.0.1:5432/postgres?user=postgres");

  private record Bench(JsonNode doc, String err) {}

  private static Bench bench(String... extra) throws Exception {
    String[] args =
        java.util.stream.Stream.concat(
                java.util.stream.Stream.of(
                    "bench",
                    "--connections",
                    "2",
                    "--requests",
                    "40",
                    "--warmup",
                    "10",
                    "--agent-count",
                    "3",
                    "--ceiling-seconds",
                    "1",
                    "--json"),
                java.util.Arrays.stream(extra))
            .toArray(String[]::new);
    CliTest.Run r = CliTest.run(args);
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.path("errors").asLong(-1)).isZero();
    assertThat(doc.path("runs").get(0).path("requests").asLong()).isEqualTo(40);
    assertThat(doc.path("throughput_per_s").asDouble()).isPositive();
    assertThat(doc.path("crypto_ceiling_per_s").asDouble()).isPositive();
    assertThat(doc.path("latency_ms").path("p99").asDouble()).isPositive();
    assertThat(doc.path("commit_batches").path("count").asLong()).isPositive();
    return new Bench(doc, r.err());
  }

  @Test
  void sqlite_everyRequestDecided() throws Exception {
    JsonNode doc = bench().doc();
    assertThat(doc.path("store").asText()).isEqualTo("sqlite");
    assertThat(doc.path("server_rss_mib").asLong()).isPositive();
  }

  @Test
  void twoReplicasOnPostgres_everyRequestDecided_databaseDroppedAfterwards() throws Exception {
    Bench b = bench("--store", POSTGRES, "--replicas", "2");
    assertThat(b.doc().path("store").asText()).isEqualTo("postgresql");
    assertThat(b.doc().path("replicas").asInt()).isEqualTo(2);
    Matcher m =
        Pattern.compile("state in the new database (warden_bench_[0-9a-f]+)").matcher(b.err());
    assertThat(m.find()).as(b.err()).isTrue();
    try (var c = DriverManager.getConnection("jdbc:" + POSTGRES);
        var s = c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
      s.setString(1, m.group(1));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).as("the bench's database is dropped").isZero();
      }
    }
  }

  @Test
  void replicasWithoutStore_usageError() {
    CliTest.Run r = CliTest.run("bench", "--replicas", "2");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--store");
  }
}
