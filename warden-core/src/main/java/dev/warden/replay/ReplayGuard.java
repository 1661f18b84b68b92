package dev.warden.replay;

import dev.warden.crypto.Digests;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.store.NonceRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Accepts each (agent, nonce) once while a request carrying it could still be fresh. This is the
 * in-memory, atomic half of replay protection; the durable half is the nonce record written in the
 * same transaction as the request's log entry, from which {@link #warm} refills the guard at start,
 * so a restart does not reopen the window.
 *
 * <p>Nonces are kept as 64-bit truncated SHA-256 of {@code agent ‖ 0x00 ‖ nonce} in buckets by
 * expiry second (one bucket per {@link #BUCKET_SECONDS}); a bucket is dropped once all it holds has
 * expired. A false "reused" needs a 64-bit collision with a live nonce: negligible. Memory: ~16
 * bytes per live nonce.
 */
public final class ReplayGuard {
  static final long BUCKET_SECONDS = 10;

  private final Clock clock;
  private final TreeMap<Long, LongHashSet> buckets = new TreeMap<>(); // bucket -> hashes

  public ReplayGuard(Clock clock) {
    this.clock = clock;
  }

  /** Loads nonces that are still live, e.g. from {@code LogStore.liveNonces} at start. */
  public synchronized void warm(Iterable<NonceRecord> live) {
    for (NonceRecord r : live) {
      bucket(r.expiresAt()).add(hash(r.agentId(), r.nonce()));
    }
  }

  /**
   * Records the nonce, or refuses it if it was seen before and has not expired.
   *
   * @param expiresAt when a request carrying this nonce would be refused as stale anyway
   * @throws RequestRejected {@code replay.nonce_reused}
   */
  public synchronized void reserve(String agentId, String nonce, Instant expiresAt)
      throws RequestRejected {
    dropExpired();
    long h = hash(agentId, nonce);
    for (LongHashSet s : buckets.values()) {
      if (s.contains(h)) {
        throw new RequestRejected(
            ErrorCode.REPLAY_NONCE_REUSED,
            "this nonce was already used by agent "
                + agentId
                + "; sign every request, retries included, with a fresh nonce");
      }
    }
    bucket(expiresAt).add(h);
  }

  /** Number of nonces held (for metrics and tests). */
  public synchronized long size() {
    long n = 0;
    for (LongHashSet s : buckets.values()) {
      n += s.size();
    }
    return n;
  }

  private LongHashSet bucket(Instant expiresAt) {
    long b = Math.floorDiv(expiresAt.getEpochSecond(), BUCKET_SECONDS) + 1;
    return buckets.computeIfAbsent(b, k -> new LongHashSet());
  }

  private void dropExpired() {
    long current = Math.floorDiv(clock.instant().getEpochSecond(), BUCKET_SECONDS);
    Iterator<Map.Entry<Long, LongHashSet>> it = buckets.entrySet().iterator();
    // Bucket b holds nonces expiring before b * BUCKET_SECONDS; all gone once current >= b.
    while (it.hasNext() && it.next().getKey() <= current) {
      it.remove();
    }
  }

  static long hash(String agentId, String nonce) {
    byte[] d =
        Digests.sha256(
            agentId.getBytes(StandardCharsets.UTF_8),
            new byte[] {0},
            nonce.getBytes(StandardCharsets.UTF_8));
    long v = ByteBuffer.wrap(d).getLong();
    return v == 0 ? 1 : v;
  }
}
