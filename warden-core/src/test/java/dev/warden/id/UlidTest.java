package dev.warden.id;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@link Ulid}: the ULID spec's format, time prefix, monotonicity and uniqueness. */
class UlidTest {
  private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final Instant T = Instant.parse("2026-11-21T23:40:01.123Z");

  @Test
  void next_anyId_is26CrockfordCharactersMatchingPattern() {
    Ulid ids = new Ulid(new HandClock(T), new SecureRandom());
    for (int i = 0; i < 1_000; i++) {
      String id = ids.next();
      assertThat(id).hasSize(26).matches(Ulid.PATTERN);
      assertThat(Ulid.isValid(id)).isTrue();
      for (char c : id.toCharArray()) {
        assertThat(CROCKFORD.indexOf(c)).as("%s in %s", c, id).isNotNegative();
      }
    }
  }

  @Test
  void next_timePrefix_decodesToClockMillis() {
    HandClock clock = new HandClock(T);
    Ulid ids = new Ulid(clock, new SecureRandom());
    for (long millis :
        new long[] {
          T.toEpochMilli(),
          0,
          1,
          (1L << 48) - 1,
          Instant.parse("1999-12-31T23:59:59.999Z").toEpochMilli()
        }) {
      clock.set(Instant.ofEpochMilli(millis));
      Ulid fresh = new Ulid(clock, new SecureRandom());
      assertThat(decodeMillis(fresh.next())).as("millis %d", millis).isEqualTo(millis);
    }
    clock.set(T);
    assertThat(decodeMillis(ids.next())).isEqualTo(T.toEpochMilli());
  }

  @Test
  void encode_knownValues_matchSpecLayout() {
    // 48-bit time, then 80 random bits, big-endian, 5 bits per character, 2 leading pad bits.
    assertThat(Ulid.encode(0, 0, 0)).isEqualTo("0".repeat(26));
    assertThat(Ulid.encode((1L << 48) - 1, 0xFFFF, -1)).isEqualTo("7" + "Z".repeat(25));
    assertThat(Ulid.encode(0, 0, 1)).isEqualTo("0".repeat(25) + "1");
    assertThat(Ulid.encode(0, 1, 0)).isEqualTo("0".repeat(13) + "G" + "0".repeat(12));
    assertThat(Ulid.encode(1, 0, 0)).isEqualTo("0".repeat(9) + "1" + "0".repeat(16));
    // The spec's example time prefix: 1469918176385 ms = 01ARYZ6S41.
    assertThat(Ulid.encode(1469918176385L, 0, 0)).startsWith("01ARYZ6S41");
  }

  @Test
  void next_manyInOneMillisecond_strictlyIncreasing() {
    Ulid ids = new Ulid(new HandClock(T), new SecureRandom());
    String previous = ids.next();
    for (int i = 0; i < 10_000; i++) {
      String id = ids.next();
      assertThat(id).as("id %d", i).isGreaterThan(previous);
      assertThat(decodeMillis(id)).isEqualTo(T.toEpochMilli());
      previous = id;
    }
  }

  @Test
  void next_clockGoesBackwards_stillStrictlyIncreasingWithLastTime() {
    HandClock clock = new HandClock(T);
    Ulid ids = new Ulid(clock, new SecureRandom());
    String before = ids.next();
    clock.advance(Duration.ofSeconds(-5));
    String after = ids.next();

    assertThat(after).isGreaterThan(before);
    assertThat(decodeMillis(after)).isEqualTo(T.toEpochMilli());

    clock.set(T.plusMillis(1));
    String later = ids.next();
    assertThat(later).isGreaterThan(after);
    assertThat(decodeMillis(later)).isEqualTo(T.toEpochMilli() + 1);
  }

  @Test
  void next_randomPartOverflowsWithinMillisecond_carriesIntoTimeAndStaysIncreasing() {
    Ulid ids = new Ulid(new HandClock(T), new MaxRandom());
    String max = ids.next();
    assertThat(max).endsWith("ZZZZZZZZZZZZZZZZ"); // 80 random bits all ones
    String next = ids.next();

    assertThat(next).isGreaterThan(max).matches(Ulid.PATTERN);
    assertThat(decodeMillis(next)).isEqualTo(T.toEpochMilli() + 1);
    assertThat(next.substring(10)).isEqualTo("0".repeat(16));
  }

  @Test
  void next_manyThreads_allIdsUnique() throws Exception {
    Ulid ids = new Ulid(Clock.systemUTC(), new SecureRandom());
    Set<String> seen = ConcurrentHashMap.newKeySet();
    int threads = 16;
    int perThread = 5_000;
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  List<String> mine = new ArrayList<>(perThread);
                  for (int i = 0; i < perThread; i++) {
                    mine.add(ids.next());
                  }
                  return mine;
                }));
      }
      for (Future<List<String>> r : results) {
        List<String> mine = r.get();
        // One generator: each thread sees its own ids in increasing order.
        for (int i = 1; i < mine.size(); i++) {
          assertThat(mine.get(i)).isGreaterThan(mine.get(i - 1));
        }
        seen.addAll(mine);
      }
    }
    assertThat(seen).hasSize(threads * perThread);
  }

  @Test
  void isValid_badStrings_false() {
    Set<String> bad = new HashSet<>();
    bad.add("");
    bad.add("0".repeat(25));
    bad.add("0".repeat(27));
    bad.add("8" + "0".repeat(25)); // more than 128 bits
    bad.add("0".repeat(25) + "I"); // I, L, O, U are not Crockford digits
    bad.add("0".repeat(25) + "L");
    bad.add("0".repeat(25) + "O");
    bad.add("0".repeat(25) + "U");
    bad.add("0".repeat(25) + "a"); // lower case is not what Warden writes
    for (String s : bad) {
      assertThat(Ulid.isValid(s)).as("'%s'", s).isFalse();
    }
  }

  private static long decodeMillis(String id) {
    long v = 0;
    for (int i = 0; i < 10; i++) {
      v = v * 32 + CROCKFORD.indexOf(id.charAt(i));
    }
    return v;
  }

  /** Returns all ones, so the first id's random part is at its maximum. */
  private static final class MaxRandom extends SecureRandom {
    @Override
    public int nextInt() {
      return -1;
    }

    @Override
    public long nextLong() {
      return -1L;
    }
  }

  private static final class HandClock extends Clock {
    private Instant now;

    HandClock(Instant now) {
      this.now = now;
    }

    void set(Instant t) {
      now = t;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
