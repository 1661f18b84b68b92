package dev.warden.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.policy.BudgetRule;
import dev.warden.policy.Glob;
import dev.warden.policy.Match;
import dev.warden.policy.Scope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Settlements}: queued commits reach the store, in batches, and survive a failed flush. */
class SettlementsTest {
  private static final Instant NOW = Instant.parse("2026-11-22T15:00:00Z");
  private static final BudgetRule QUOTA =
      new BudgetRule(
          "q",
          new Match(
              List.of(Glob.compile("*")),
              List.of(Glob.compile("*")),
              List.of(),
              List.of(),
              Map.of()),
          Scope.AGENT,
          Window.DAY,
          5_000,
          null);

  private final InMemoryUsageStore store = new InMemoryUsageStore();
  private final Ledger ledger =
      new Ledger(store, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5));

  private void reserve(String id) throws Exception {
    assertThat(ledger.reserve(id, List.of(QUOTA), "bot-1", "acme", null, null, ZoneOffset.UTC, NOW))
        .isInstanceOf(Outcome.Reserved.class);
  }

  @Test
  void flush_commitsEveryQueuedReservation_soNoneCanBeReleasedAfter() throws Exception {
    Settlements settlements = new Settlements(ledger);
    for (int i = 0; i < 2_500; i++) {
      reserve("d" + i);
      settlements.committed("d" + i);
    }

    settlements.flush();

    assertThat(ledger.release(List.of("d0", "d1234", "d2499"))).isZero();
    assertThat(ledger.used(QUOTA, "bot-1", "acme", ZoneOffset.UTC, NOW)).isEqualTo(2_500);
    // Nothing is left queued.
    settlements.flush();
  }

  @Test
  void flush_nothingQueued_touchesNothing() throws Exception {
    reserve("d0");

    new Settlements(ledger).flush();

    assertThat(ledger.release("d0")).isEqualTo(1);
  }
}
