package dev.warden.audit;

import dev.warden.audit.AuditResult.Kind;
import dev.warden.log.MerkleHasher;
import dev.warden.store.StoreException;
import dev.warden.store.StoredEntry;
import dev.warden.store.TreeNode;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Locates and classifies entry damage once a signed checkpoint has shown that the entries of some
 * range {@code [from, to)} are not the ones it commits to, using the leaf hashes the store wrote at
 * append time (level 0 of {@code tree_nodes}). They are not signed, so they only help to locate:
 * the checkpoint has already proved the damage.
 *
 * <p>Method. Let E[i] be the leaf hash of the entry now stored at index i and L[i] the stored leaf
 * hash at i. The first i in {@code [from, to)} with E[i] ≠ L[i] is the first bad index. Then, with
 * a window of {@value #WINDOW} entries:
 *
 * <ul>
 *   <li>E[i] = L[i+k] and E[i+k] = L[i]: entries i and i+k were swapped — {@code reordered};
 *   <li>E[i] = L[i+k] and E[i+1] = L[i+k+1] (smallest k): the k entries from i were removed and the
 *       later ones moved down — {@code deleted};
 *   <li>E[i+k] = L[i] and E[i+k+1] = L[i+1] (smallest k): k entries were put in at i and the later
 *       ones moved up — {@code inserted}. (The second equation, skipped at the log's end, tells a
 *       shift from a change further on.)
 *   <li>otherwise the next index j > i with E[j] ≠ L[j] is looked for: E[i] = L[j] and E[j] = L[i]
 *       make a distant swap — {@code reordered}; anything else — {@code modified}.
 * </ul>
 *
 * <p>Without stored leaf hashes (an export file), or when they were rewritten along with the
 * entries, no index in the range differs, and the caller reports the damage as lying within the
 * range.
 */
final class Locator {
  static final int WINDOW = 16;
  private static final int PAGE = 4_096;

  /** Where the damage is and what it is. */
  record Finding(Kind kind, long index, String detail) {}

  private final AuditSource source;

  Locator(AuditSource source) {
    this.source = source;
  }

  /** The first entry in {@code [from, to)} whose leaf differs from the stored one, classified. */
  @Nullable Finding locate(long from, long to) throws StoreException {
    if (!source.keepsTreeNodes()) {
      return null;
    }
    for (long start = from; start < to; start += PAGE) {
      long end = Math.min(to, start + PAGE);
      List<byte[]> e = leaves(start, end);
      Map<TreeNode.Id, byte[]> l = source.storedNodes(ids(start, start + e.size()));
      for (int k = 0; k < e.size(); k++) {
        byte[] stored = l.get(new TreeNode.Id(0, start + k));
        if (stored != null && !MessageDigest.isEqual(stored, e.get(k))) {
          return classify(start + k);
        }
      }
      if (e.size() < end - start) {
        break;
      }
    }
    return null;
  }

  private Finding classify(long i) throws StoreException {
    List<byte[]> e = leaves(i, i + WINDOW + 1);
    Map<TreeNode.Id, byte[]> l = source.storedNodes(ids(i, i + WINDOW + 1));
    for (int k = 1; k < e.size(); k++) {
      if (same(e.get(k), l, i) && same(e.get(0), l, i + k)) {
        return swapped(i, i + k);
      }
    }
    for (int k = 1; k <= WINDOW; k++) {
      // The shift goes on after the gap (unless the log ends), which a distant swap's does not.
      if (same(e.get(0), l, i + k) && (e.size() < 2 || same(e.get(1), l, i + k + 1))) {
        return new Finding(
            Kind.DELETED,
            i,
            (k == 1
                    ? "entry " + i + " was removed"
                    : "entries " + i + " to " + (i + k - 1) + " were removed")
                + ": the entry stored at index "
                + i
                + " is the one written as entry "
                + (i + k)
                + ", and the later ones moved down");
      }
    }
    for (int k = 1; k < e.size(); k++) {
      if (same(e.get(k), l, i) && (k + 1 >= e.size() || same(e.get(k + 1), l, i + 1))) {
        return new Finding(
            Kind.INSERTED,
            i,
            (k == 1 ? "an entry was put in" : k + " entries were put in")
                + " at index "
                + i
                + ": the entry written as entry "
                + i
                + " is now stored at index "
                + (i + k));
      }
    }
    long j = nextMismatch(i + 1);
    if (j >= 0) {
      byte[] ej = leaves(j, j + 1).get(0);
      if (same(ej, l, i) && same(e.get(0), source.storedNodes(List.of(new TreeNode.Id(0, j))), j)) {
        return swapped(i, j);
      }
    }
    return new Finding(
        Kind.MODIFIED,
        i,
        "entry "
            + i
            + " is not the entry that was written there: its leaf hash differs from the one stored"
            + " at append time and from the signed checkpoints");
  }

  private static Finding swapped(long i, long j) {
    return new Finding(
        Kind.REORDERED,
        i,
        "entries " + i + " and " + j + " changed places: each holds the other's");
  }

  /** The first index from {@code start} whose leaf differs from the stored one, or -1. */
  private long nextMismatch(long start) throws StoreException {
    for (long s = start; ; s += PAGE) {
      List<byte[]> e = leaves(s, s + PAGE);
      if (e.isEmpty()) {
        return -1;
      }
      Map<TreeNode.Id, byte[]> l = source.storedNodes(ids(s, s + e.size()));
      for (int k = 0; k < e.size(); k++) {
        byte[] stored = l.get(new TreeNode.Id(0, s + k));
        if (stored != null && !MessageDigest.isEqual(stored, e.get(k))) {
          return s + k;
        }
      }
    }
  }

  private static boolean same(byte[] leaf, Map<TreeNode.Id, byte[]> stored, long index) {
    byte[] s = stored.get(new TreeNode.Id(0, index));
    return s != null && MessageDigest.isEqual(s, leaf);
  }

  /** Leaf hashes of the entries from {@code start}, up to {@code end} or the first gap. */
  private List<byte[]> leaves(long start, long end) throws StoreException {
    List<byte[]> out = new ArrayList<>();
    long expect = start;
    for (StoredEntry entry : source.read(start, end)) {
      if (entry.index() != expect++) {
        break;
      }
      out.add(MerkleHasher.leafHash(entry.entry()));
    }
    return out;
  }

  private static List<TreeNode.Id> ids(long start, long end) {
    List<TreeNode.Id> ids = new ArrayList<>((int) (end - start));
    for (long k = start; k < end; k++) {
      ids.add(new TreeNode.Id(0, k));
    }
    return ids;
  }
}
