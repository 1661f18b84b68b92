package dev.warden.audit;

import dev.warden.audit.AuditResult.Kind;
import dev.warden.audit.Commitments.Commitment;
import dev.warden.audit.Locator.Finding;
import dev.warden.log.MerkleFrontier;
import dev.warden.log.MerkleHasher;
import dev.warden.note.Checkpoint;
import dev.warden.note.LogKeys;
import dev.warden.note.NoteException;
import dev.warden.store.LogHead;
import dev.warden.store.StoreException;
import dev.warden.store.StoredEntry;
import dev.warden.store.TreeNode;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** One run of {@link LogAuditor#audit}: the state of a single pass over a source. Not reusable. */
final class Scan {
  /** A commitment whose root differs, waiting to learn whether a later one agrees (a fork). */
  private record Pending(Commitment commitment, long from, byte[] recomputed) {}

  private final AuditSource source;
  private final Commitments commitments;
  private final Locator locator;
  private final int pageSize;
  private final LogAuditor.Progress progress;
  private final boolean checkNodes;
  private final MerkleFrontier frontier = MerkleFrontier.empty();
  private final List<TreeNode> pageNodes = new ArrayList<>();
  private final LogAuditor.Warnings warnings;
  private byte @Nullable [] lastEntry; // the entry at pos - 1, for the time of a checkpoint

  private long pos; // entries checked; the next expected index
  private long verified; // stored checkpoints whose signature verified
  private long lastGood; // size of the last commitment whose root matched (0: the empty tree)
  private long lastMatched = -1; // the same, -1 before any commitment matched
  private long maxCommitted; // the largest size a verified commitment covers
  private long maxStored; // the largest size of any checkpoint, verified or not
  private @Nullable Pending pending;
  private boolean located; // entry damage was located: later root mismatches follow from it
  private boolean stopped; // a gap or unreadable data: the entries after it are not read
  private @Nullable Finding best;
  private @Nullable Finding nodeFinding;

  Scan(
      AuditSource source,
      LogKeys keys,
      @Nullable Checkpoint trusted,
      int pageSize,
      LogAuditor.Progress progress,
      LogAuditor.Warnings warnings) {
    this.warnings = warnings;
    this.source = source;
    this.commitments = new Commitments(source, keys, trusted);
    this.locator = new Locator(source);
    this.pageSize = pageSize;
    this.progress = progress;
    this.checkNodes = source.keepsTreeNodes();
  }

  AuditResult run() throws StoreException {
    try {
      long total = source.expectedSize();
      commitmentsAt(0);
      while (!stopped) {
        List<StoredEntry> page = source.read(pos, pos + pageSize);
        for (StoredEntry e : page) {
          if (e.index() != pos) {
            report(
                Kind.DELETED,
                pos,
                "no entry is stored at index " + pos + "; the next one is at index " + e.index());
            stopped = true;
            break;
          }
          entry(e.entry());
        }
        if (checkNodes) {
          compareNodes();
        }
        progress.entries(pos, total);
        if (page.size() < pageSize) {
          break;
        }
      }
      finish();
    } catch (StoreException e) {
      if (e.kind() != StoreException.Kind.CORRUPT) {
        throw e;
      }
      report(
          Kind.MALFORMED,
          pos,
          "the log cannot be read from index " + pos + " on: " + e.getMessage());
    }
    Finding f = best != null ? best : nodeFinding;
    if (f == null) {
      return new AuditResult.Clean(pos, verified);
    }
    return new AuditResult.Damaged(f.kind(), f.index(), f.detail(), pos, verified);
  }

  private void entry(byte[] bytes) throws StoreException {
    String problem =
        bytes.length == 0
            ? "it is empty"
            : bytes[0] != '{' ? "it is not a JSON object" : CanonicalCheck.problem(bytes);
    if (problem != null) {
      report(Kind.MALFORMED, pos, "entry " + pos + " is not RFC 8785 canonical JSON: " + problem);
    }
    lastEntry = bytes;
    byte[] leaf = MerkleHasher.leafHash(bytes);
    if (checkNodes) {
      frontier.append(
          leaf, (level, index, hash) -> pageNodes.add(new TreeNode(level, index, hash)));
    } else {
      frontier.append(leaf);
    }
    pos++;
    commitmentsAt(pos);
  }

  private void commitmentsAt(long size) throws StoreException {
    while (commitments.peekSize() == size) {
      Commitment c = commitments.next();
      if (c != null && accept(c)) {
        compareRoot(c);
      }
    }
  }

  /** Reports a refused checkpoint; counts and returns true for a verified one. */
  private boolean accept(Commitment c) {
    maxStored = Math.max(maxStored, c.size());
    NoteException failure = c.failure();
    if (failure != null) {
      Kind kind =
          failure.reason() == NoteException.Reason.UNKNOWN_KEY
              ? Kind.UNKNOWN_KEY
              : Kind.BAD_SIGNATURE;
      report(
          kind,
          c.size(),
          "the checkpoint stored for size " + c.size() + ": " + failure.getMessage());
      return false;
    }
    if (!c.trusted()) {
      verified++;
    }
    Instant since = c.compromisedSince();
    if (since != null) {
      Instant at = lastEntryTime();
      if (at == null || !at.isBefore(since)) {
        report(
            Kind.COMPROMISED_KEY,
            c.size(),
            "the checkpoint stored for size "
                + c.size()
                + " is signed only by a log key revoked as compromised since "
                + since
                + (at == null
                    ? ", and its last entry has no readable ts"
                    : ", and its last entry is from " + at)
                + ": it may be forged");
        return false;
      }
      warnings.warn(
          "the checkpoint of size "
              + c.size()
              + " is signed by a log key revoked as compromised since "
              + since
              + "; its last entry is from "
              + at
              + ", before that, so it still counts");
    }
    maxCommitted = Math.max(maxCommitted, c.size());
    return true;
  }

  /**
   * The {@code ts} of the entry at {@code pos - 1}, or null if there is none or it is unreadable.
   */
  private @Nullable Instant lastEntryTime() {
    if (lastEntry == null) {
      return null;
    }
    try {
      String ts =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(lastEntry)
              .path("ts")
              .asText("");
      return Instant.parse(ts);
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  private void compareRoot(Commitment c) throws StoreException {
    byte[] root = frontier.root();
    if (MessageDigest.isEqual(root, committedRoot(c))) {
      if (pending != null && !located) {
        Pending p = pending;
        report(
            Kind.FORKED,
            p.commitment().size(),
            describe(p.commitment())
                + " commits to root "
                + b64(committedRoot(p.commitment()))
                + ", but "
                + describe(c)
                + " agrees with the entries, and they make root "
                + b64(p.recomputed())
                + " at size "
                + p.commitment().size()
                + ": two validly signed checkpoints that no single tree connects");
        pending = null;
      }
      lastGood = c.size();
      lastMatched = c.size();
      return;
    }
    if (located || pending != null) {
      return; // a consequence of damage already found
    }
    if (lastMatched == c.size()) {
      report(
          Kind.FORKED,
          c.size(),
          describe(c)
              + " commits to root "
              + b64(committedRoot(c))
              + ", while another signed checkpoint of the same size commits to "
              + b64(root));
      return;
    }
    Finding f = locator.locate(lastGood, c.size());
    if (f != null) {
      report(f.kind(), f.index(), f.detail());
      located = true;
    } else {
      pending = new Pending(c, lastGood, root);
    }
  }

  private void finish() throws StoreException {
    if (!stopped) {
      for (Commitment c; (c = commitments.next()) != null; ) {
        if (accept(c)) {
          report(
              Kind.TRUNCATED,
              pos,
              "the log holds "
                  + pos
                  + " entries, but "
                  + describe(c)
                  + " commits to "
                  + c.size()
                  + ": entries "
                  + pos
                  + " to "
                  + (c.size() - 1)
                  + " are missing");
          // The checkpoint also covers the entries since the last one that matched: if one of
          // them changed too (an entry removed before the end looks like a truncation from here),
          // the stored leaves show it, at a lower index.
          if (!located && pending == null) {
            Finding f = locator.locate(lastGood, pos);
            if (f != null) {
              report(f.kind(), f.index(), f.detail());
              located = true;
            }
          }
          break;
        }
      }
    }
    if (pending != null && !located) {
      unlocated(pending);
    }
    // A checkpoint that failed verification was reported as such; only entries that no
    // checkpoint at all covers are taken for added ones.
    if (!stopped && pos > maxStored) {
      report(
          Kind.INSERTED,
          maxStored,
          "no signed checkpoint covers entries "
              + maxStored
              + " to "
              + (pos - 1)
              + ": Warden signs one with every batch, so they were added outside it (or the"
              + " checkpoints that covered them were removed)");
    }
    Optional<LogHead> head = source.head();
    if (!stopped && head.isPresent() && nodeFinding == null) {
      if (head.get().size() != pos) {
        nodeFinding =
            new Finding(
                Kind.NODE_MISMATCH,
                Math.min(pos, head.get().size()),
                "the stored head says "
                    + head.get().size()
                    + " entries, but "
                    + pos
                    + " are stored");
      } else if (!MessageDigest.isEqual(head.get().state(), frontier.serialize())) {
        nodeFinding =
            new Finding(
                Kind.NODE_MISMATCH,
                pos,
                "the stored head's Merkle frontier differs from the tree the entries make");
      }
    }
  }

  /** A root mismatch that no stored leaf hash located, and that no later checkpoint resolved. */
  private void unlocated(Pending p) {
    long size = p.commitment().size();
    Kind kind =
        pos < maxCommitted ? Kind.DELETED : pos > maxCommitted ? Kind.INSERTED : Kind.MODIFIED;
    String what =
        switch (kind) {
          case DELETED -> "entries were removed (";
          case INSERTED -> "entries were added (";
          default -> "entries were modified or reordered (";
        };
    report(
        kind,
        p.from(),
        "the entries differ from what "
            + describe(p.commitment())
            + " commits to, from an index in ["
            + p.from()
            + ", "
            + size
            + "), and no later checkpoint agrees with them; "
            + (checkNodes
                ? "the stored leaf hashes agree with the entries (they were rewritten too), so it"
                    + " cannot be located more precisely: "
                : "this source holds no leaf hashes to locate it more precisely: ")
            + what
            + "the log holds "
            + pos
            + " entries, the signed checkpoints commit to "
            + maxCommitted
            + ")");
  }

  private void compareNodes() throws StoreException {
    if (pageNodes.isEmpty()) {
      return;
    }
    if (nodeFinding == null) {
      List<TreeNode.Id> ids = new ArrayList<>(pageNodes.size());
      for (TreeNode n : pageNodes) {
        ids.add(n.id());
      }
      Map<TreeNode.Id, byte[]> stored = source.storedNodes(ids);
      for (TreeNode n : pageNodes) {
        byte[] s = stored.get(n.id());
        if (s == null || !MessageDigest.isEqual(s, n.hash())) {
          long first = n.index() << n.level();
          if (nodeFinding == null || first < nodeFinding.index()) {
            nodeFinding =
                new Finding(
                    Kind.NODE_MISMATCH,
                    first,
                    "the stored tree node at level "
                        + n.level()
                        + ", index "
                        + n.index()
                        + (s == null ? " is missing" : " differs from the one the entries make")
                        + " (proofs that use it would fail)");
          }
        }
      }
    }
    pageNodes.clear();
  }

  private void report(Kind kind, long index, String detail) {
    if (best == null
        || index < best.index()
        || (index == best.index() && kind.ordinal() < best.kind().ordinal())) {
      best = new Finding(kind, index, detail);
    }
  }

  private static byte[] committedRoot(Commitment c) {
    Checkpoint cp = c.checkpoint();
    if (cp == null) {
      throw new IllegalStateException("a refused checkpoint has no root");
    }
    return cp.root();
  }

  private static String describe(Commitment c) {
    return (c.trusted() ? "the trusted checkpoint" : "the signed checkpoint")
        + " of size "
        + c.size();
  }

  private static String b64(byte[] hash) {
    return Base64.getEncoder().encodeToString(hash);
  }
}
