package dev.warden.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The crash soak (issue 9): {@code TRIALS} {@link CrashTrial} rounds, each a SIGKILL of a loaded
 * server and a restart with every check of {@link CrashTest}, on one data directory; a failed trial
 * is reported with its seed and the soak goes on with a fresh directory. Prints a line per trial
 * and then {@code trials: N, failures: F, seed: S}; exits 1 if any trial failed. The command is in
 * the README ("Crash soak").
 *
 * <p>Arguments: {@code TRIALS [SEED [DIR]]}.
 */
public final class CrashSoak {
  private CrashSoak() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 3) {
      System.err.println("usage: CrashSoak TRIALS [SEED [DIR]]");
      System.exit(2);
    }
    int trials = Integer.parseInt(args[0]);
    long seed = args.length > 1 ? Long.parseLong(args[1]) : new SecureRandom().nextLong();
    Path dir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("warden-crash-soak-");
    long start = System.nanoTime();
    int failures = 0;
    int fresh = 0;
    AtomicReference<CrashTrial> current = new AtomicReference<>();
    // Interrupted (Ctrl-C, SIGTERM): no child server outlives the soak.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  CrashTrial t = current.get();
                  if (t != null) {
                    try {
                      t.close();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                }));
    CrashTrial trial = null;
    try {
      for (int i = 1; i <= trials; i++) {
        try {
          if (trial == null) {
            long s = seed + fresh;
            trial = CrashTrial.start(Files.createDirectories(dir.resolve("run-" + fresh++)), s);
            current.set(trial);
          }
          System.out.printf("trial %d (seed %d): %s%n", i, trial.seed(), trial.round());
        } catch (AssertionError | Exception e) {
          failures++;
          System.out.printf("trial %d FAILED: %s%n", i, e);
          if (trial != null) {
            trial.close();
            trial = null; // go on with a fresh data directory
          }
        }
      }
    } finally {
      if (trial != null) {
        trial.close();
      }
    }
    System.out.printf(
        "trials: %d, failures: %d, seed: %d, %d s, directory %s%n",
        trials, failures, seed, (System.nanoTime() - start) / 1_000_000_000, dir);
    System.exit(failures == 0 ? 0 : 1);
  }
}
