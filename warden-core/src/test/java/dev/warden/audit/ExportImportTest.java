package dev.warden.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.audit.AuditResult.Damaged;
import dev.warden.audit.AuditResult.Kind;
import dev.warden.log.InMemoryLogStore;
import dev.warden.note.NoteSigner;
import dev.warden.store.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LogExport}, {@link ExportSource} and {@link LogImporter}, through files. */
class ExportImportTest {
  private static final NoteSigner SIGNER = MemoryLog.newSigner(11);
  private static final LogAuditor AUDITOR = LogAuditor.trusting(List.of(SIGNER.verifierKey()));

  @TempDir Path tmp;

  private Path export(MemoryLog log) throws Exception {
    Path file = tmp.resolve("log.jsonl");
    try (OutputStream out = Files.newOutputStream(file)) {
      LogExport.write(
          log,
          new LogExport.Header(MemoryLog.ORIGIN, SIGNER.verifierKey().format(), log.head.size()),
          out,
          (done, total) -> {});
    }
    return file;
  }

  @Test
  void write_smallLog_isHeaderEntriesAndCheckpointsAtTheirSizes() throws Exception {
    MemoryLog log = new MemoryLog(SIGNER);
    log.append(List.of(MemoryLog.entry(0, 1)));
    log.append(List.of(MemoryLog.entry(1, 2), MemoryLog.entry(2, 3)));
    List<String> lines = Files.readAllLines(export(log), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(6);
    assertThat(lines.get(0))
        .isEqualTo(
            "{\"warden_export\":1,\"origin\":\"audit.test/log\",\"vkey\":\""
                + SIGNER.verifierKey().format()
                + "\",\"size\":3}");
    assertThat(lines.get(1)).startsWith("{\"index\":0,\"entry\":\"{\\\"kind\\\":\\\"admin\\\",");
    assertThat(lines.get(2)).startsWith("{\"checkpoint\":\"audit.test/log\\n1\\n");
    assertThat(lines.get(3)).startsWith("{\"index\":1,");
    assertThat(lines.get(4)).startsWith("{\"index\":2,");
    assertThat(lines.get(5)).startsWith("{\"checkpoint\":\"audit.test/log\\n3\\n");
  }

  @Test
  void audit_exportOfCleanLog_isCleanWithSameCounts() throws Exception {
    MemoryLog log = MemoryLog.random(SIGNER, 5, 40, 6);
    try (ExportSource source = ExportSource.open(export(log))) {
      AuditResult r = AUDITOR.withPageSize(13).audit(source);
      assertThat(r).isEqualTo(new AuditResult.Clean(log.entries.size(), 40));
      assertThat(source.header().size()).isEqualTo(log.entries.size());
    }
  }

  @Test
  void audit_exportWithEditedEntry_isModifiedWithinItsBatch() throws Exception {
    MemoryLog log = MemoryLog.random(SIGNER, 6, 20, 1);
    Path file = export(log);
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    int line =
        lines.indexOf(
            lines.stream().filter(l -> l.startsWith("{\"index\":7,")).findFirst().orElseThrow());
    lines.set(line, lines.get(line).replace("\\\"n\\\":7", "\\\"n\\\":8"));
    Files.write(file, lines, StandardCharsets.UTF_8);
    try (ExportSource source = ExportSource.open(file)) {
      Damaged d = (Damaged) AUDITOR.audit(source);
      assertThat(d.kind()).isEqualTo(Kind.MODIFIED);
      assertThat(d.index()).isEqualTo(7);
    }
  }

  @Test
  void audit_exportWithGarbageLine_isMalformed() throws Exception {
    MemoryLog log = MemoryLog.random(SIGNER, 7, 5, 3);
    Path file = export(log);
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    lines.add(3, "{\"index\":\"x\"}");
    Files.write(file, lines, StandardCharsets.UTF_8);
    try (ExportSource source = ExportSource.open(file)) {
      Damaged d = (Damaged) AUDITOR.audit(source);
      assertThat(d.kind()).isEqualTo(Kind.MALFORMED);
      assertThat(d.detail()).contains("line 4");
    }
  }

  @Test
  void open_fileWithoutHeader_throws() throws Exception {
    Path file = Files.writeString(tmp.resolve("x.jsonl"), "{\"index\":0,\"entry\":\"{}\"}\n");
    assertThatThrownBy(() -> ExportSource.open(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a Warden export");
  }

  @Test
  void importInto_cleanExport_writesTheSameLogWithOriginalCheckpoints() throws Exception {
    MemoryLog log = MemoryLog.random(SIGNER, 8, 30, 5);
    InMemoryLogStore target = new InMemoryLogStore();
    try (ExportSource source = ExportSource.open(export(log))) {
      AuditResult r = LogImporter.importInto(source, AUDITOR, target, (d, t) -> {});
      assertThat(r).isInstanceOf(AuditResult.Clean.class);
    }
    assertThat(target.head()).isEqualTo(log.head);
    assertThat(target.latestCheckpoint().orElseThrow().note()).isEqualTo(log.latestCheckpoint());
    assertThat(target.checkpoints(0, 1000)).hasSize(30);
    assertThat(AUDITOR.audit(AuditSource.of(target)))
        .isEqualTo(new AuditResult.Clean(log.entries.size(), 30));
  }

  @Test
  void importInto_exportCutShort_isRefusedAndWritesNothing() throws Exception {
    MemoryLog log = MemoryLog.random(SIGNER, 9, 10, 3);
    Path file = export(log);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int lastCheckpoint = lines.size() - 1;
    while (!lines.get(lastCheckpoint - 1).startsWith("{\"checkpoint\"")) {
      lastCheckpoint--;
    }
    Files.write(file, lines.subList(0, lastCheckpoint), StandardCharsets.UTF_8);
    InMemoryLogStore target = new InMemoryLogStore();
    try (ExportSource source = ExportSource.open(file)) {
      Damaged d = (Damaged) LogImporter.importInto(source, AUDITOR, target, (x, y) -> {});
      assertThat(d.kind()).isEqualTo(Kind.TRUNCATED);
      assertThat(d.detail()).contains("header announces");
    }
    assertThat(target.head().size()).isZero();
    assertThat(target.appendCalls()).isZero();
  }

  @Test
  void importInto_nonEmptyTarget_throwsConflict() throws Exception {
    MemoryLog log = MemoryLog.random(SIGNER, 10, 3, 3);
    InMemoryLogStore target = new InMemoryLogStore();
    try (ExportSource source = ExportSource.open(export(log))) {
      LogImporter.importInto(source, AUDITOR, target, (d, t) -> {});
      assertThatThrownBy(() -> LogImporter.importInto(source, AUDITOR, target, (d, t) -> {}))
          .isInstanceOf(StoreException.class)
          .extracting(e -> ((StoreException) e).kind())
          .isEqualTo(StoreException.Kind.CONFLICT);
    }
  }
}
