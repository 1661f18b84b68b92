package dev.warden.ratelimit;

import dev.warden.policy.RateLimitRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Token buckets for the rate limits of a policy (SPEC §6), in memory, thread-safe.
 *
 * <p>{@link #acquire} takes one token from every bucket that applies to a request, or from none:
 * when any is empty the request is {@linkplain Decision.Limited limited} and no bucket is charged.
 * There is one bucket per rule definition and subject: a rule is identified by its whole value (id,
 * scope, capacity, refill), so a new policy that keeps a rule unchanged keeps its buckets, and a
 * rule whose definition changed starts with full buckets. Buckets of rules no longer in use are
 * dropped once they have refilled, or evicted.
 *
 * <p>Memory is bounded: at most {@code maxBuckets} buckets live at once. A bucket that has refilled
 * to capacity is the same as no bucket and is dropped when seen: each allowed call checks the least
 * recently used bucket of the stripes it locked, and a new bucket that finds no room first drops
 * the full ones among the {@value #EVICTION_SCAN} least recently used. Only if none of those is
 * full is the least recently used bucket evicted although it is not full. That favors the evicted
 * subject, which starts again with a full bucket; it is acceptable because it only happens when
 * more than {@code maxBuckets} subjects are under way at once, the evicted subject is the one idle
 * longest, subjects are authenticated agents, tenants and operator tokens (not free to mint), a
 * tenant's bucket is touched by all its agents' calls and so is among the last to go, and the gain
 * is at most one bucket's capacity per eviction.
 *
 * <p>Buckets are kept in lock stripes by a hash of (rule, subject); the bound is divided among the
 * stripes, so eviction may begin somewhat before {@code maxBuckets} when subjects hash unevenly. A
 * call locks the stripes of its buckets in ascending order (so two calls cannot deadlock) and holds
 * them while it checks and charges all of its buckets, which makes the all-or-nothing atomic.
 *
 * <p>Time comes from the injected {@link Ticker}. State is per process: replicas sharing a database
 * each keep their own buckets.
 */
public final class RateLimiter {

  /** The default bound on live buckets: about 20 MB, at roughly 200 bytes a bucket. */
  public static final int DEFAULT_MAX_BUCKETS = 100_000;

  /** How many of a stripe's least recently used buckets are checked for being full. */
  static final int EVICTION_SCAN = 8;

  private static final int STRIPES = 16;

  private final Ticker ticker;
  private final Stripe[] stripes;

  /** A limiter holding at most {@link #DEFAULT_MAX_BUCKETS} buckets. */
  public RateLimiter(Ticker ticker) {
    this(ticker, DEFAULT_MAX_BUCKETS);
  }

  /**
   * A limiter holding at most {@code maxBuckets} buckets.
   *
   * @throws IllegalArgumentException if {@code maxBuckets} is less than 1
   */
  public RateLimiter(Ticker ticker, int maxBuckets) {
    this(ticker, maxBuckets, maxBuckets >= 64 * STRIPES ? STRIPES : 1);
  }

  /** With {@code stripeCount} stripes, a power of two no greater than {@code maxBuckets}. */
  RateLimiter(Ticker ticker, int maxBuckets, int stripeCount) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    if (maxBuckets < 1) {
      throw new IllegalArgumentException("maxBuckets is at least 1: " + maxBuckets);
    }
    if (stripeCount < 1 || Integer.bitCount(stripeCount) != 1 || stripeCount > maxBuckets) {
      throw new IllegalArgumentException(
          "stripes must be a power of two from 1 to maxBuckets: " + stripeCount);
    }
    this.stripes = new Stripe[stripeCount];
    for (int i = 0; i < stripeCount; i++) {
      // The shares add up to exactly maxBuckets.
      stripes[i] = new Stripe(maxBuckets / stripeCount + (i < maxBuckets % stripeCount ? 1 : 0));
    }
  }

  /**
   * Takes one token from the bucket of each rule in {@code rules} whose scope has a subject in
   * {@code subjects}, or, if any of those buckets is empty, from none. Rules without a subject are
   * skipped; the same rule listed twice counts once.
   *
   * @return {@link Decision.Allowed} with the buckets after the tokens were taken (no buckets when
   *     no rule applied), or {@link Decision.Limited} naming the empty bucket that refills last
   */
  public Decision acquire(List<RateLimitRule> rules, Subjects subjects) {
    Key[] keys = keys(rules, subjects);
    if (keys.length == 0) {
      return new Decision.Allowed(List.of());
    }
    int[] locked = stripesOf(keys);
    for (int s : locked) {
      stripes[s].lock.lock();
    }
    try {
      return acquireLocked(keys, locked, ticker.read());
    } finally {
      for (int i = locked.length - 1; i >= 0; i--) {
        stripes[locked[i]].lock.unlock();
      }
    }
  }

  /**
   * The buckets {@link #acquire} would use, as they are now, taking no token and creating no
   * bucket: for the headers of answers refused before tokens are taken.
   */
  public List<BucketState> peek(List<RateLimitRule> rules, Subjects subjects) {
    Key[] keys = keys(rules, subjects);
    if (keys.length == 0) {
      return List.of();
    }
    int[] locked = stripesOf(keys);
    for (int s : locked) {
      stripes[s].lock.lock();
    }
    try {
      long now = ticker.read();
      @Nullable TokenBucket[] buckets = new TokenBucket[keys.length];
      for (int i = 0; i < keys.length; i++) {
        TokenBucket bucket = stripe(keys[i]).buckets.get(keys[i]);
        if (bucket != null) {
          bucket.refill(now);
        }
        buckets[i] = bucket;
      }
      return states(keys, buckets);
    } finally {
      for (int i = locked.length - 1; i >= 0; i--) {
        stripes[locked[i]].lock.unlock();
      }
    }
  }

  /** The number of live buckets; each stripe is counted under its lock, not all at one instant. */
  public int size() {
    int n = 0;
    for (Stripe s : stripes) {
      s.lock.lock();
      try {
        n += s.buckets.size();
      } finally {
        s.lock.unlock();
      }
    }
    return n;
  }

  private Decision acquireLocked(Key[] keys, int[] locked, long now) {
    @Nullable TokenBucket[] buckets = new TokenBucket[keys.length];
    @Nullable RateLimitRule limiting = null;
    long retryAfter = 0;
    for (int i = 0; i < keys.length; i++) {
      // A bucket not kept is full; it is created only when a token is taken from it, so refused
      // requests do not fill the table.
      TokenBucket bucket = stripe(keys[i]).buckets.get(keys[i]);
      if (bucket != null) {
        bucket.refill(now);
        if (bucket.tokens() == 0) {
          long wait = bucket.secondsUntilToken();
          if (limiting == null || wait > retryAfter) {
            limiting = keys[i].rule();
            retryAfter = wait;
          }
        }
      }
      buckets[i] = bucket;
    }
    if (limiting != null) {
      return new Decision.Limited(limiting, retryAfter, states(keys, buckets));
    }
    for (int i = 0; i < keys.length; i++) {
      TokenBucket bucket = buckets[i];
      if (bucket == null) {
        bucket = new TokenBucket(keys[i].rule(), now);
        stripe(keys[i]).insert(keys[i], bucket, now);
        buckets[i] = bucket;
      }
      bucket.take();
    }
    for (int s : locked) {
      stripes[s].dropEldestIfFull(now);
    }
    return new Decision.Allowed(states(keys, buckets));
  }

  private static List<BucketState> states(Key[] keys, @Nullable TokenBucket[] buckets) {
    List<BucketState> states = new ArrayList<>(keys.length);
    for (int i = 0; i < keys.length; i++) {
      RateLimitRule rule = keys[i].rule();
      TokenBucket bucket = buckets[i];
      states.add(bucket == null ? new BucketState(rule, rule.capacity(), 0) : bucket.state(rule));
    }
    return states;
  }

  private static Key[] keys(List<RateLimitRule> rules, Subjects subjects) {
    Key[] keys = new Key[rules.size()];
    int n = 0;
    for (RateLimitRule rule : rules) {
      String subject = subjects.of(rule.scope());
      if (subject == null) {
        continue;
      }
      Key key = new Key(rule, subject);
      if (indexOf(keys, n, key) < 0) {
        keys[n++] = key;
      }
    }
    return n == keys.length ? keys : Arrays.copyOf(keys, n);
  }

  private static int indexOf(Key[] keys, int n, Key key) {
    for (int i = 0; i < n; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /** The distinct stripes of {@code keys}, ascending: the order they are locked in. */
  private int[] stripesOf(Key[] keys) {
    int[] sorted = new int[keys.length];
    int n = 0;
    for (Key key : keys) {
      // Insertion into a sorted prefix: a request has a handful of rules at most.
      int s = stripeIndex(key);
      int at = n;
      while (at > 0 && sorted[at - 1] > s) {
        at--;
      }
      if (at > 0 && sorted[at - 1] == s) {
        continue;
      }
      System.arraycopy(sorted, at, sorted, at + 1, n - at);
      sorted[at] = s;
      n++;
    }
    return n == sorted.length ? sorted : Arrays.copyOf(sorted, n);
  }

  private Stripe stripe(Key key) {
    return stripes[stripeIndex(key)];
  }

  private int stripeIndex(Key key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (stripes.length - 1);
  }

  /** A bucket's identity: the whole rule definition and the subject. */
  private record Key(RateLimitRule rule, String subject) {}

  /** Buckets in least-recently-used order, guarded by {@link #lock}. */
  private static final class Stripe {
    final ReentrantLock lock = new ReentrantLock();
    final LinkedHashMap<Key, TokenBucket> buckets = new LinkedHashMap<>(16, 0.75f, true);
    final int capacity;

    Stripe(int capacity) {
      this.capacity = capacity;
    }

    void insert(Key key, TokenBucket bucket, long now) {
      if (buckets.size() >= capacity) {
        makeRoom(now);
      }
      buckets.put(key, bucket);
    }

    /** Drops the full buckets among the least recently used few, or else evicts the eldest. */
    private void makeRoom(long now) {
      boolean dropped = false;
      Iterator<TokenBucket> eldest = buckets.values().iterator();
      for (int i = 0; i < EVICTION_SCAN && eldest.hasNext(); i++) {
        TokenBucket bucket = eldest.next();
        bucket.refill(now);
        if (bucket.isFull()) {
          eldest.remove();
          dropped = true;
        }
      }
      if (!dropped) {
        eldest = buckets.values().iterator();
        eldest.next();
        eldest.remove();
      }
    }

    /** Drops the least recently used bucket if it has refilled: it is the same as no bucket. */
    void dropEldestIfFull(long now) {
      Iterator<TokenBucket> eldest = buckets.values().iterator();
      if (eldest.hasNext()) {
        TokenBucket bucket = eldest.next();
        bucket.refill(now);
        if (bucket.isFull()) {
          eldest.remove();
        }
      }
    }
  }
}
