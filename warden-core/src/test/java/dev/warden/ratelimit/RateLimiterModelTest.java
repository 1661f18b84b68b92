package dev.warden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.policy.RateLimitRule;
import dev.warden.policy.Scope;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link RateLimiter} against a sequential model in exact rationals: a bucket's level is kept in
 * units of 1/P of a token (P the refill period in nanoseconds) as a {@link BigInteger}, so each
 * nanosecond adds exactly R units, capped at C·P. A bucket never charged, or refilled to capacity,
 * is full. The table is large enough that nothing is evicted, so every answer must match exactly.
 *
 * <p>Reproduce a failure with {@code -Dwarden.seed=<the seed in its message>}.
 */
class RateLimiterModelTest {
  private static final long SEED = Long.getLong("warden.seed", 0x7a7e_11L);
  private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

  private static final List<RateLimitRule> RULES =
      List.of(
          new RateLimitRule("agent-burst", Scope.AGENT, 3, 1, Duration.ofSeconds(1)),
          new RateLimitRule("agent-minute", Scope.AGENT, 10, 7, Duration.ofMinutes(1)),
          new RateLimitRule("tenant-rate", Scope.TENANT, 5, 3, Duration.ofSeconds(1)),
          new RateLimitRule("tenant-hour", Scope.TENANT, 20, 13, Duration.ofHours(1)),
          new RateLimitRule("operator", Scope.OPERATOR, 2, 1, Duration.ofSeconds(1)),
          new RateLimitRule("agent-odd", Scope.AGENT, 4, 1_000_000_007L, Duration.ofMinutes(1)));

  private static final List<Subjects> SUBJECTS =
      List.of(
          Subjects.agent("a", "x"),
          Subjects.agent("b", "x"),
          Subjects.agent("c", "y"),
          Subjects.operator("tok-1"),
          new Subjects("d", "y", "tok-2"));

  private record Key(RateLimitRule rule, String subject) {}

  /** Level in units of 1/P token as of {@code at} nanoseconds after the start. */
  private static final class Level {
    BigInteger units;
    long at;

    Level(BigInteger units, long at) {
      this.units = units;
      this.at = at;
    }
  }

  @Test
  void acquire_randomOperations_agreesWithExactModel() {
    int[] outcomes = new int[2];
    for (int run = 0; run < 30; run++) {
      long seed = SEED + run;
      SplittableRandom random = new SplittableRandom(seed);
      long start = random.nextLong();
      FakeTicker ticker = new FakeTicker(start);
      RateLimiter limiter = new RateLimiter(ticker, 10_000, 1 << random.nextInt(5));
      Map<Key, Level> model = new HashMap<>();
      long now = 0;

      for (int op = 0; op < 2_000; op++) {
        // Mostly no time at all, so that buckets run dry; now and then long enough to refill.
        int dice = random.nextInt(1_000);
        long step =
            dice < 2
                ? random.nextLong(1, 7_200_000_000_000L)
                : dice < 20
                    ? random.nextLong(1, 5_000_000_000L)
                    : dice < 300 ? random.nextLong(1, 50_000_000L) : 0;
        ticker.advanceNanos(step);
        now += step;
        List<RateLimitRule> rules = new ArrayList<>();
        int n = random.nextInt(1, 4);
        for (int i = 0; i < n; i++) {
          rules.add(RULES.get(random.nextInt(RULES.size())));
        }
        Subjects subjects = SUBJECTS.get(random.nextInt(SUBJECTS.size()));

        Decision expected = model(model, rules, subjects, now);
        Decision actual = limiter.acquire(rules, subjects);

        assertThat(actual)
            .as("seed %d op %d at %d ns: %s for %s", seed, op, now, rules, subjects)
            .isEqualTo(expected);
        if (!actual.buckets().isEmpty()) {
          outcomes[actual instanceof Decision.Allowed ? 0 : 1]++;
        }
      }
    }
    // The operations must exercise both answers for the comparison to mean something.
    assertThat(outcomes[0]).isGreaterThan(10_000);
    assertThat(outcomes[1]).isGreaterThan(10_000);
  }

  private static Decision model(
      Map<Key, Level> model, List<RateLimitRule> rules, Subjects subjects, long now) {
    List<Key> keys = new ArrayList<>();
    for (RateLimitRule rule : rules) {
      String subject = subjects.of(rule.scope());
      if (subject != null && !keys.contains(new Key(rule, subject))) {
        keys.add(new Key(rule, subject));
      }
    }
    List<BigInteger> levels = new ArrayList<>();
    RateLimitRule limiting = null;
    long retryAfter = 0;
    for (Key key : keys) {
      BigInteger level = levelAt(model, key, now);
      levels.add(level);
      BigInteger perToken = period(key.rule());
      if (level.compareTo(perToken) < 0) {
        // Nanoseconds until one token, as seconds rounded up, and at least 1.
        long wait =
            Math.max(
                1,
                ceilDiv(
                        perToken.subtract(level),
                        BigInteger.valueOf(key.rule().refillTokens()).multiply(NANOS_PER_SECOND))
                    .longValueExact());
        if (limiting == null || wait > retryAfter) {
          limiting = key.rule();
          retryAfter = wait;
        }
      }
    }
    if (limiting == null) {
      for (int i = 0; i < keys.size(); i++) {
        BigInteger after = levels.get(i).subtract(period(keys.get(i).rule()));
        levels.set(i, after);
        model.put(keys.get(i), new Level(after, now));
      }
    }
    List<BucketState> states = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      RateLimitRule rule = keys.get(i).rule();
      BigInteger level = levels.get(i);
      BigInteger missing = full(rule).subtract(level);
      long untilFull =
          ceilDiv(missing, BigInteger.valueOf(rule.refillTokens()).multiply(NANOS_PER_SECOND))
              .longValueExact();
      states.add(new BucketState(rule, level.divide(period(rule)).longValueExact(), untilFull));
    }
    return limiting == null
        ? new Decision.Allowed(states)
        : new Decision.Limited(limiting, retryAfter, states);
  }

  private static BigInteger levelAt(Map<Key, Level> model, Key key, long now) {
    Level level = model.get(key);
    if (level == null) {
      return full(key.rule());
    }
    BigInteger refilled =
        level.units.add(
            BigInteger.valueOf(now - level.at)
                .multiply(BigInteger.valueOf(key.rule().refillTokens())));
    return refilled.min(full(key.rule()));
  }

  private static BigInteger period(RateLimitRule rule) {
    return BigInteger.valueOf(rule.refillPeriod().toNanos());
  }

  private static BigInteger full(RateLimitRule rule) {
    return BigInteger.valueOf(rule.capacity()).multiply(period(rule));
  }

  private static BigInteger ceilDiv(BigInteger a, BigInteger b) {
    return a.add(b).subtract(BigInteger.ONE).divide(b);
  }
}
