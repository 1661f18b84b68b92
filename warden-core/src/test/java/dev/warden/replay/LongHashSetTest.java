package dev.warden.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link LongHashSet} against {@link HashSet}. Reproduce a failure with {@code -Dwarden.seed=<the
 * seed in its message>}.
 */
class LongHashSetTest {
  private static final long SEED = Long.getLong("warden.seed", 0x10_65e7L);

  @Test
  void addAndContains_randomValuesThroughSeveralGrowths_agreeWithHashSet() {
    for (int run = 0; run < 10; run++) {
      long seed = SEED + run;
      SplittableRandom random = new SplittableRandom(seed);
      LongHashSet set = new LongHashSet();
      Set<Long> model = new HashSet<>();
      int ops = 20_000 + random.nextInt(20_000); // far past the initial 1,024 slots
      for (int op = 0; op < ops; op++) {
        long v = value(random);
        boolean expected = model.add(v);
        assertThat(set.add(v)).as("seed %d op %d add %d", seed, op, v).isEqualTo(expected);
        assertThat(set.size()).as("seed %d op %d", seed, op).isEqualTo(model.size());
        long probe = value(random);
        assertThat(set.contains(probe))
            .as("seed %d op %d contains %d", seed, op, probe)
            .isEqualTo(model.contains(probe));
      }
      for (long v : model) {
        assertThat(set.contains(v)).as("seed %d: lost %d after growth", seed, v).isTrue();
      }
    }
  }

  @Test
  void add_valuesCollidingInLowBits_allKept() {
    LongHashSet set = new LongHashSet();
    // Multiples of a large power of two share their low bits; mix() must spread them.
    for (long i = 1; i <= 5_000; i++) {
      assertThat(set.add(i << 40)).isTrue();
    }
    for (long i = 1; i <= 5_000; i++) {
      assertThat(set.contains(i << 40)).as("value %d", i << 40).isTrue();
      assertThat(set.contains((i << 40) + 1)).isFalse();
    }
    assertThat(set.size()).isEqualTo(5_000);
  }

  @Test
  void add_extremeValues_keptAndFound() {
    LongHashSet set = new LongHashSet();
    for (long v : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, -1, 1}) {
      assertThat(set.add(v)).isTrue();
      assertThat(set.add(v)).isFalse();
      assertThat(set.contains(v)).isTrue();
    }
    assertThat(set.size()).isEqualTo(4);
    assertThat(set.contains(2)).isFalse();
  }

  /** Non-zero; from a small pool half the time, so that duplicates are common. */
  private static long value(SplittableRandom random) {
    long v = random.nextBoolean() ? random.nextLong(1, 5_000) : random.nextLong();
    return v == 0 ? 1 : v;
  }
}
