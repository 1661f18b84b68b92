package dev.warden.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.log.MutableClock;
import dev.warden.policy.BudgetRule;
import dev.warden.policy.Glob;
import dev.warden.policy.Match;
import dev.warden.policy.Scope;
import dev.warden.store.Charge;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** {@link Ledger} on an in-memory store: charges, refusals and their messages, settling. */
class LedgerTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final Instant NOW = Instant.parse("2026-11-22T15:00:00Z"); // 16:00 in Berlin
  private static final Duration HOLD = Duration.ofMinutes(10);
  private static final Match ALL =
      new Match(
          List.of(Glob.compile("*")), List.of(Glob.compile("*")), List.of(), List.of(), Map.of());

  private final InMemoryUsageStore store = new InMemoryUsageStore();
  private final MutableClock clock = new MutableClock(NOW.plusSeconds(1));
  private final Ledger ledger = new Ledger(store, clock, HOLD);

  private static BudgetRule budget(String id, Scope scope, Window window, long limit) {
    return new BudgetRule(id, ALL, scope, window, limit, Money.currency("EUR"));
  }

  private static BudgetRule quota(String id, Window window, long limit) {
    return new BudgetRule(id, ALL, Scope.AGENT, window, limit, null);
  }

  private Outcome reserve(String id, List<BudgetRule> rules, @Nullable String value)
      throws Exception {
    return reserve(id, rules, "bot-1", value, "EUR");
  }

  private Outcome reserve(
      String id,
      List<BudgetRule> rules,
      String agent,
      @Nullable String value,
      @Nullable String currency)
      throws Exception {
    return ledger.reserve(id, rules, agent, "acme", value, currency, BERLIN, NOW);
  }

  private static Outcome.Refused refused(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Refused.class);
    return (Outcome.Refused) outcome;
  }

  @Test
  void giveBack_reservedOrAlreadyCommitted_returnsTheMoneyOnce() throws Exception {
    BudgetRule b = budget("spend", Scope.AGENT, Window.DAY, 10_000);
    reserve("held", List.of(b), "12.00");
    reserve("counted", List.of(b), "30.00");
    ledger.commit("counted");

    assertThat(ledger.giveBack("held")).isEqualTo(1);
    assertThat(ledger.giveBack("counted")).isEqualTo(1);
    assertThat(ledger.giveBack("counted")).isZero();

    assertThat(ledger.used(b, "bot-1", "acme", BERLIN, NOW)).isZero();
  }

  @Test
  void reserve_noRules_reservesNothingWithoutCallingTheStore() throws Exception {
    assertThat(reserve("d1", List.of(), null)).isEqualTo(new Outcome.Reserved(List.of()));
    assertThat(store.calls()).isZero();
  }

  @Test
  void reserve_requestWindowWithinItsCap_reservesNothingWithoutCallingTheStore() throws Exception {
    BudgetRule perPayment = budget("per-payment", Scope.AGENT, Window.REQUEST, 100_00);

    assertThat(reserve("d1", List.of(perPayment), "100.00"))
        .isEqualTo(new Outcome.Reserved(List.of()));
    assertThat(store.calls()).isZero();
  }

  @Test
  void reserve_requestWindowOverItsCap_isRefusedWithTheCap() throws Exception {
    BudgetRule perPayment = budget("per-payment", Scope.AGENT, Window.REQUEST, 100_00);

    Outcome.Refused r = refused(reserve("d1", List.of(perPayment), "100.01"));

    assertThat(r.code()).isEqualTo("budget.exceeded");
    assertThat(r.remaining()).isEqualTo(100_00);
    assertThat(r.message())
        .isEqualTo(
            "budget per-payment: at most 100.00 EUR per request;"
                + " the request asks for 100.01 EUR");
    assertThat(store.calls()).isZero();
  }

  @Test
  void reserve_dailyBudgetAlmostSpent_refusalStatesWhatIsLeftAndWhenItResets() throws Exception {
    BudgetRule daily = budget("payments-daily", Scope.AGENT, Window.DAY, 50_00);
    assertThat(reserve("d1", List.of(daily), "46.80")).isInstanceOf(Outcome.Reserved.class);

    Outcome.Refused r = refused(reserve("d2", List.of(daily), "12.50"));

    assertThat(r.rule()).isEqualTo(daily);
    assertThat(r.code()).isEqualTo("budget.exceeded");
    assertThat(r.remaining()).isEqualTo(3_20);
    assertThat(r.message())
        .isEqualTo(
            "budget payments-daily: 3.20 EUR left this day"
                + " (resets 2026-11-23T00:00+01:00[Europe/Berlin]); the request asks for 12.50 EUR");
    assertThat(store.state("d2")).isNull();
  }

  @Test
  void reserve_exactlyTheRemainder_fitsAndTheNextCentDoesNot() throws Exception {
    BudgetRule daily = budget("daily", Scope.AGENT, Window.DAY, 10_00);

    assertThat(reserve("d1", List.of(daily), "9.99")).isInstanceOf(Outcome.Reserved.class);
    assertThat(reserve("d2", List.of(daily), "0.01")).isInstanceOf(Outcome.Reserved.class);
    assertThat(refused(reserve("d3", List.of(daily), "0.01")).remaining()).isZero();
  }

  @Test
  void reserve_quotaUsedUp_isRefusedAsQuotaWithACount() throws Exception {
    BudgetRule hourly = quota("transfers-hourly", Window.HOUR, 2);
    reserve("d1", List.of(hourly), null);
    reserve("d2", List.of(hourly), null);

    Outcome.Refused r = refused(reserve("d3", List.of(hourly), null));

    assertThat(r.code()).isEqualTo("quota.exceeded");
    assertThat(r.remaining()).isZero();
    assertThat(r.message())
        .isEqualTo(
            "quota transfers-hourly: 0 left this hour"
                + " (resets 2026-11-22T17:00+01:00[Europe/Berlin]); the request asks for 1");
  }

  @Test
  void reserve_budgetWithoutAmount_isRefusedAsMissingAndNothingIsReserved() throws Exception {
    BudgetRule q = quota("q", Window.DAY, 5);
    BudgetRule daily = budget("daily", Scope.AGENT, Window.DAY, 10_00);

    Outcome.Refused r = refused(reserve("d1", List.of(q, daily), "bot-1", null, "EUR"));

    assertThat(r.code()).isEqualTo("budget.amount_missing");
    assertThat(r.rule()).isEqualTo(daily);
    assertThat(r.remaining()).isEqualTo(10_00);
    assertThat(r.message()).endsWith("; the request states no amount");
    assertThat(store.state("d1")).isNull();
    assertThat(ledger.used(q, "bot-1", "acme", BERLIN, NOW)).isZero();
  }

  @Test
  void reserve_otherOrNoCurrency_isRefusedAsMismatch() throws Exception {
    BudgetRule daily = budget("daily", Scope.AGENT, Window.DAY, 10_00);

    Outcome.Refused usd = refused(reserve("d1", List.of(daily), "bot-1", "1.00", "USD"));
    Outcome.Refused none = refused(reserve("d2", List.of(daily), "bot-1", "1.00", null));

    assertThat(usd.code()).isEqualTo("budget.currency_mismatch");
    assertThat(usd.message()).endsWith("the request's amount is in \"USD\"; the budget counts EUR");
    assertThat(none.code()).isEqualTo("budget.currency_mismatch");
    assertThat(none.message()).endsWith("names no currency; the budget counts EUR");
  }

  @Test
  void reserve_invalidAmount_isRefusedAsInvalid() throws Exception {
    BudgetRule daily = budget("daily", Scope.AGENT, Window.DAY, 10_00);

    for (String bad : new String[] {"12.505", "-1.00", "1e3", "", "1.5.0"}) {
      Outcome.Refused r = refused(reserve("d-" + bad, List.of(daily), bad));
      assertThat(r.code()).as(bad).isEqualTo("budget.amount_invalid");
      assertThat(r.message()).as(bad).contains("the request's amount is invalid: ");
    }
    assertThat(ledger.used(daily, "bot-1", "acme", BERLIN, NOW)).isZero();
  }

  @Test
  void reserve_quotaOnly_needsNoAmount() throws Exception {
    BudgetRule q = quota("q", Window.DAY, 5);

    Outcome outcome = reserve("d1", List.of(q), "bot-1", null, null);

    assertThat(outcome).isInstanceOf(Outcome.Reserved.class);
    assertThat(ledger.used(q, "bot-1", "acme", BERLIN, NOW)).isEqualTo(1);
  }

  @Test
  void reserve_tenantBudgetFullAgentBudgetNot_refusesAllAndChargesNone() throws Exception {
    BudgetRule agentDaily = budget("agent-daily", Scope.AGENT, Window.DAY, 100_00);
    BudgetRule tenantDaily = budget("tenant-daily", Scope.TENANT, Window.DAY, 10_00);
    List<BudgetRule> rules = List.of(agentDaily, tenantDaily);
    reserve("d1", rules, "bot-1", "6.00", "EUR");

    Outcome.Refused r = refused(reserve("d2", rules, "bot-2", "6.00", "EUR"));

    assertThat(r.rule()).isEqualTo(tenantDaily);
    assertThat(r.remaining()).isEqualTo(4_00);
    assertThat(ledger.used(agentDaily, "bot-2", "acme", BERLIN, NOW)).isZero();
    assertThat(ledger.used(agentDaily, "bot-1", "acme", BERLIN, NOW)).isEqualTo(6_00);
    assertThat(ledger.used(tenantDaily, "bot-2", "acme", BERLIN, NOW)).isEqualTo(6_00);
  }

  @Test
  void reserve_charges_areKeyedByRuleScopeWindowStartAndSubject() throws Exception {
    BudgetRule daily = budget("daily", Scope.AGENT, Window.DAY, 10_00);
    BudgetRule monthly = budget("monthly", Scope.TENANT, Window.MONTH, 100_00);

    Outcome outcome = reserve("d1", List.of(daily, monthly), "2.50");

    assertThat(outcome)
        .isEqualTo(
            new Outcome.Reserved(
                List.of(
                    new Charge(
                        "daily/agent/day/2026-11-21T23:00:00Z/bot-1",
                        10_00,
                        2_50,
                        Instant.parse("2026-11-22T23:00:00Z")),
                    new Charge(
                        "monthly/tenant/month/2026-10-31T23:00:00Z/acme",
                        100_00,
                        2_50,
                        Instant.parse("2026-11-30T23:00:00Z")))));
    assertThat(store.expiresAt("d1")).isEqualTo(clock.instant().plus(HOLD));
  }

  @Test
  void reserve_nextDay_startsAFreshCounter() throws Exception {
    BudgetRule daily = budget("daily", Scope.AGENT, Window.DAY, 10_00);
    reserve("d1", List.of(daily), "10.00");
    Instant tomorrow = NOW.plus(Duration.ofDays(1));

    Outcome outcome =
        ledger.reserve("d2", List.of(daily), "bot-1", "acme", "10.00", "EUR", BERLIN, tomorrow);

    assertThat(outcome).isInstanceOf(Outcome.Reserved.class);
    assertThat(ledger.used(daily, "bot-1", "acme", BERLIN, NOW)).isEqualTo(10_00);
    assertThat(ledger.used(daily, "bot-1", "acme", BERLIN, tomorrow)).isEqualTo(10_00);
  }

  @Test
  void reserve_limitLoweredBelowUsage_refusesWithNothingRemaining() throws Exception {
    reserve("d1", List.of(budget("daily", Scope.AGENT, Window.DAY, 10_00)), "8.00");

    Outcome.Refused r =
        refused(reserve("d2", List.of(budget("daily", Scope.AGENT, Window.DAY, 5_00)), "0.01"));

    assertThat(r.remaining()).isZero();
    assertThat(r.message()).startsWith("budget daily: 0.00 EUR left this day");
  }

  @Test
  void reserve_sameRuleTwice_throwsIllegalArgument() {
    BudgetRule q = quota("q", Window.DAY, 5);

    assertThatThrownBy(() -> reserve("d1", List.of(q, q), null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void used_requestWindow_isZeroWithoutCallingTheStore() throws Exception {
    BudgetRule perPayment = budget("per-payment", Scope.AGENT, Window.REQUEST, 100_00);

    assertThat(ledger.used(perPayment, "bot-1", "acme", BERLIN, NOW)).isZero();
    assertThat(store.calls()).isZero();
  }

  @Test
  void commitAndRelease_moveTheReservationOnce() throws Exception {
    BudgetRule daily = budget("daily", Scope.AGENT, Window.DAY, 10_00);
    reserve("d1", List.of(daily), "3.00");
    reserve("d2", List.of(daily), "4.00");

    assertThat(ledger.commit("d1")).isEqualTo(1);
    assertThat(ledger.release("d1")).as("a committed reservation is never released").isZero();
    assertThat(ledger.release(List.of("d2", "unknown"))).isEqualTo(1);
    assertThat(ledger.commit(List.of("d2"))).as("a released one is never committed").isZero();

    assertThat(store.state("d1")).isEqualTo("committed");
    assertThat(store.state("d2")).isEqualTo("released");
    assertThat(ledger.used(daily, "bot-1", "acme", BERLIN, NOW)).isEqualTo(3_00);
  }

  @Test
  void settleExpired_commitsLoggedAllowsAndReleasesTheRest() throws Exception {
    BudgetRule daily = budget("daily", Scope.AGENT, Window.DAY, 100_00);
    reserve("logged", List.of(daily), "1.00");
    reserve("lost", List.of(daily), "2.00");
    clock.advance(Duration.ofMinutes(5));
    reserve("recent", List.of(daily), "4.00");
    Instant later = NOW.plus(HOLD).plus(Duration.ofMinutes(2)); // past the first two only

    int settled = ledger.settleExpired(later, Set.of("logged", "recent")::contains);

    assertThat(settled).isEqualTo(2);
    assertThat(store.state("logged")).isEqualTo("committed");
    assertThat(store.state("lost")).isEqualTo("released");
    assertThat(store.state("recent")).isEqualTo("reserved");
    assertThat(ledger.used(daily, "bot-1", "acme", BERLIN, NOW)).isEqualTo(5_00);
  }

  @Test
  void settleExpired_moreThanOneBatch_settlesEveryOne() throws Exception {
    BudgetRule q = quota("q", Window.DAY, 10_000);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < Ledger.SETTLE_BATCH * 2 + 7; i++) {
      ids.add("d" + i);
      reserve("d" + i, List.of(q), null);
    }

    int settled = ledger.settleExpired(NOW.plus(Duration.ofDays(1)), id -> id.endsWith("7"));

    assertThat(settled).isEqualTo(ids.size());
    assertThat(ids).allSatisfy(id -> assertThat(store.state(id)).isNotEqualTo("reserved"));
    assertThat(ledger.used(q, "bot-1", "acme", BERLIN, NOW))
        .isEqualTo(ids.stream().filter(id -> id.endsWith("7")).count());
  }

  @Test
  void purge_keepsOneHoldOfMarginAfterTheWindow() throws Exception {
    ledger.purge(NOW);

    assertThat(store.purgedAt()).isEqualTo(NOW.minus(HOLD));
  }

  @Test
  void constructor_zeroHold_throws() {
    assertThatThrownBy(() -> new Ledger(store, clock, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
