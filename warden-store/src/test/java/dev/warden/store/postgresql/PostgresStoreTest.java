package dev.warden.store.postgresql;

import static dev.warden.store.contract.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.Charge;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.contract.ChainBatch;
import dev.warden.store.contract.StoreContractTest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The storage contract on PostgreSQL, and what only PostgreSQL has: URLs, the schema and its
 * migration. The class gets one throwaway database; each test (each contract directory) its own
 * schema in it, so a reopen finds the same data and tests never see each other's.
 */
final class PostgresStoreTest extends StoreContractTest {
  private static TestDatabase database;
  private static final Map<Path, String> schemas = new ConcurrentHashMap<>();
  private static final AtomicInteger next = new AtomicInteger();

  @BeforeAll
  static void createDatabase() {
    database = TestDatabase.create("contract");
  }

  @AfterAll
  static void dropDatabase() {
    if (database != null) {
      database.close();
    }
  }

  @Override
  protected Store newStore(Path dir) throws StoreException {
    return PostgresStore.open(database.url(schema(dir)), Clock.systemUTC());
  }

  private static String schema(Path dir) {
    return schemas.computeIfAbsent(
        dir,
        d -> {
          String name = "t" + next.incrementAndGet();
          try {
            database.execute("CREATE SCHEMA " + name);
          } catch (SQLException e) {
            throw new AssertionError(e);
          }
          return name;
        });
  }

  private String schema() {
    return schemas.get(storeDir());
  }

  @Test
  void open_twice_migratesOnceAndRecordsTheVersion() throws Exception {
    store().close();
    reopen();

    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT version, script FROM " + schema() + ".schema_version ORDER BY version")) {
      for (int v = 1; v <= Migrator.latest(); v++) {
        assertThat(r.next()).isTrue();
        assertThat(r.getInt(1)).isEqualTo(v);
        assertThat(r.getString(2)).isEqualTo(Migrator.SCRIPTS.get(v - 1));
      }
      assertThat(r.next()).isFalse();
    }
  }

  @Test
  void open_newerSchema_throwsCorruptNamingBothVersions() throws Exception {
    store().close();
    database.execute(
        "INSERT INTO " + schema() + ".schema_version VALUES (97, 'V97__future.sql', 0)");

    assertThatThrownBy(() -> reopen())
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.CORRUPT);
              assertThat(e.getMessage()).contains("97").contains("version " + Migrator.latest());
            });
  }

  @Test
  void open_foreignSchema_throwsCorrupt() throws Exception {
    database.execute("CREATE SCHEMA foreign_app", "CREATE TABLE foreign_app.photos (id int)");

    assertThatThrownBy(() -> PostgresStore.open(database.url("foreign_app"), Clock.systemUTC()))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.CORRUPT);
              assertThat(e.getMessage()).contains("not Warden's");
            });
  }

  @Test
  void open_headBehindEntries_throwsCorrupt() throws Exception {
    store().log().append(ChainBatch.of(5, "a"));
    store().close();
    database.execute("UPDATE " + schema() + ".log_head SET size = 3");

    assertThatThrownBy(() -> reopen())
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.CORRUPT);
              assertThat(e.getMessage()).contains("says 3 entries").contains("is 4");
            });
    try (PostgresStore audit = PostgresStore.openForAudit(database.url(schema()))) {
      assertThat(audit.log().head().size()).isEqualTo(3);
      assertThat(audit.log().read(0, 10)).hasSize(5);
    }
  }

  @Test
  void open_unreachableServer_throwsUnavailableWithoutThePassword() {
    assertThatThrownBy(
            () ->
                PostgresStore.open(
                    "postgresql://warden:s3cret@127.0.0.1:1/warden?connectTimeout=2",
                    Clock.systemUTC()))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
              assertThat(e.getMessage()).contains("127.0.0.1:1").doesNotContain("s3cret");
            });
  }

  @Test
  void open_notAPostgresUrl_throwsIllegalArgument() {
    assertThatThrownBy(() -> PostgresStore.open("mysql://db/warden", Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("postgresql://");
  }

  @Test
  void append_entryAlreadyPastTheHead_throwsCorruptAndWritesNothing() throws Exception {
    store().log().append(ChainBatch.of(2, "a"));
    database.execute(
        "INSERT INTO " + schema() + ".log_entries (idx, entry) VALUES (2, '\\x00'::bytea)");

    assertThatThrownBy(() -> store().log().append(ChainBatch.of(1, "b")))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.CORRUPT);
              assertThat(e.getMessage()).contains("index 2").contains("past the stored log head");
            });
    assertThat(store().log().head().size()).isEqualTo(2);
  }

  @Test
  void usageTables_negativeAmountsOrUnknownStates_areRefusedBySchema() throws Exception {
    store().usage().reserve("r1", List.of(new Charge("c1", 10, 3, at(60))), at(0), at(30));
    for (String sql :
        List.of(
            "UPDATE usage_counters SET reserved = -1",
            "UPDATE usage_counters SET committed = -1",
            "UPDATE usage_lines SET amount = -3",
            "UPDATE usage_reservations SET state = 'spent'")) {
      assertThatThrownBy(() -> database.execute("SET search_path = " + schema(), sql))
          .as(sql)
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23514"));
    }
  }
}
