package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of the real server, the short version CI runs: a few {@link CrashTrial} rounds (kill
 * -9 under a mixed load, restart, check) on one data directory. {@link CrashSoak} runs the long
 * version.
 *
 * <p>{@code -Dwarden.crash.rounds=N} runs more rounds (default 4); {@code -Dwarden.crash.seed=S}
 * repeats a run's kill delays, request mix and samples (the seed is in every failure message; where
 * the kill lands also depends on timing).
 */
class CrashTest {
  @TempDir Path tmp;

  @Test
  void kill9_underLoad_nothingAnsweredIsLostAndNothingIsAcceptedTwice(TestReporter report)
      throws Exception {
    int rounds = Integer.getInteger("warden.crash.rounds", 4);
    long seed = Long.getLong("warden.crash.seed", new SecureRandom().nextLong());
    report.publishEntry("seed", Long.toString(seed));
    try (CrashTrial trial = CrashTrial.start(tmp, seed)) {
      for (int round = 1; round <= rounds; round++) {
        report.publishEntry("round " + round, trial.round());
      }
      assertThat(trial.answered())
          .as("seed %d: the rounds answered some requests before their kills", seed)
          .isNotEmpty();
    }
  }
}
