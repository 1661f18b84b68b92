package dev.warden.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.json.JsonLimits;
import dev.warden.json.JsonRejected;
import dev.warden.json.StrictJson;
import dev.warden.log.MerkleFrontier;
import dev.warden.log.MerkleHasher;
import dev.warden.note.Checkpoint;
import dev.warden.note.NoteException;
import dev.warden.store.DecisionRef;
import dev.warden.store.LogHead;
import dev.warden.store.LogStore;
import dev.warden.store.SealedBatch;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import dev.warden.store.TreeNode;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Writes a verified export into an empty log ({@code warden audit import}).
 *
 * <p>Order: the whole file is audited first, with the caller's {@link LogAuditor}; a file that does
 * not verify, or that holds fewer entries than its header announces, is refused and nothing is
 * written. Then the log is written one original batch at a time — the entries up to each
 * checkpoint, with the tree nodes, head and decision references {@code GroupCommitLog} would have
 * written, and the original signed checkpoint (no new signature) — each through {@link
 * LogStore#append}, so each is one transaction. Every batch is checked again as it is written (root
 * and signature), so a file changed after the audit stops the import with the log a verified
 * prefix.
 *
 * <p>Not restored: nonces and idempotency records (short-lived, not in the log).
 */
public final class LogImporter {
  /** Most entries one checkpoint may cover: Warden writes at most 1,024 per batch. */
  public static final int MAX_BATCH = 65_536;

  private static final JsonLimits ENTRY_LIMITS =
      new JsonLimits(
          ExportSource.MAX_STRING,
          CanonicalCheck.MAX_DEPTH,
          ExportSource.MAX_STRING,
          400,
          1_000_000);

  private LogImporter() {}

  /**
   * Audits {@code export}; if it is clean, writes it into {@code target}.
   *
   * @return the audit's result: {@link AuditResult.Clean} if the log was imported, {@link
   *     AuditResult.Damaged} if it was refused (then nothing was written)
   * @throws StoreException {@code CONFLICT} if {@code target} is not empty; {@code CORRUPT} if the
   *     file changed after it was verified (the log then holds the batches written before); {@code
   *     UNAVAILABLE} if either side cannot be read or written
   */
  public static AuditResult importInto(
      ExportSource export, LogAuditor auditor, LogStore target, LogAuditor.Progress progress)
      throws StoreException {
    if (target.head().size() != 0 || target.latestCheckpoint().isPresent()) {
      throw new StoreException(
          Kind.CONFLICT,
          "the target log is not empty ("
              + target.head().size()
              + " entries); import needs a new data directory");
    }
    AuditResult result = auditor.audit(export);
    if (result instanceof AuditResult.Damaged) {
      return result;
    }
    if (result.size() != export.header().size()) {
      return new AuditResult.Damaged(
          AuditResult.Kind.TRUNCATED,
          result.size(),
          "the file holds "
              + result.size()
              + " entries, but its header announces "
              + export.header().size()
              + ": it is an incomplete copy",
          result.size(),
          result.checkpoints());
    }
    write(export, auditor, target, progress);
    return result;
  }

  private static void write(
      ExportSource export, LogAuditor auditor, LogStore target, LogAuditor.Progress progress)
      throws StoreException {
    MerkleFrontier frontier = MerkleFrontier.empty();
    List<StoredEntry> pending = new ArrayList<>();
    long nextEntry = 0;
    long nextCheckpoint = 1; // a checkpoint of size 0 has nothing to write with it
    while (true) {
      List<StoredCheckpoint> checkpoints = export.checkpoints(nextCheckpoint, Commitments.PAGE);
      if (checkpoints.isEmpty()) {
        break;
      }
      for (StoredCheckpoint cp : checkpoints) {
        long need = cp.size() - frontier.size();
        if (need > MAX_BATCH) {
          throw new StoreException(
              Kind.CORRUPT,
              "the checkpoint of size "
                  + cp.size()
                  + " covers "
                  + need
                  + " entries after the previous one; import writes one batch per checkpoint and"
                  + " holds at most "
                  + MAX_BATCH);
        }
        while (pending.size() < need) {
          List<StoredEntry> page = export.read(nextEntry, nextEntry + (need - pending.size()));
          if (page.isEmpty()) {
            throw changed("entries before size " + cp.size() + " are gone");
          }
          pending.addAll(page);
          nextEntry = page.getLast().index() + 1;
        }
        append(target, frontier, pending, cp, auditor);
        pending.clear();
        progress.entries(frontier.size(), export.header().size());
        nextCheckpoint = cp.size() + 1;
      }
    }
  }

  private static void append(
      LogStore target,
      MerkleFrontier frontier,
      List<StoredEntry> batch,
      StoredCheckpoint cp,
      LogAuditor auditor)
      throws StoreException {
    long start = frontier.size();
    List<TreeNode> nodes = new ArrayList<>(batch.size() * 2);
    List<StoredEntry> entries = new ArrayList<>(batch.size());
    List<DecisionRef> decisions = new ArrayList<>();
    for (StoredEntry e : batch) {
      if (e.index() != frontier.size()) {
        throw changed("entry " + frontier.size() + " is missing");
      }
      byte[] bytes = e.entry();
      frontier.append(
          MerkleHasher.leafHash(bytes),
          (level, index, hash) -> nodes.add(new TreeNode(level, index, hash)));
      entries.add(e);
      DecisionRef ref = decisionRef(e.index(), bytes);
      if (ref != null) {
        decisions.add(ref);
      }
    }
    Checkpoint opened;
    try {
      opened = Checkpoint.open(cp.note(), auditor.keys());
    } catch (NoteException e) {
      throw changed("the checkpoint of size " + cp.size() + " no longer verifies");
    }
    if (opened.size() != cp.size() || !MessageDigest.isEqual(opened.root(), frontier.root())) {
      throw changed("the checkpoint of size " + cp.size() + " no longer matches the entries");
    }
    SealedBatch sealed =
        new SealedBatch(
            new LogHead(frontier.size(), frontier.serialize()),
            entries,
            List.of(),
            List.of(),
            decisions,
            nodes,
            cp);
    target.append(
        head -> {
          if (head.size() != start) {
            throw new IllegalStateException(
                "the log grew to " + head.size() + " entries while " + start + " were imported");
          }
          return sealed;
        });
  }

  /** What GroupCommitLog indexes: decisions and refusals of an authenticated agent. */
  private static @Nullable DecisionRef decisionRef(long index, byte[] entry) {
    JsonNode e;
    try {
      e = StrictJson.parse(entry, ENTRY_LIMITS);
    } catch (JsonRejected x) {
      return null;
    }
    String kind = e.path("kind").asText();
    JsonNode id = e.get("decision_id");
    JsonNode agent = e.get("agent");
    if ((kind.equals("decision") || kind.equals("refusal"))
        && id != null
        && id.isTextual()
        && agent != null
        && agent.isTextual()) {
      return new DecisionRef(id.asText(), agent.asText(), index);
    }
    return null;
  }

  private static StoreException changed(String what) {
    return new StoreException(
        Kind.CORRUPT,
        "the export changed after it was verified ("
            + what
            + "); the log holds the batches imported before, each verified");
  }
}
