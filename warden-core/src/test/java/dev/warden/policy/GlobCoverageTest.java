package dev.warden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Glob#covers} and {@link Glob#disjoint} are sound: checked on strings generated from the
 * inner glob. Reproduce a failure with {@code -Dwarden.seed=<the seed>}.
 */
class GlobCoverageTest {

  private static final long SEED = Long.getLong("warden.seed", 0xc0feL);
  private static final String[] PIECES = {"a", "b", "ab", ".", "/", "é"};

  @Test
  void coversAndDisjoint_randomGlobs_neverContradictedByAnInstance() {
    SplittableRandom random = new SplittableRandom(SEED);
    int covered = 0;
    int disjoint = 0;
    for (int pair = 0; pair < 20_000; pair++) {
      Glob a = Glob.compile(glob(random));
      Glob b = Glob.compile(glob(random));
      boolean covers = a.covers(b);
      boolean apart = a.disjoint(b);
      assertThat(covers && apart).as("seed %d: %s and %s", SEED, a, b).isFalse();
      covered += covers ? 1 : 0;
      disjoint += apart ? 1 : 0;
      for (int k = 0; k < 20; k++) {
        String s = instance(b.pattern(), random);
        assertThat(b.matches(s)).as("generator: %s from %s", s, b).isTrue();
        if (covers) {
          assertThat(a.matches(s)).as("seed %d: %s covers %s but not %s", SEED, a, b, s).isTrue();
        }
        if (apart) {
          assertThat(a.matches(s))
              .as("seed %d: %s disjoint %s but matches %s", SEED, a, b, s)
              .isFalse();
        }
      }
    }
    assertThat(covered).isGreaterThan(1_000);
    assertThat(disjoint).isGreaterThan(1_000);
  }

  @Test
  void covers_simpleCases_asDocumented() {
    assertThat(Glob.compile("*").covers(Glob.compile("a?b*"))).isTrue();
    assertThat(Glob.compile("pay.*").covers(Glob.compile("pay.x*y"))).isTrue();
    assertThat(Glob.compile("*.read").covers(Glob.compile("files*.read"))).isTrue();
    assertThat(Glob.compile("a*b").covers(Glob.compile("axb"))).isTrue();
    assertThat(Glob.compile("a*b").covers(Glob.compile("a*xb"))).isFalse(); // true, not proved
    assertThat(Glob.compile("pay.x").covers(Glob.compile("pay.*"))).isFalse();
  }

  private static String glob(SplittableRandom random) {
    StringBuilder glob = new StringBuilder();
    for (int i = random.nextInt(1, 5); i > 0; i--) {
      int kind = random.nextInt(6);
      if (kind == 0 && (glob.isEmpty() || glob.charAt(glob.length() - 1) != '*')) {
        glob.append('*');
      } else if (kind == 1) {
        glob.append('?');
      } else {
        glob.append(PIECES[random.nextInt(PIECES.length)]);
      }
    }
    return glob.toString();
  }

  /** A string {@code pattern} matches: each star becomes 0 to 3 pieces, each ? one character. */
  private static String instance(String pattern, SplittableRandom random) {
    StringBuilder s = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      if (c == '*') {
        for (int i = random.nextInt(4); i > 0; i--) {
          s.append(PIECES[random.nextInt(PIECES.length)]);
        }
      } else if (c == '?') {
        s.append("ab./".charAt(random.nextInt(4)));
      } else {
        s.append(c);
      }
    }
    return s.toString();
  }
}
