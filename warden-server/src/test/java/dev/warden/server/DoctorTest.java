package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.crypto.KeyPassphrase;
import dev.warden.crypto.KeyProtection;
import dev.warden.server.doctor.Doctor;
import dev.warden.server.doctor.Finding;
import dev.warden.server.doctor.Finding.Status;
import dev.warden.server.http.TestCertsAccess;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorTest {
  private static final Function<String, @Nullable String> NO_ENV = k -> null;

  @TempDir Path tmp;

  private DataDir init() throws Exception {
    return DataDir.init(
        tmp.resolve("data"),
        "127.0.0.1:0",
        new SecureRandom(),
        Clock.systemUTC(),
        TestKeys.PROTECTION);
  }

  private static List<Finding> examine(DataDir d) {
    return Doctor.examine(d, TestKeys.ENV, Clock.systemUTC());
  }

  private static List<Finding> failures(List<Finding> findings) {
    return findings.stream().filter(f -> f.status() == Status.FAIL).toList();
  }

  private static Finding only(List<Finding> findings, String check) {
    List<Finding> of = findings.stream().filter(f -> f.check().equals(check)).toList();
    assertThat(of).as(check + " in " + findings).hasSize(1);
    return of.get(0);
  }

  @Test
  void freshDataDirectory_everyCheckPasses() throws Exception {
    DataDir d = init();
    List<Finding> findings = examine(d);
    assertThat(failures(findings)).isEmpty();
    assertThat(findings.stream().map(Finding::check))
        .contains(
            "data_dir",
            "config",
            "policy",
            "tls",
            "keys.files",
            "admin_token",
            "keys.keyring",
            "keys.unlock",
            "signer",
            "store",
            "store.integrity",
            "log",
            "clock",
            "disk");
    assertThat(findings).allMatch(f -> f.status() == Status.OK, "all ok");
  }

  @Test
  void noPassphrase_warnsThatKeysWereNotUnlocked_butChecksTheFiles() throws Exception {
    DataDir d = init();
    List<Finding> findings = Doctor.examine(d, NO_ENV, Clock.systemUTC());
    assertThat(failures(findings)).isEmpty();
    assertThat(only(findings, "keys.unlock").status()).isEqualTo(Status.WARN);
    assertThat(only(findings, "keys.unlock").message()).contains("WARDEN_KEY_PASSPHRASE_FILE");
    assertThat(only(findings, "keys.files").status()).isEqualTo(Status.OK);
  }

  @Test
  void looseKeyFileAndKeysDirectory_failWithTheChmodThatFixesThem() throws Exception {
    DataDir d = init();
    Files.setPosixFilePermissions(d.checkpointKey(), PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(d.keys(), PosixFilePermissions.fromString("rwxr-xr-x"));
    List<Finding> findings = examine(d);
    assertThat(failures(findings))
        .anySatisfy(
            f -> {
              assertThat(f.check()).isEqualTo("keys.files");
              assertThat(f.message()).contains("chmod 600 " + d.checkpointKey());
            })
        .anySatisfy(
            f -> {
              assertThat(f.check()).isEqualTo("keys.dir");
              assertThat(f.message()).contains("chmod 700 " + d.keys());
            });
  }

  @Test
  void wrongPassphrase_failsToUnlock() throws Exception {
    DataDir d = init();
    List<Finding> findings =
        Doctor.examine(
            d, Map.of(KeyPassphrase.ENV, "another passphrase entirely")::get, Clock.systemUTC());
    assertThat(only(findings, "keys.unlock").status()).isEqualTo(Status.FAIL);
    assertThat(findings.stream().map(Finding::check)).doesNotContain("signer");
  }

  @Test
  void plaintextKeys_failNamingWardenKeysEncrypt() throws Exception {
    DataDir d =
        DataDir.init(
            tmp.resolve("plain"),
            "127.0.0.1:0",
            new SecureRandom(),
            Clock.systemUTC(),
            KeyProtection.insecurePlaintext());
    List<Finding> findings = examine(d);
    assertThat(failures(findings))
        .filteredOn(f -> f.check().equals("keys.files"))
        .hasSize(3)
        .allSatisfy(f -> assertThat(f.message()).contains("warden keys encrypt --data-dir"));
  }

  @Test
  void activeKeyRevokedAsCompromised_fails() throws Exception {
    DataDir d = init();
    ObjectMapper json = new ObjectMapper();
    ObjectNode ring = (ObjectNode) json.readTree(d.keyring().toFile());
    ring.withArray("keys")
        .forEach(
            k -> {
              if (k.path("which").asText().equals("receipt")) {
                ((ObjectNode) k).put("compromised_since", "2026-01-01T00:00:00Z");
              }
            });
    json.writeValue(d.keyring().toFile(), ring);
    Finding f = failures(examine(d)).get(0);
    assertThat(f.check()).isEqualTo("keys.keyring");
    assertThat(f.message()).contains("warden keys rotate --offline --which receipt");
  }

  @Test
  void checkpointsDeleted_logFails() throws Exception {
    TestWarden w = TestWarden.start(tmp);
    DataDir d = w.data;
    w.close();
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + d.database());
        var s = c.createStatement()) {
      s.executeUpdate("DELETE FROM checkpoints");
    }
    Finding f = only(examine(d), "log");
    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).contains("no signed checkpoint").contains("warden audit verify");
  }

  @Test
  void damagedDatabasePages_failTheStoreOrItsIntegrityCheck() throws Exception {
    TestWarden w = TestWarden.start(tmp);
    DataDir d = w.data;
    w.close();
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + d.database());
        var s = c.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    long size = Files.size(d.database());
    assertThat(size).isGreaterThan(8 * 4096);
    try (RandomAccessFile f = new RandomAccessFile(d.database().toFile(), "rw")) {
      byte[] junk = new byte[4096];
      new SecureRandom().nextBytes(junk);
      for (long page = 2; page * 4096 < size; page += 2) {
        f.seek(page * 4096);
        f.write(junk);
      }
    }
    List<Finding> findings = examine(d);
    assertThat(failures(findings))
        .as(findings.toString())
        .anySatisfy(f -> assertThat(f.check()).isIn("store", "store.integrity"));
  }

  @Test
  void clockBehindTheLog_fails() throws Exception {
    TestWarden w = TestWarden.start(tmp);
    DataDir d = w.data;
    w.close();
    Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
    Finding f = only(Doctor.examine(d, TestKeys.ENV, past), "clock");
    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).contains("behind the log's newest entry");
  }

  @Test
  void tlsCertificate_nearExpiryWarns_expiredFails() throws Exception {
    DataDir d = init();
    TestCertsAccess.server(d.root(), "server");
    Files.writeString(
        d.config(), Files.readString(d.config()) + "tls:\n  cert: server.pem\n  key: server.key\n");
    Finding soon = only(examine(d), "tls");
    assertThat(soon.status()).isEqualTo(Status.WARN);
    assertThat(soon.message()).contains("server.pem").contains("expires at");

    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(3));
    List<Finding> findings = Doctor.examine(d, TestKeys.ENV, later);
    Finding expired = only(findings, "tls");
    assertThat(expired.status()).isEqualTo(Status.FAIL);
    assertThat(expired.message()).contains("expired at").contains("reloads it");
  }

  @Test
  void runningServer_itsReadyzAnswersForTheDatabaseItHolds() throws Exception {
    try (TestWarden w = TestWarden.start(tmp)) {
      List<Finding> findings = examine(w.data);
      assertThat(failures(findings)).isEmpty();
      assertThat(only(findings, "store").status()).isEqualTo(Status.WARN);
      assertThat(only(findings, "store").message()).contains("running server");
      Finding server = only(findings, "server");
      assertThat(server.status()).isEqualTo(Status.OK);
      assertThat(server.message()).contains("is ready").contains("\"signer\":\"ok\"");
    }
  }

  @Test
  void notADataDirectory_oneFailureSayingWardenInit() {
    List<Finding> findings =
        Doctor.examine(new DataDir(tmp.resolve("nothing")), NO_ENV, Clock.systemUTC());
    assertThat(findings).hasSize(1);
    assertThat(findings.get(0).status()).isEqualTo(Status.FAIL);
    assertThat(findings.get(0).message()).contains("warden init --data-dir");
  }
}
