package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.audit.AuditResult;
import dev.warden.audit.AuditSource;
import dev.warden.audit.ExportSource;
import dev.warden.audit.LogAuditor;
import dev.warden.audit.LogExport;
import dev.warden.audit.LogImporter;
import dev.warden.crypto.Ed25519KeyPair;
import dev.warden.log.MerkleFrontier;
import dev.warden.log.MerkleHasher;
import dev.warden.note.Checkpoint;
import dev.warden.note.NoteSigner;
import dev.warden.store.SealedBatch;
import dev.warden.store.StoreException;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import dev.warden.store.TreeNode;
import dev.warden.store.sqlite.SqliteStore;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Measures (prints, does not assert) how fast a log is audited: {@code -Daudit.entries=N} synthetic
 * decision entries (default 20,000 in the suite; the README's number uses 200,000) in SQLite,
 * written in batches of {@code -Daudit.batch=B} (default 256, a group commit under load), each with
 * its signed checkpoint. Isolated: other test classes would share the CPU with the measurement (and
 * one of them captures System.out).
 */
@Isolated
class AuditSpeedTest {
  private static final String ORIGIN = "warden.local/log";

  @TempDir Path tmp;

  @Test
  void audit_syntheticLog_printsEntriesPerSecond() throws Exception {
    // Small in the suite (it checks the full path stays clean); measure with
    // -Daudit.entries=200000.
    int n = Integer.getInteger("audit.entries", 20_000);
    int batch = Integer.getInteger("audit.batch", 256);
    byte[] seed = new byte[32];
    new SplittableRandom(0x5eedL).nextBytes(seed);
    NoteSigner signer = new NoteSigner(ORIGIN, Ed25519KeyPair.fromSeed(seed));
    LogAuditor auditor = LogAuditor.trusting(List.of(signer.verifierKey()));
    Path db = tmp.resolve("warden.db");

    long t0 = System.nanoTime();
    try (SqliteStore store = SqliteStore.open(db, Clock.systemUTC())) {
      for (int start = 0; start < n; start += batch) {
        int from = start;
        int count = Math.min(batch, n - start);
        store.log().append(head -> seal(head, from, count, signer));
      }
    }
    long t1 = System.nanoTime();
    Path file = tmp.resolve("log.jsonl");
    double store;
    double storeWithoutNodes;
    double export;
    double fromFile;
    try (SqliteStore s = SqliteStore.open(db, Clock.systemUTC())) {
      AuditSource source = AuditSource.of(s.log());
      store = bestOf(3, () -> auditor.audit(source), n);
      storeWithoutNodes = bestOf(3, () -> auditor.audit(withoutNodes(source)), n);
      long e0 = System.nanoTime();
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
        LogExport.Header h = new LogExport.Header(ORIGIN, signer.verifierKey().format(), n);
        LogExport.write(source, h, out, (d, t) -> {});
      }
      export = (System.nanoTime() - e0) / 1e9;
    }
    double imported;
    try (ExportSource source = ExportSource.open(file);
        SqliteStore target = SqliteStore.open(tmp.resolve("imported.db"), Clock.systemUTC())) {
      fromFile = bestOf(3, () -> auditor.audit(source), n);
      long i0 = System.nanoTime();
      AuditResult r = LogImporter.importInto(source, auditor, target.log(), (d, t) -> {});
      imported = (System.nanoTime() - i0) / 1e9;
      assertThat(r).isInstanceOf(AuditResult.Clean.class);
      assertThat(target.log().head().size()).isEqualTo(n);
    }
    System.out.printf(
        "audit speed: %,d entries, %,d checkpoints (batches of %d), built in %.1f s; best of 3:%n"
            + "  SQLite store, every stored node compared: %,.0f entries/s (%.2f s)%n"
            + "  SQLite store, stored nodes not read:      %,.0f entries/s (%.2f s)%n"
            + "  export file (written in %.2f s):           %,.0f entries/s (%.2f s)%n"
            + "  import of the export (audit, then one transaction per batch): %.2f s%n",
        n,
        (n + batch - 1) / batch,
        batch,
        (t1 - t0) / 1e9,
        n / store,
        store,
        n / storeWithoutNodes,
        storeWithoutNodes,
        export,
        n / fromFile,
        fromFile,
        imported);
  }

  private interface Audit {
    AuditResult run() throws Exception;
  }

  /** The fastest of {@code runs} clean audits, in seconds. */
  private static double bestOf(int runs, Audit audit, int n) throws Exception {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      AuditResult r = audit.run();
      best = Math.min(best, (System.nanoTime() - t) / 1e9);
      assertThat(r).isInstanceOf(AuditResult.Clean.class);
      assertThat(r.size()).isEqualTo(n);
    }
    return best;
  }

  /** The same source without its tree nodes and head, as an export file is. */
  private static AuditSource withoutNodes(AuditSource s) {
    return new AuditSource() {
      @Override
      public long expectedSize() throws StoreException {
        return s.expectedSize();
      }

      @Override
      public List<StoredEntry> read(long start, long end) throws StoreException {
        return s.read(start, end);
      }

      @Override
      public List<StoredCheckpoint> checkpoints(long fromSize, int limit) throws StoreException {
        return s.checkpoints(fromSize, limit);
      }
    };
  }

  /** What GroupCommitLog.seal writes for a batch of synthetic decisions. */
  private static SealedBatch seal(
      dev.warden.store.LogHead head, int from, int count, NoteSigner signer) {
    MerkleFrontier f = MerkleFrontier.restore(head.size(), head.state());
    List<TreeNode> nodes = new ArrayList<>(count * 2);
    List<StoredEntry> entries = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      byte[] e = decision(i);
      entries.add(new StoredEntry(f.size(), e));
      f.append(
          MerkleHasher.leafHash(e),
          (level, index, hash) -> nodes.add(new TreeNode(level, index, hash)));
    }
    String note = signer.sign(new Checkpoint(ORIGIN, f.size(), f.root()).body());
    return new SealedBatch(
        new dev.warden.store.LogHead(f.size(), f.serialize()),
        entries,
        List.of(),
        List.of(),
        List.of(),
        nodes,
        new StoredCheckpoint(f.size(), note));
  }

  /** A canonical decision entry of about 500 bytes, like the pipeline writes. */
  static byte[] decision(int i) {
    String digest =
        HexFormat.of()
            .formatHex(MerkleHasher.leafHash(Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
    return ("{\"action\":\"payments.transfer\",\"agent\":\"agent-"
            + (i % 97)
            + "\",\"decision\":\"allow\",\"decision_id\":\"01JDEC"
            + String.format("%020d", i)
            + "\",\"key_id\":\"k1\",\"kind\":\"decision\",\"policy_hash\":\"sha256:"
            + digest
            + "\",\"reasons\":[{\"code\":\"policy.allow\",\"message\":\"allowed by rule pay-small\","
            + "\"rule\":\"pay-small\"}],\"request_digest\":\"sha256:"
            + digest
            + "\",\"resource\":\"acct:"
            + i
            + "\",\"tenant\":\"acme\","
            + "\"ts\":\"2026-11-21T23:40:01.123Z\",\"v\":1}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
