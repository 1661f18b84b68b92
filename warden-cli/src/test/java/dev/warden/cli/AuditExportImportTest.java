package dev.warden.cli;

import static dev.warden.cli.AuditFixture.audit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.note.NoteSigner;
import dev.warden.server.DataDir;
import dev.warden.server.ServerConfig;
import dev.warden.server.WardenServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** {@code warden audit export} and {@code import} between real data directories. */
@ResourceLock("java.lang.System.out") // its servers log to the console CliTest captures
class AuditExportImportTest {
  @TempDir static Path shared;
  private static Path original;

  @TempDir Path tmp;

  @BeforeAll
  static void buildLog() throws Exception {
    original = shared.resolve("original");
    AuditFixture.build(original, 25);
  }

  private Path export() {
    Path file = tmp.resolve("log.jsonl");
    AuditFixture.Run r =
        audit("export", "--data-dir", original.toString(), "--out", file.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    return file;
  }

  private Path freshDir(String name) throws Exception {
    Path dir = tmp.resolve(name);
    DataDir.init(dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    return dir;
  }

  /**
   * A restore: the new directory gets the original checkpoint key and the keyring that lists it
   * before the import.
   */
  private Path freshDirWithOriginalKey(String name) throws Exception {
    Path dir = freshDir(name);
    for (Path p : List.of(new DataDir(original).checkpointKey(), new DataDir(original).keyring())) {
      Files.copy(
          p,
          new DataDir(dir).keys().resolve(p.getFileName()),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.COPY_ATTRIBUTES);
    }
    return dir;
  }

  private static String vkey(Path dir) throws Exception {
    return new NoteSigner(
            "warden.local/log", new DataDir(dir).loadKeys(TestKeys.PROTECTION).checkpoint())
        .verifierKey()
        .format();
  }

  @Test
  void export_thenImportIntoRestoredDirectory_verifiesCleanWithTheSameCheckpoint()
      throws Exception {
    Path file = export();
    Path restored = freshDirWithOriginalKey("restored");

    AuditFixture.Run imported =
        audit("import", "--data-dir", restored.toString(), "--in", file.toString());
    assertThat(imported.exit()).as(imported.out() + imported.err()).isZero();
    long size = AuditFixture.size(original);
    int checkpoints = AuditFixture.checkpointSizes(original).size();
    assertThat(imported.out())
        .contains("Imported " + size + " entries and " + checkpoints + " checkpoints");

    AuditFixture.Run verified = audit("verify", "--data-dir", restored.toString());
    assertThat(verified.exit()).as(verified.out()).isZero();
    assertThat(verified.out())
        .contains("OK: " + size + " entries, " + checkpoints + " checkpoints verified");
    assertThat(AuditFixture.checkpointSizes(restored))
        .isEqualTo(AuditFixture.checkpointSizes(original));
    long last = AuditFixture.checkpointSizes(original).getLast();
    assertThat(AuditFixture.checkpoint(restored, last))
        .isEqualTo(AuditFixture.checkpoint(original, last));
  }

  @Test
  void import_thenServerStarts_andItsLogGoesOnCleanly() throws Exception {
    Path restored = freshDirWithOriginalKey("served");
    assertThat(
            audit("import", "--data-dir", restored.toString(), "--in", export().toString()).exit())
        .isZero();
    DataDir d = new DataDir(restored);
    WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION)
        .close();
    AuditFixture.Run r = audit("verify", "--data-dir", restored.toString());
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).contains("OK: " + (AuditFixture.size(original) + 1) + " entries");
  }

  @Test
  void import_logSignedByAnotherKeyGivenWithLogKey_importsAndWarnsAboutTheServer()
      throws Exception {
    Path dir = freshDir("other-key");
    AuditFixture.Run r =
        audit(
            "import",
            "--data-dir",
            dir.toString(),
            "--in",
            export().toString(),
            "--log-key",
            vkey(original));
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.err())
        .contains("the server refuses to start until it is the original checkpoint key");
    assertThat(audit("verify", "--data-dir", dir.toString(), "--log-key", vkey(original)).exit())
        .isZero();
  }

  @Test
  void import_logSignedByAnotherKeyWithoutLogKey_isRefusedAsUnknownKeyAndWritesNothing()
      throws Exception {
    Path dir = freshDir("untrusted");
    AuditFixture.Run r = audit("import", "--data-dir", dir.toString(), "--in", export().toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("REFUSED: unknown_key").contains("Nothing was written.");
    assertThat(r.err()).contains("which is not a trusted key");
    assertThat(AuditFixture.size(dir)).isZero();
  }

  @Test
  void import_tamperedExport_isRefusedAndWritesNothing() throws Exception {
    Path file = export();
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    int line = 0;
    while (!lines.get(line).contains("agent-007")) {
      line++;
    }
    lines.set(line, lines.get(line).replace("agent-007", "agent-070"));
    Files.write(file, lines, StandardCharsets.UTF_8);
    Path restored = freshDirWithOriginalKey("tampered");

    AuditFixture.Run r =
        audit("import", "--data-dir", restored.toString(), "--in", file.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("REFUSED: modified at index ").contains("Nothing was written.");
    assertThat(AuditFixture.size(restored)).isZero();
    assertThat(AuditFixture.checkpointSizes(restored)).isEmpty();
  }

  @Test
  void import_intoDirectoryWithALog_exits2() throws Exception {
    Path file = export();
    AuditFixture.Run r =
        audit("import", "--data-dir", original.toString(), "--in", file.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).as(r.toString()).contains("not empty");
  }

  @Test
  void export_toAnExistingFile_refusesAndLeavesItAlone() throws Exception {
    Path file = Files.writeString(tmp.resolve("keep.jsonl"), "mine\n");
    AuditFixture.Run r =
        audit("export", "--data-dir", original.toString(), "--out", file.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("refusing to overwrite");
    assertThat(Files.readString(file)).isEqualTo("mine\n");
  }

  @Test
  void export_file_startsWithHeaderNamingOriginKeyAndSize() throws Exception {
    List<String> lines = Files.readAllLines(export(), StandardCharsets.UTF_8);
    assertThat(lines.getFirst())
        .isEqualTo(
            "{\"warden_export\":1,\"origin\":\"warden.local/log\",\"vkey\":\""
                + vkey(original)
                + "\",\"size\":"
                + AuditFixture.size(original)
                + "}");
    assertThat(lines)
        .hasSize(
            1 + (int) AuditFixture.size(original) + AuditFixture.checkpointSizes(original).size());
  }
}
