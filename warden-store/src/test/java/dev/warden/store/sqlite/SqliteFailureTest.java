package dev.warden.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.contract.ChainBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Writes that fail for real, and the store recovering once the cause is gone. Permission bits do
 * not stop root, so the read-only cases use the immutable attribute ({@code chattr +i}), which
 * does, and are skipped where neither works.
 */
final class SqliteFailureTest {
  @TempDir Path dir;

  private Path db() {
    return dir.resolve("warden.db");
  }

  @Test
  void append_writeLockHeldElsewhere_throwsUnavailableNamingSqliteBusyThenRecovers()
      throws Exception {
    try (SqliteStore store = SqliteStore.open(db(), Clock.systemUTC(), Duration.ofMillis(200))) {
      store.log().append(ChainBatch.of(2, "a"));
      try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db());
          Statement s = other.createStatement()) {
        s.execute("BEGIN IMMEDIATE");

        assertThatThrownBy(() -> store.log().append(ChainBatch.of(1, "b")))
            .isInstanceOfSatisfying(
                StoreException.class,
                e -> {
                  assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                  assertThat(e.getMessage()).contains("SQLITE_BUSY").contains(db().toString());
                });
        assertThatThrownBy(store::checkHealth)
            .isInstanceOfSatisfying(
                StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
        assertThat(store.log().head().size()).as("reads go on").isEqualTo(2);
        s.execute("ROLLBACK");
      }

      store.log().append(ChainBatch.of(1, "c"));
      store.checkHealth();
      ChainBatch.verify(store.log().read(0, 10), store.log().head());
      assertThat(store.log().head().size()).isEqualTo(3);
    }
  }

  @Test
  void append_databaseFilesMadeImmutable_throwsUnavailableThenRecovers() throws Exception {
    Path wal = dir.resolve("warden.db-wal");
    try (SqliteStore store = SqliteStore.open(db(), Clock.systemUTC())) {
      store.log().append(ChainBatch.of(2, "a"));
      assumeTrue(chattr("+i", db(), wal), "chattr +i is not available here");
      try {
        assertThatThrownBy(() -> store.log().append(ChainBatch.of(64, "b")))
            .isInstanceOfSatisfying(
                StoreException.class,
                e -> {
                  assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                  assertThat(e.getMessage()).contains("SQLITE_").contains(db().toString());
                });
        assertThatThrownBy(store::checkHealth)
            .isInstanceOfSatisfying(
                StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
      } finally {
        assertThat(chattr("-i", db(), wal)).isTrue();
      }

      store.log().append(ChainBatch.of(1, "c"));
      store.checkHealth();
      assertThat(store.log().head().size()).isEqualTo(3);
    }
    try (SqliteStore again = SqliteStore.open(db(), Clock.systemUTC())) {
      ChainBatch.verify(again.log().read(0, 10), again.log().head());
      assertThat(again.log().head().size()).isEqualTo(3);
    }
  }

  @Test
  void open_readOnlyDatabaseFile_throwsUnavailable() throws Exception {
    SqliteStore.open(db(), Clock.systemUTC()).close();
    Files.setPosixFilePermissions(db(), PosixFilePermissions.fromString("r--------"));
    boolean immutable = false;
    if (Files.isWritable(db())) { // root ignores the mode
      immutable = chattr("+i", db());
    }
    try {
      assumeFalse(Files.isWritable(db()), "cannot make the file read-only for this user");

      assertThatThrownBy(() -> SqliteStore.open(db(), Clock.systemUTC()))
          .isInstanceOfSatisfying(
              StoreException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                assertThat(e.getMessage()).contains("not writable");
              });
    } finally {
      if (immutable) {
        chattr("-i", db());
      }
      Files.setPosixFilePermissions(db(), PosixFilePermissions.fromString("rw-------"));
    }
    SqliteStore.open(db(), Clock.systemUTC()).close();
  }

  @Test
  void checkHealth_databaseFileDeleted_throwsUnavailable() throws Exception {
    try (SqliteStore store = SqliteStore.open(db(), Clock.systemUTC())) {
      assertThatCode(store::checkHealth).doesNotThrowAnyException();

      Files.delete(db());

      assertThatThrownBy(store::checkHealth)
          .isInstanceOfSatisfying(
              StoreException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                assertThat(e.getMessage()).contains("removed");
              });
    }
  }

  @Test
  void map_sqliteErrors_giveKindAndCodeButNoDetail() {
    Path p = Path.of("/data/warden.db");
    StoreException full =
        SqliteErrors.map(
            p,
            "appending",
            new SQLiteException("[SQLITE_FULL] secret-row", SQLiteErrorCode.SQLITE_FULL));
    StoreException corrupt =
        SqliteErrors.map(
            p, "reading", new SQLiteException("x", SQLiteErrorCode.SQLITE_CORRUPT_INDEX));
    StoreException conflict =
        SqliteErrors.map(
            p, "creating", new SQLiteException("x", SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE));
    StoreException readOnly =
        SqliteErrors.map(p, "appending", new SQLiteException("x", SQLiteErrorCode.SQLITE_READONLY));

    assertThat(full.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(full.getMessage())
        .isEqualTo(
            "appending in /data/warden.db failed: SQLITE_FULL (Insertion failed because"
                + " database is full)")
        .doesNotContain("secret-row");
    assertThat(corrupt.kind()).isEqualTo(Kind.CORRUPT);
    assertThat(conflict.kind()).isEqualTo(Kind.CONFLICT);
    assertThat(readOnly.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(readOnly.getMessage()).contains("SQLITE_READONLY");
  }

  /** Sets or clears the immutable attribute; false where that is not possible. */
  static boolean chattr(String flag, Path... files) throws IOException, InterruptedException {
    for (Path f : files) {
      Process p;
      try {
        p = new ProcessBuilder("chattr", flag, f.toString()).redirectErrorStream(true).start();
      } catch (IOException e) {
        return false; // no chattr
      }
      p.getInputStream().readAllBytes();
      if (p.waitFor() != 0) {
        return false;
      }
    }
    return true;
  }
}
