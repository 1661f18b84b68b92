package dev.warden.audit;

import dev.warden.crypto.Ed25519KeyPair;
import dev.warden.log.MerkleFrontier;
import dev.warden.log.MerkleHasher;
import dev.warden.note.Checkpoint;
import dev.warden.note.NoteSigner;
import dev.warden.store.LogHead;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import dev.warden.store.TreeNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A log in memory as an {@link AuditSource}, built the way GroupCommitLog writes one (entries,
 * every completed tree node, head, one signed checkpoint per batch), with mutations that damage it
 * as an attacker editing the database would.
 */
final class MemoryLog implements AuditSource {
  static final String ORIGIN = "audit.test/log";

  final NoteSigner signer;
  final List<Long> indexes = new ArrayList<>();
  final List<byte[]> entries = new ArrayList<>();
  final TreeMap<Long, String> checkpoints = new TreeMap<>();
  final Map<TreeNode.Id, byte[]> nodes = new HashMap<>();
  LogHead head = LogHead.EMPTY;
  boolean keepsNodes = true;

  MemoryLog(NoteSigner signer) {
    this.signer = signer;
  }

  static NoteSigner newSigner(long seed) {
    byte[] s = new byte[32];
    new SplittableRandom(seed).nextBytes(s);
    return new NoteSigner(ORIGIN, Ed25519KeyPair.fromSeed(s));
  }

  /** A log of {@code batches} batches of 1 to {@code maxBatch} entries, seeded. */
  static MemoryLog random(NoteSigner signer, long seed, int batches, int maxBatch) {
    SplittableRandom r = new SplittableRandom(seed);
    MemoryLog log = new MemoryLog(signer);
    for (int b = 0; b < batches; b++) {
      int n = 1 + r.nextInt(maxBatch);
      List<byte[]> batch = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        batch.add(entry(log.entries.size() + i, r.nextLong()));
      }
      log.append(batch);
    }
    return log;
  }

  static byte[] entry(long index, long nonce) {
    return ("{\"kind\":\"admin\",\"n\":"
            + index
            + ",\"nonce\":\""
            + Long.toHexString(nonce)
            + "\",\"ts\":\"2026-11-21T23:40:01.123Z\",\"v\":1}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Appends one batch and signs its checkpoint, as a group commit does. */
  void append(List<byte[]> batch) {
    MerkleFrontier f = MerkleFrontier.restore(head.size(), head.state());
    for (byte[] e : batch) {
      indexes.add(f.size());
      entries.add(e.clone());
      f.append(
          MerkleHasher.leafHash(e),
          (level, index, hash) -> nodes.put(new TreeNode.Id(level, index), hash));
    }
    head = new LogHead(f.size(), f.serialize());
    checkpoints.put(f.size(), sign(signer, f.size(), f.root()));
  }

  static String sign(NoteSigner signer, long size, byte[] root) {
    return signer.sign(new Checkpoint(signer.name(), size, root).body());
  }

  String latestCheckpoint() {
    return checkpoints.lastEntry().getValue();
  }

  // ---- damage, as a database edit would do it ----

  void modify(int i, byte[] bytes) {
    entries.set(i, bytes);
  }

  /** Removes entry i and moves the later ones down one index (and the head's size with them). */
  void delete(int i) {
    entries.remove(i);
    indexes.removeLast();
    head = new LogHead(head.size() - 1, head.state());
  }

  /** Removes the row at index i, leaving a gap. */
  void deleteRow(int i) {
    entries.remove(i);
    indexes.remove(i);
  }

  void insert(int i, byte[] bytes) {
    entries.add(i, bytes);
    indexes.add((long) indexes.size());
    head = new LogHead(head.size() + 1, head.state());
  }

  void swap(int i, int j) {
    byte[] t = entries.get(i);
    entries.set(i, entries.get(j));
    entries.set(j, t);
  }

  /** Keeps the first n entries; with {@code dropCheckpoints} also the checkpoints up to n. */
  void truncate(int n, boolean dropCheckpoints) {
    while (entries.size() > n) {
      entries.removeLast();
      indexes.removeLast();
    }
    MerkleFrontier f = MerkleFrontier.empty();
    entries.forEach(e -> f.append(MerkleHasher.leafHash(e)));
    head = new LogHead(n, f.serialize()); // a careful attacker fixes the head too
    if (dropCheckpoints) {
      checkpoints.tailMap((long) n, false).clear();
    }
  }

  /** Rewrites the stored leaf hashes (level 0) to match the entries as they are now. */
  void rewriteLeaves() {
    for (int k = 0; k < entries.size(); k++) {
      nodes.put(new TreeNode.Id(0, indexes.get(k)), MerkleHasher.leafHash(entries.get(k)));
    }
  }

  // ---- AuditSource ----

  @Override
  public long expectedSize() {
    return head.size();
  }

  @Override
  public List<StoredEntry> read(long start, long end) {
    List<StoredEntry> out = new ArrayList<>();
    for (int k = 0; k < entries.size(); k++) {
      long i = indexes.get(k);
      if (i >= start && i < end) {
        out.add(new StoredEntry(i, entries.get(k)));
      }
    }
    return out;
  }

  @Override
  public List<StoredCheckpoint> checkpoints(long fromSize, int limit) {
    List<StoredCheckpoint> out = new ArrayList<>();
    for (Map.Entry<Long, String> c : checkpoints.tailMap(fromSize, true).entrySet()) {
      if (out.size() == limit) {
        break;
      }
      out.add(new StoredCheckpoint(c.getKey(), c.getValue()));
    }
    return out;
  }

  @Override
  public boolean keepsTreeNodes() {
    return keepsNodes;
  }

  @Override
  public Map<TreeNode.Id, byte[]> storedNodes(List<TreeNode.Id> ids) {
    Map<TreeNode.Id, byte[]> out = new HashMap<>();
    if (keepsNodes) {
      for (TreeNode.Id id : ids) {
        byte[] h = nodes.get(id);
        if (h != null) {
          out.put(id, h);
        }
      }
    }
    return out;
  }

  @Override
  public Optional<LogHead> head() {
    return keepsNodes ? Optional.of(head) : Optional.empty();
  }
}
