package dev.warden.audit;

import dev.warden.note.Checkpoint;
import dev.warden.note.LogKeys;
import dev.warden.note.NoteException;
import dev.warden.note.NoteVerifierKey;
import dev.warden.store.StoreException;
import dev.warden.store.StoredCheckpoint;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * The commitments an audit holds the entries to, in order of tree size: the stored checkpoints,
 * read a page at a time with their signatures verified in parallel (Ed25519 verification is most of
 * an audit's cost when batches are small), and the trusted checkpoint, placed before a stored one
 * of the same size.
 */
final class Commitments {
  static final int PAGE = 1_024;

  /**
   * One checkpoint: opened ({@code checkpoint} set) or refused ({@code failure} set).
   *
   * @param trusted the checkpoint the caller trusts, not one read from the source
   * @param compromisedSince when every key that signed it is revoked as compromised, the earliest
   *     compromise time
   */
  record Commitment(
      long size,
      boolean trusted,
      @Nullable Checkpoint checkpoint,
      @Nullable NoteException failure,
      @Nullable Instant compromisedSince) {}

  private final AuditSource source;
  private final List<NoteVerifierKey> keys;
  private final LogKeys keySet;
  private @Nullable Checkpoint trusted;
  private final Deque<Commitment> page = new ArrayDeque<>();
  private long nextFrom;
  private boolean exhausted;

  Commitments(AuditSource source, LogKeys keys, @Nullable Checkpoint trusted) {
    this.source = source;
    this.keySet = keys;
    this.keys = keys.keys();
    this.trusted = trusted;
  }

  /** The size of the next commitment, or -1 when there is none. */
  long peekSize() throws StoreException {
    Commitment next = peek();
    return next == null ? -1 : next.size();
  }

  /** The next commitment, or null when there is none. */
  @Nullable Commitment next() throws StoreException {
    Commitment next = peek();
    if (next == null) {
      return null;
    }
    if (next.trusted()) {
      trusted = null;
      return next;
    }
    return page.poll();
  }

  private @Nullable Commitment peek() throws StoreException {
    if (page.isEmpty() && !exhausted) {
      fill();
    }
    Commitment stored = page.peek();
    if (trusted != null && (stored == null || trusted.size() <= stored.size())) {
      return new Commitment(trusted.size(), true, trusted, null, null);
    }
    return stored;
  }

  private void fill() throws StoreException {
    List<StoredCheckpoint> rows = source.checkpoints(nextFrom, PAGE);
    if (rows.isEmpty()) {
      exhausted = true;
      return;
    }
    List<Commitment> opened =
        IntStream.range(0, rows.size()).parallel().mapToObj(i -> open(rows.get(i))).toList();
    long last = -1;
    for (Commitment c : opened) {
      if (c.size() < last) {
        throw new StoreException(
            StoreException.Kind.CORRUPT,
            "the checkpoints are not in order of size: " + c.size() + " after " + last);
      }
      last = c.size();
    }
    page.addAll(opened);
    nextFrom = last + 1;
  }

  private Commitment open(StoredCheckpoint row) {
    try {
      Checkpoint cp = Checkpoint.open(row.note(), keys);
      if (cp.size() != row.size()) {
        throw new NoteException(
            NoteException.Reason.MALFORMED,
            "it is stored as the checkpoint of size "
                + row.size()
                + " but signs size "
                + cp.size());
      }
      return new Commitment(
          row.size(), false, cp, null, keySet.compromisedSigner(row.note()).orElse(null));
    } catch (NoteException e) {
      return new Commitment(row.size(), false, null, e, null);
    }
  }
}
