package dev.warden.store.bench;

import dev.warden.log.MerkleFrontier;
import dev.warden.log.MerkleHasher;
import dev.warden.log.MerkleProofs;
import dev.warden.log.NodeSource;
import dev.warden.store.LogHead;
import dev.warden.store.SealedBatch;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import dev.warden.store.TreeNode;
import dev.warden.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Measures inclusion-proof generation against a real SQLite log of N entries (default 10^7): builds
 * the log in batches of 10,000 (small entries, every tree node stored, a checkpoint per batch),
 * then times proofs for random leaves against the full tree. Not a test: run it by hand (README,
 * "Benchmarks"). Arguments: [entries] [proofs] [directory].
 */
public final class ProofBench {
  private ProofBench() {}

  public static void main(String[] args) throws Exception {
    long n = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    int proofs = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    Path dir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("warden-proof-bench");
    try (SqliteStore store = SqliteStore.open(dir.resolve("bench.db"), Clock.systemUTC())) {
      long t0 = System.nanoTime();
      long before = store.log().head().size();
      while (store.log().head().size() < n) {
        store.log().append(h -> batch(h, (int) Math.min(10_000, n - h.size())));
      }
      double build = (System.nanoTime() - t0) / 1e9;
      if (before < n) {
        System.out.printf(
            "built %,d entries in %.1f s (%,.0f entries/s)%n",
            n - before, build, (n - before) / build);
      }

      SplittableRandom r = new SplittableRandom(42);
      long[] times = new long[proofs];
      for (int i = 0; i < proofs; i++) {
        long index = r.nextLong(n);
        long s = System.nanoTime();
        List<TreeNode> nodes = store.log().nodes(MerkleProofs.inclusionNodes(index, n));
        List<byte[]> proof = MerkleProofs.inclusion(index, n, NodeSource.of(nodes));
        times[i] = System.nanoTime() - s;
        if (proof.isEmpty()) {
          throw new IllegalStateException("empty proof");
        }
      }
      Arrays.sort(times);
      System.out.printf(
          "inclusion proof at %,d entries: p50 %.3f ms, p99 %.3f ms, max %.3f ms (%d proofs)%n",
          n,
          times[proofs / 2] / 1e6,
          times[proofs * 99 / 100] / 1e6,
          times[proofs - 1] / 1e6,
          proofs);
    }
  }

  private static SealedBatch batch(LogHead head, int count) {
    MerkleFrontier f = MerkleFrontier.restore(head.size(), head.state());
    List<StoredEntry> entries = new ArrayList<>(count);
    List<TreeNode> nodes = new ArrayList<>(count * 2);
    for (int i = 0; i < count; i++) {
      long index = f.size();
      byte[] e = ("{\"i\":" + index + "}").getBytes(StandardCharsets.UTF_8);
      f.append(
          MerkleHasher.leafHash(e),
          (level, idx, hash) -> nodes.add(new TreeNode(level, idx, hash)));
      entries.add(new StoredEntry(index, e));
    }
    return new SealedBatch(
        new LogHead(f.size(), f.serialize()),
        entries,
        List.of(),
        List.of(),
        List.of(),
        nodes,
        new StoredCheckpoint(f.size(), "bench\n"));
  }
}
