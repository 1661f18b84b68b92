package dev.warden.store.sqlite;

import static dev.warden.store.contract.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.Charge;
import dev.warden.store.ReserveResult;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.TokenRecord;
import dev.warden.store.UsageStore;
import dev.warden.store.contract.ChainBatch;
import dev.warden.store.contract.Fixtures;
import dev.warden.store.contract.StoreContractTest;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The storage contract on SQLite, and what only SQLite has: pragmas, files, locks, schema. */
final class SqliteStoreTest extends StoreContractTest {

  @Override
  protected Store newStore(Path dir) throws StoreException {
    return SqliteStore.open(dir.resolve("warden.db"), Clock.systemUTC());
  }

  private Path dbFile() {
    return storeDir().resolve("warden.db");
  }

  private SqliteStore sqlite() {
    return (SqliteStore) store();
  }

  @Test
  void open_newDatabase_walWithFullSyncAndForeignKeys() throws Exception {
    assertThat(sqlite().pragma("journal_mode")).isEqualTo("wal");
    assertThat(sqlite().pragma("synchronous")).as("2 = FULL").isEqualTo("2");
    assertThat(sqlite().pragma("foreign_keys")).isEqualTo("1");
    assertThat(sqlite().pragma("locking_mode")).isEqualTo("normal");
    assertThat(sqlite().pragma("application_id"))
        .isEqualTo(Integer.toString(Migrator.APPLICATION_ID));
  }

  @Test
  void open_newDatabase_filesAreOwnerOnly() throws Exception {
    store().log().append(ChainBatch.of(1, "a"));

    for (String name :
        new String[] {"warden.db", "warden.db-wal", "warden.db-shm", "warden.db.lock"}) {
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(
                      storeDir().resolve(name), LinkOption.NOFOLLOW_LINKS)))
          .as(name)
          .isEqualTo("rw-------");
    }
  }

  @Test
  void open_fileAlreadyOpen_throwsUnavailableNamingTheLock() {
    assertThatThrownBy(() -> SqliteStore.open(dbFile(), Clock.systemUTC()))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
              assertThat(e.getMessage()).contains("in use").contains("warden.db.lock");
            });
  }

  @Test
  void open_samePathSpelledDifferently_stillRefused() {
    Path other = storeDir().resolve("sub").resolve("..").resolve("warden.db");

    assertThatThrownBy(() -> SqliteStore.open(other, Clock.systemUTC()))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
  }

  @Test
  void open_afterClose_succeedsWithTheSameData() throws Exception {
    store().log().append(ChainBatch.of(3, "a"));
    store().close();

    try (SqliteStore again = SqliteStore.open(dbFile(), Clock.systemUTC())) {
      assertThat(again.log().head().size()).isEqualTo(3);
    }
  }

  @Test
  void open_symbolicLink_isRefused() throws Exception {
    Path link = storeDir().resolve("link.db");
    Files.createSymbolicLink(link, storeDir().resolve("elsewhere.db"));
    Path walLink = storeDir().resolve("other.db-wal");
    Files.createSymbolicLink(walLink, storeDir().resolve("stolen-wal"));

    for (Path db : new Path[] {link, storeDir().resolve("other.db")}) {
      assertThatThrownBy(() -> SqliteStore.open(db, Clock.systemUTC()))
          .as("%s", db)
          .isInstanceOfSatisfying(
              StoreException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                assertThat(e.getMessage()).contains("symbolic link");
              });
    }
    assertThat(storeDir().resolve("elsewhere.db")).doesNotExist();
    assertThat(storeDir().resolve("other.db")).doesNotExist();
  }

  @Test
  void open_missingDirectory_throwsUnavailable() {
    assertThatThrownBy(
            () -> SqliteStore.open(storeDir().resolve("no/such/dir/w.db"), Clock.systemUTC()))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
  }

  @Test
  void open_newerSchema_throwsCorruptNamingBothVersions() throws Exception {
    store().close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO schema_version VALUES (97, 'V97__future.sql', 0)");
    }

    assertThatThrownBy(() -> SqliteStore.open(dbFile(), Clock.systemUTC()))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.CORRUPT);
              assertThat(e.getMessage()).contains("97").contains("version " + Migrator.latest());
            });
  }

  @Test
  void open_existingDatabase_recordsEachMigrationOnce() throws Exception {
    store().close();
    reopen();
    store().close();

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT version, script FROM schema_version ORDER BY version")) {
      for (int v = 1; v <= Migrator.latest(); v++) {
        assertThat(r.next()).isTrue();
        assertThat(r.getInt(1)).isEqualTo(v);
        assertThat(r.getString(2)).isEqualTo(Migrator.SCRIPTS.get(v - 1));
      }
      assertThat(r.next()).isFalse();
    }
  }

  @Test
  void open_databaseOfVersion2_addsTheUsageApprovalAndExecutionTables() throws Exception {
    store().log().append(ChainBatch.of(2, "a"));
    store().close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
        Statement s = c.createStatement()) {
      s.executeUpdate("DROP TABLE usage_lines");
      s.executeUpdate("DROP TABLE usage_reservations");
      s.executeUpdate("DROP TABLE usage_counters");
      s.executeUpdate("DROP TABLE approvals");
      s.executeUpdate("DROP TABLE executions");
      s.executeUpdate("DROP TABLE replicas");
      s.executeUpdate("DROP TABLE result_handoffs");
      s.executeUpdate("DROP TABLE active_policy");
      s.executeUpdate("ALTER TABLE policies DROP COLUMN last_activated");
      // The tokens table as V1 made it, without V7's agent_id (a referencing column cannot be
      // dropped).
      s.executeUpdate("DROP INDEX tokens_by_agent");
      s.executeUpdate("DROP INDEX tokens_by_creation");
      s.executeUpdate("DROP TABLE tokens");
      s.executeUpdate(
          "CREATE TABLE tokens (id TEXT PRIMARY KEY, subject TEXT NOT NULL, scopes TEXT NOT NULL,"
              + " hash BLOB NOT NULL UNIQUE, created_at INTEGER NOT NULL, expires_at INTEGER,"
              + " revoked_at INTEGER) STRICT");
      s.executeUpdate("CREATE INDEX tokens_by_creation ON tokens (created_at, id)");
      s.executeUpdate(
          "INSERT INTO tokens VALUES ('tok-old', 'alice', '[\"admin\"]', zeroblob(32), 0, NULL,"
              + " NULL)");
      s.executeUpdate(
          "DELETE FROM schema_version WHERE script IN"
              + " ('V3__usage.sql', 'V4__approvals.sql', 'V5__executions.sql',"
              + " 'V6__approval_act.sql', 'V7__agent_tokens.sql', 'V8__replicas.sql',"
              + " 'V9__active_policy.sql')");
    }

    UsageStore usage = reopen().usage();

    assertThat(usage.reserve("r1", List.of(new Charge("c1", 10, 3, at(60))), at(0), at(30)))
        .isEqualTo(new ReserveResult.Reserved(List.of(3L)));
    assertThat(store().log().head().size()).isEqualTo(2);
    assertThat(store().approvals().list(dev.warden.store.ApprovalState.PENDING, 10)).isEmpty();
    assertThat(store().executions().count(dev.warden.store.ExecutionState.IN_FLIGHT)).isZero();
    assertThat(store().tokens().list())
        .singleElement()
        .satisfies(t -> assertThat(t.agentId()).isNull());
  }

  @Test
  void usageTables_negativeOrNonIntegerAmounts_areRefusedBySchema() throws Exception {
    store().usage().reserve("r1", List.of(new Charge("c1", 10, 3, at(60))), at(0), at(30));
    store().close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
        Statement s = c.createStatement()) {
      for (String sql :
          List.of(
              "UPDATE usage_counters SET reserved = -1",
              "UPDATE usage_counters SET committed = -1",
              "UPDATE usage_counters SET reserved = 1.5",
              "UPDATE usage_lines SET amount = -3",
              "UPDATE usage_reservations SET state = 'spent'")) {
        assertThatThrownBy(() -> s.executeUpdate(sql)).as(sql).isInstanceOf(SQLException.class);
      }
    }
  }

  @Test
  void open_foreignSqliteFile_throwsCorrupt() throws Exception {
    Path foreign = storeDir().resolve("foreign.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign);
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE photos (id INTEGER PRIMARY KEY)");
    }

    assertThatThrownBy(() -> SqliteStore.open(foreign, Clock.systemUTC()))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.CORRUPT);
              assertThat(e.getMessage()).contains("not Warden's");
            });
  }

  @Test
  void open_notADatabase_throwsCorrupt() throws Exception {
    Path garbage = storeDir().resolve("garbage.db");
    Files.writeString(garbage, "this is a text file, not a database. ".repeat(200));

    assertThatThrownBy(() -> SqliteStore.open(garbage, Clock.systemUTC()))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.CORRUPT);
              assertThat(e.getMessage()).contains("SQLITE_NOTADB").contains("garbage.db");
            });
    // The failed open released its lock.
    Files.delete(garbage);
    SqliteStore.open(garbage, Clock.systemUTC()).close();
  }

  @Test
  void open_headBehindEntries_throwsCorrupt() throws Exception {
    store().log().append(ChainBatch.of(5, "a"));
    store().close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE log_head SET size = 3");
    }

    assertThatThrownBy(() -> SqliteStore.open(dbFile(), Clock.systemUTC()))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.CORRUPT);
              assertThat(e.getMessage()).contains("says 3 entries").contains("is 4");
            });
  }

  @Test
  void openForAudit_headBehindEntries_opensAndReadsEveryEntry() throws Exception {
    store().log().append(ChainBatch.of(5, "a"));
    store().close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE log_head SET size = 3");
    }

    try (SqliteStore audit = SqliteStore.openForAudit(dbFile())) {
      assertThat(audit.log().head().size()).isEqualTo(3);
      assertThat(audit.log().read(0, 10)).hasSize(5);
    }
  }

  @Test
  void openForAudit_olderSchema_isRefusedAndNothingIsMigrated() throws Exception {
    store().close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM schema_version");
      s.executeUpdate("INSERT INTO schema_version VALUES (0, 'V0__older.sql', 0)");
    }

    assertThatThrownBy(() -> SqliteStore.openForAudit(dbFile()))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.CORRUPT);
              assertThat(e.getMessage()).contains("version 0").contains("warden serve");
            });
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT max(version) FROM schema_version")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isZero();
    }
  }

  @Test
  void openForAudit_missingFile_isUnavailableAndCreatesNothing() {
    Path missing = storeDir().resolve("missing.db");

    assertThatThrownBy(() -> SqliteStore.openForAudit(missing))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    assertThat(missing).doesNotExist();
  }

  @Test
  void openForAudit_whileTheStoreIsOpen_isRefused() {
    assertThatThrownBy(() -> SqliteStore.openForAudit(dbFile()))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
  }

  @Test
  void tokens_subMillisecondInstants_areTruncatedToMilliseconds() throws Exception {
    Instant precise = at(0).plusNanos(123_456_789);
    store()
        .tokens()
        .create(
            new TokenRecord(
                "t", "s", Set.of("admin"), Fixtures.sha256("t"), precise, precise, null));

    TokenRecord found = store().tokens().findByHash(Fixtures.sha256("t")).orElseThrow();

    assertThat(found.createdAt()).isEqualTo(at(0).plusMillis(123));
    assertThat(found.expiresAt()).isEqualTo(at(0).plusMillis(123));
  }

  @Test
  void append_sealerCallsTheStore_throwsIllegalStateAndWritesNothing() throws Exception {
    assertThatThrownBy(
            () ->
                store()
                    .log()
                    .append(
                        h -> {
                          try {
                            return store().log().append(ChainBatch.of(1, "inner"));
                          } catch (StoreException e) {
                            throw new AssertionError(e);
                          }
                        }))
        .isInstanceOf(IllegalStateException.class);

    assertThat(sqlite().log().read(0, 10)).isEmpty();
  }

  @Test
  void append_entryAlreadyPastTheHead_throwsCorruptAndWritesNothing() throws Exception {
    store().log().append(ChainBatch.of(2, "a").nonce(Fixtures.nonce("bot-1", "n0", at(60))));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO log_entries (idx, entry) VALUES (2, x'00')");
    }

    assertThatThrownBy(
            () ->
                store()
                    .log()
                    .append(ChainBatch.of(1, "b").nonce(Fixtures.nonce("bot-1", "n1", at(60)))))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.CORRUPT);
              assertThat(e.getMessage()).contains("index 2").contains("past the stored log head");
            });
    assertThat(store().log().head().size()).isEqualTo(2);
    assertThat(store().log().liveNonces(at(0))).hasSize(1);
  }
}
