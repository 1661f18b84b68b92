package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.audit.AuditResult;
import dev.warden.audit.AuditSource;
import dev.warden.audit.LogAuditor;
import dev.warden.note.NoteSigner;
import dev.warden.store.Store;
import dev.warden.store.postgresql.PostgresStore;
import java.io.IOException;
import java.net.http.HttpResponse;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
  private static String database;

  @TempDir Path tmp;

  @BeforeAll
  static void createDatabase() {
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

  @AfterAll
  static void dropDatabase() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:" + ADMIN);
        Statement s = c.createStatement()) {
      s.executeUpdate("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  private static String url() {
    return ADMIN.replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
  }

  @Test
  void twoReplicas_shareAgentsNoncesAndOneLogThatVerifies() throws Exception {
    DataDir first =
        DataDir.init(
            new DataDir(tmp.resolve("a"), url()),
            "127.0.0.1:0",
            TestWarden.RANDOM,
            Clock.systemUTC(),
            TestKeys.PROTECTION);
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
