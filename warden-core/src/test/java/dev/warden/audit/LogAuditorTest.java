package dev.warden.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.audit.AuditResult.Damaged;
import dev.warden.audit.AuditResult.Kind;
import dev.warden.log.MerkleHasher;
import dev.warden.note.NoteException;
import dev.warden.note.NoteSigner;
import dev.warden.store.TreeNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link LogAuditor} on logs in memory: clean logs, and each kind of damage located. */
class LogAuditorTest {
  private static final NoteSigner SIGNER = MemoryLog.newSigner(1);
  private static final NoteSigner OTHER = MemoryLog.newSigner(2);
  private static final LogAuditor AUDITOR = LogAuditor.trusting(List.of(SIGNER.verifierKey()));

  /** 60 entries in batches of 1 to 4. */
  private static MemoryLog log() {
    return MemoryLog.random(SIGNER, 42, 25, 4);
  }

  private static Damaged damaged(AuditResult r) {
    assertThat(r).isInstanceOf(Damaged.class);
    return (Damaged) r;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void audit_emptyLog_isCleanWithSizeZero() throws Exception {
    AuditResult r = AUDITOR.audit(new MemoryLog(SIGNER));
    assertThat(r).isEqualTo(new AuditResult.Clean(0, 0));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 50})
  void audit_cleanLogOfManyBatches_isCleanAndCountsEveryCheckpoint(int batches) throws Exception {
    MemoryLog log = MemoryLog.random(SIGNER, batches, batches, 5);
    List<long[]> progress = new ArrayList<>();
    AuditResult r =
        AUDITOR
            .withPageSize(7)
            .withProgress((done, total) -> progress.add(new long[] {done, total}))
            .audit(log);
    assertThat(r).isEqualTo(new AuditResult.Clean(log.entries.size(), batches));
    assertThat(progress.getLast()).containsExactly(log.entries.size(), log.entries.size());
  }

  @Test
  void audit_modifiedEntry_isModifiedAtItsIndex() throws Exception {
    MemoryLog log = log();
    log.modify(17, MemoryLog.entry(17, 999));
    Damaged d = damaged(AUDITOR.audit(log));
    assertThat(d.kind()).isEqualTo(Kind.MODIFIED);
    assertThat(d.index()).isEqualTo(17);
  }

  @Test
  void audit_deletedEntryLaterOnesShifted_isDeletedAtItsIndex() throws Exception {
    MemoryLog log = log();
    log.delete(23);
    Damaged d = damaged(AUDITOR.audit(log));
    assertThat(d.kind()).isEqualTo(Kind.DELETED);
    assertThat(d.index()).isEqualTo(23);
    assertThat(d.detail()).contains("written as entry 24");
  }

  @Test
  void audit_missingRow_isDeletedAtTheGap() throws Exception {
    MemoryLog log = log();
    log.deleteRow(30);
    Damaged d = damaged(AUDITOR.audit(log));
    assertThat(d.kind()).isEqualTo(Kind.DELETED);
    assertThat(d.index()).isEqualTo(30);
  }

  @Test
  void audit_insertedEntry_isInsertedAtItsIndex() throws Exception {
    MemoryLog log = log();
    log.insert(9, MemoryLog.entry(9, 7));
    Damaged d = damaged(AUDITOR.audit(log));
    assertThat(d.kind()).isEqualTo(Kind.INSERTED);
    assertThat(d.index()).isEqualTo(9);
  }

  @Test
  void audit_adjacentEntriesSwapped_isReordered() throws Exception {
    MemoryLog log = log();
    log.swap(12, 13);
    Damaged d = damaged(AUDITOR.audit(log));
    assertThat(d.kind()).isEqualTo(Kind.REORDERED);
    assertThat(d.index()).isEqualTo(12);
  }

  @Test
  void audit_distantEntriesSwapped_isReorderedNamingBoth() throws Exception {
    MemoryLog log = log();
    log.swap(5, 40);
    Damaged d = damaged(AUDITOR.audit(log));
    assertThat(d.kind()).isEqualTo(Kind.REORDERED);
    assertThat(d.index()).isEqualTo(5);
    assertThat(d.detail()).contains("entries 5 and 40");
  }

  @Test
  void audit_tailRemovedCheckpointsKept_isTruncatedAtNewSize() throws Exception {
    MemoryLog log = log();
    int n = log.entries.size();
    log.truncate(n - 5, false);
    Damaged d = damaged(AUDITOR.audit(log));
    assertThat(d.kind()).isEqualTo(Kind.TRUNCATED);
    assertThat(d.index()).isEqualTo(n - 5);
  }

  @Test
  void audit_tailAndItsCheckpointsRemoved_onlyTheTrustedCheckpointCatchesIt() throws Exception {
    MemoryLog log = log();
    String saved = log.latestCheckpoint();
    long cut = log.checkpoints.lowerKey(log.checkpoints.lastKey());
    log.truncate((int) cut, true);

    assertThat(AUDITOR.audit(log)).isInstanceOf(AuditResult.Clean.class);
    Damaged d = damaged(AUDITOR.withTrustedCheckpoint(saved).audit(log));
    assertThat(d.kind()).isEqualTo(Kind.TRUNCATED);
    assertThat(d.index()).isEqualTo(cut);
    assertThat(d.detail()).contains("trusted checkpoint");
  }

  @Test
  void audit_checkpointReplacedBySignedOtherRoot_isForked() throws Exception {
    MemoryLog log = log();
    long size = log.checkpoints.higherKey(20L);
    log.checkpoints.put(size, MemoryLog.sign(SIGNER, size, MerkleHasher.leafHash(utf8("x"))));
    Damaged d = damaged(AUDITOR.audit(log));
    assertThat(d.kind()).isEqualTo(Kind.FORKED);
    assertThat(d.index()).isEqualTo(size);
  }

  @Test
  void audit_signedCheckpointAtASizeWithoutBatch_isForked() throws Exception {
    MemoryLog log = MemoryLog.random(SIGNER, 7, 5, 1); // five batches of one entry
    log.append(List.of(MemoryLog.entry(5, 1), MemoryLog.entry(6, 2), MemoryLog.entry(7, 3)));
    log.checkpoints.put(6L, MemoryLog.sign(SIGNER, 6, MerkleHasher.emptyRoot()));
    Damaged d = damaged(AUDITOR.audit(log));
    assertThat(d.kind()).isEqualTo(Kind.FORKED);
    assertThat(d.index()).isEqualTo(6);
  }

  @Test
  void audit_historyRewrittenAndResignedWithTheRealKey_trustedCheckpointShowsFork()
      throws Exception {
    MemoryLog original = log();
    String saved = original.latestCheckpoint();
    MemoryLog rewritten = new MemoryLog(SIGNER);
    List<byte[]> entries = new ArrayList<>(original.entries);
    entries.set(3, MemoryLog.entry(3, 1234));
    rewritten.append(entries);

    assertThat(AUDITOR.audit(rewritten)).isInstanceOf(AuditResult.Clean.class);
    Damaged d = damaged(AUDITOR.withTrustedCheckpoint(saved).audit(rewritten));
    assertThat(d.kind()).isEqualTo(Kind.FORKED);
    assertThat(d.index()).isEqualTo(original.entries.size());
    assertThat(d.detail()).contains("trusted checkpoint");
  }

  @Test
  void audit_corruptedSignature_isBadSignatureAtThatCheckpoint() throws Exception {
    MemoryLog log = log();
    long size = log.checkpoints.higherKey(10L);
    String note = log.checkpoints.get(size);
    int at = note.lastIndexOf(' ') + 10;
    char c = note.charAt(at);
    log.checkpoints.put(
        size, note.substring(0, at) + (c == 'A' ? 'B' : 'A') + note.substring(at + 1));
    Damaged d = damaged(AUDITOR.audit(log));
    assertThat(d.kind()).isEqualTo(Kind.BAD_SIGNATURE);
    assertThat(d.index()).isEqualTo(size);
  }

  @Test
  void audit_checkpointSignedByUnknownKey_isUnknownKey() throws Exception {
    MemoryLog log = log();
    long size = log.checkpoints.higherKey(30L);
    String note = log.checkpoints.get(size);
    byte[] root = dev.warden.note.Checkpoint.open(note, List.of(SIGNER.verifierKey())).root();
    log.checkpoints.put(size, MemoryLog.sign(OTHER, size, root));
    Damaged d = damaged(AUDITOR.audit(log));
    assertThat(d.kind()).isEqualTo(Kind.UNKNOWN_KEY);
    assertThat(d.index()).isEqualTo(size);
  }

  @Test
  void audit_nonCanonicalEntryThatWasSigned_isMalformed() throws Exception {
    MemoryLog log = new MemoryLog(SIGNER);
    log.append(List.of(MemoryLog.entry(0, 1), utf8("{\"v\": 1}"), MemoryLog.entry(2, 3)));
    Damaged d = damaged(AUDITOR.audit(log));
    assertThat(d.kind()).isEqualTo(Kind.MALFORMED);
    assertThat(d.index()).isEqualTo(1);
    assertThat(d.detail()).contains("whitespace");
  }

  @Test
  void audit_storedNodeChanged_isNodeMismatch() throws Exception {
    MemoryLog log = log();
    log.nodes.put(new TreeNode.Id(2, 3), MerkleHasher.emptyRoot());
    Damaged d = damaged(AUDITOR.audit(log));
    assertThat(d.kind()).isEqualTo(Kind.NODE_MISMATCH);
    assertThat(d.index()).isEqualTo(12);
  }

  @Test
  void audit_sourceWithoutLeaves_boundsModifiedEntryBetweenCheckpoints() throws Exception {
    MemoryLog log = MemoryLog.random(SIGNER, 3, 30, 1); // one entry per checkpoint
    log.keepsNodes = false;
    log.modify(11, MemoryLog.entry(11, 5));
    Damaged d = damaged(AUDITOR.audit(log));
    assertThat(d.kind()).isEqualTo(Kind.MODIFIED);
    assertThat(d.index()).isEqualTo(11);
    assertThat(d.detail()).contains("[11, 12)");
  }

  @Test
  void audit_leavesRewrittenWithTheEntries_stillDetectedAndBounded() throws Exception {
    MemoryLog log = log();
    log.delete(20);
    log.rewriteLeaves();
    Damaged d = damaged(AUDITOR.audit(log));
    assertThat(d.kind()).isEqualTo(Kind.DELETED);
    assertThat(d.index()).isLessThanOrEqualTo(20);
    assertThat(d.detail()).contains("rewritten too");
  }

  @Test
  void withTrustedCheckpoint_signedByAnotherKey_throwsUnknownKey() {
    String note = MemoryLog.sign(OTHER, 1, MerkleHasher.emptyRoot());
    assertThatThrownBy(() -> AUDITOR.withTrustedCheckpoint(note))
        .isInstanceOf(NoteException.class)
        .extracting(e -> ((NoteException) e).reason())
        .isEqualTo(NoteException.Reason.UNKNOWN_KEY);
  }

  /** Random logs, one random mutation each: the kind and the first bad index are found. */
  @Test
  void audit_randomMutations_classifiedAndLocated() throws Exception {
    for (long seed = 0; seed < 300; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      MemoryLog log = MemoryLog.random(SIGNER, ~seed, 2 + r.nextInt(30), 1 + r.nextInt(8));
      int n = log.entries.size();
      if (n < 3) {
        continue;
      }
      int i = r.nextInt(n - 1);
      Kind kind =
          List.of(Kind.MODIFIED, Kind.DELETED, Kind.INSERTED, Kind.REORDERED).get(r.nextInt(4));
      switch (kind) {
        case MODIFIED -> log.modify(i, MemoryLog.entry(i, r.nextLong()));
        case DELETED -> log.delete(i);
        case INSERTED -> log.insert(i, MemoryLog.entry(i, r.nextLong()));
        default -> log.swap(i, i + 1 + r.nextInt(n - i - 1));
      }
      Damaged d = damaged(AUDITOR.withPageSize(1 + r.nextInt(20)).audit(log));
      assertThat(d.kind()).as("seed %d: %s at %d", seed, kind, i).isEqualTo(kind);
      assertThat(d.index()).as("seed %d: %s at %d", seed, kind, i).isEqualTo(i);
    }
  }
}
