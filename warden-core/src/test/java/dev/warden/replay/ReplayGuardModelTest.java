package dev.warden.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.log.MutableClock;
import dev.warden.store.NonceRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ReplayGuard} against a model: a map from (agent, nonce) to the expiry it was reserved
 * with, with time moved by hand across bucket boundaries. The guard's contract, as the model states
 * it:
 *
 * <ul>
 *   <li>a nonce that is live (expiry at or after now) is always refused;
 *   <li>a nonce never seen is always accepted;
 *   <li>a nonce whose expiry passed at least one bucket ({@value ReplayGuard#BUCKET_SECONDS} s) ago
 *       is forgotten: accepted again;
 *   <li>in between (expired, but less than a bucket ago) either answer is allowed: such a request
 *       is stale anyway, and the guard keeps whole buckets.
 * </ul>
 *
 * Reproduce a failure with {@code -Dwarden.seed=<the seed in its message>}.
 */
class ReplayGuardModelTest {
  private static final long SEED = Long.getLong("warden.seed", 0x4e_9ca1L);
  private static final Instant T0 = Instant.parse("2026-11-21T23:39:57.400Z");
  private static final String[] AGENTS = {"agent-a", "agent-b", "agent-c"};

  private record Key(String agent, String nonce) {}

  @Test
  void reserve_randomOperations_agreesWithExpiryMapModel() {
    int[] outcomes = new int[4]; // fresh accepted, live refused, forgotten accepted, grey zone
    for (int run = 0; run < 40; run++) {
      long seed = SEED + run;
      SplittableRandom random = new SplittableRandom(seed);
      MutableClock clock = new MutableClock(T0.plusMillis(random.nextInt(20_000)));
      ReplayGuard guard = new ReplayGuard(clock);
      Map<Key, Instant> model = new HashMap<>();

      // Warm from "the store": live and already-expired records.
      List<NonceRecord> warm = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        Key k = new Key(AGENTS[random.nextInt(AGENTS.length)], "warm-" + i);
        Instant exp = clock.instant().plusMillis(random.nextInt(-30_000, 40_000));
        warm.add(new NonceRecord(k.agent(), k.nonce(), exp));
        model.put(k, exp);
      }
      guard.warm(warm);

      for (int op = 0; op < 2_000; op++) {
        if (random.nextInt(4) == 0) {
          clock.advance(Duration.ofMillis(random.nextInt(0, 7_000)));
        }
        Instant now = clock.instant();
        Key k = new Key(AGENTS[random.nextInt(AGENTS.length)], nonce(random));
        Instant exp = now.plusMillis(random.nextInt(0, 40_000));
        Instant known = model.get(k);
        boolean accepted;
        try {
          guard.reserve(k.agent(), k.nonce(), exp);
          accepted = true;
        } catch (RequestRejected r) {
          assertThat(r.code()).isEqualTo(ErrorCode.REPLAY_NONCE_REUSED);
          accepted = false;
        }
        String where = "seed " + seed + " op " + op + " now " + now + " " + k + " known " + known;
        if (known == null) {
          assertThat(accepted).as("never seen: must be accepted; %s", where).isTrue();
          outcomes[0]++;
        } else if (!known.isBefore(now)) {
          assertThat(accepted).as("live: must be refused; %s", where).isFalse();
          outcomes[1]++;
        } else if (now.getEpochSecond() >= known.getEpochSecond() + ReplayGuard.BUCKET_SECONDS) {
          assertThat(accepted).as("expired a bucket ago: must be forgotten; %s", where).isTrue();
          outcomes[2]++;
        } else {
          outcomes[3]++;
        }
        if (accepted) {
          model.put(k, exp);
        }

        long live = model.values().stream().filter(e -> !e.isBefore(now)).count();
        long notForgotten =
            model.values().stream()
                .filter(e -> now.getEpochSecond() < e.getEpochSecond() + ReplayGuard.BUCKET_SECONDS)
                .count();
        long size = guard.size();
        if (size < live || size > notForgotten) {
          fail("size %d outside [%d, %d]; %s", size, live, notForgotten, where);
        }
      }
    }
    // Every branch of the contract was exercised, so agreement is not vacuous.
    for (int i = 0; i < outcomes.length; i++) {
      assertThat(outcomes[i])
          .as("outcome %d of %s", i, java.util.Arrays.toString(outcomes))
          .isGreaterThan(100);
    }
  }

  /** Mostly reused from a small pool, so that replays happen. */
  private static String nonce(SplittableRandom random) {
    return random.nextInt(10) == 0 ? "warm-" + random.nextInt(30) : "nonce-" + random.nextInt(60);
  }
}
