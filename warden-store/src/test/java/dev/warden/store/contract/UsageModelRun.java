package dev.warden.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.budget.Ledger;
import dev.warden.budget.Money;
import dev.warden.budget.Outcome;
import dev.warden.budget.Window;
import dev.warden.policy.BudgetRule;
import dev.warden.policy.Glob;
import dev.warden.policy.Match;
import dev.warden.policy.Scope;
import dev.warden.store.Charge;
import dev.warden.store.ExpiredReservation;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.UsageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * One random run of the ledger against a plain sequential model of counters and reservations. The
 * model restates the rules of {@link Ledger} and {@link UsageStore} in the simplest way: rules in
 * order, fail closed on the amount, then all charges or none; reserved → committed | released.
 */
final class UsageModelRun {
  private static final ZoneId ZONE = ZoneId.of("America/New_York");
  private static final Duration HOLD = Duration.ofMinutes(30);
  private static final Match ALL =
      new Match(
          List.of(Glob.compile("*")), List.of(Glob.compile("*")), List.of(), List.of(), Map.of());
  private static final String[][] AMOUNTS = {
    {"1.00", "EUR"}, {"2.50", "EUR"}, {"4.99", "EUR"}, {"6.00", "EUR"}, {"0.00", "EUR"},
    {"1.00", "EUR"}, {"0.50", "EUR"}, {"3.00", "EUR"}, {"3.00", "EUR"}, {"2.00", "EUR"},
    {null, null}, {"1.005", "EUR"}, {"-1", "EUR"}, {"3.00", "USD"}, {"2.00", null}
  };

  private static final class Counter {
    long reserved;
    long committed;
    Instant windowEnd = Instant.MIN;
  }

  private record Line(String counter, long amount) {}

  private static final class Reservation {
    String state = "reserved";
    final List<Line> lines = new ArrayList<>();
    Instant expiresAt = Instant.MIN;
    Instant keepUntil = Instant.MIN;
  }

  private final UsageStore usage;
  private final SplittableRandom rnd;
  private final String seed;
  private final Map<String, Counter> counters = new HashMap<>();
  private final Set<String> everyCounter = new HashSet<>();
  private final Map<String, Reservation> reservations = new HashMap<>();
  private final List<String> ids = new ArrayList<>();
  private Instant now = Fixtures.at(0);
  private long agentDayLimit = 20_00;
  private String step = "";
  private final Map<String, Integer> seen = new HashMap<>();

  UsageModelRun(UsageStore usage, SplittableRandom rnd, String seed) {
    this.usage = usage;
    this.rnd = rnd;
    this.seed = seed;
  }

  void run(int steps) throws StoreException {
    for (int i = 0; i < steps; i++) {
      now = now.plusSeconds(rnd.nextLong(0, 8 * 60));
      if (rnd.nextInt(10) == 0) {
        agentDayLimit = rnd.nextBoolean() ? 20_00 : 6_00; // a policy change, both ways
      }
      Ledger ledger = new Ledger(usage, Clock.fixed(now, ZoneOffset.UTC), HOLD);
      int op = rnd.nextInt(20);
      if (op < 11) {
        reserve(ledger, i);
      } else if (op < 14) {
        settle(ledger, "committed");
      } else if (op < 17) {
        settle(ledger, "released");
      } else if (op < 19) {
        settleExpired(ledger);
      } else {
        purge(ledger);
      }
      check();
    }
    // The run exercised every path, or it proves less than it seems.
    assertThat(seen)
        .as("%s: what the run exercised", seed)
        .containsKeys(
            "reserved",
            "nothing to reserve",
            "conflict",
            "committed",
            "released",
            "settled expired",
            "purged",
            Outcome.Refused.BUDGET_EXCEEDED,
            Outcome.Refused.QUOTA_EXCEEDED,
            Outcome.Refused.AMOUNT_MISSING,
            Outcome.Refused.CURRENCY_MISMATCH,
            Outcome.Refused.AMOUNT_INVALID);
  }

  private void saw(String what) {
    seen.merge(what, 1, Integer::sum);
  }

  private List<BudgetRule> rules() {
    Currency eur = Money.currency("EUR");
    List<BudgetRule> all =
        List.of(
            new BudgetRule("q-hour", ALL, Scope.AGENT, Window.HOUR, 2, null),
            new BudgetRule("agent-day", ALL, Scope.AGENT, Window.DAY, agentDayLimit, eur),
            new BudgetRule("tenant-hour", ALL, Scope.TENANT, Window.HOUR, 15_00, eur),
            new BudgetRule("per-request", ALL, Scope.AGENT, Window.REQUEST, 5_00, eur),
            new BudgetRule("usd-day", ALL, Scope.TENANT, Window.DAY, 30_00, Money.currency("USD")));
    List<BudgetRule> picked = new ArrayList<>();
    for (BudgetRule r : all) {
      // The USD budget rarely, or nearly every request would be refused by one rule or the other.
      if (rnd.nextInt(r.id().equals("usd-day") ? 12 : 2) == 0) {
        picked.add(r);
      }
    }
    return picked;
  }

  private void reserve(Ledger ledger, int i) throws StoreException {
    boolean reuse = !ids.isEmpty() && rnd.nextInt(15) == 0;
    String id = reuse ? ids.get(rnd.nextInt(ids.size())) : "d" + i;
    List<BudgetRule> rules = rules();
    String agent = rnd.nextInt(4) == 0 ? "bot-2" : "bot-1";
    String tenant = rnd.nextInt(4) == 0 ? "globex" : "acme";
    String[] amount = AMOUNTS[rnd.nextInt(AMOUNTS.length)];
    step =
        String.format(
            "%s, reserve %s %s by %s/%s of %s %s at %s",
            seed,
            id,
            rules.stream().map(BudgetRule::id).toList(),
            agent,
            tenant,
            amount[0],
            amount[1],
            now);
    Expected expected = expect(id, rules, agent, tenant, amount[0], amount[1]);
    if (expected.conflict) {
      assertThatThrownBy(
              () -> ledger.reserve(id, rules, agent, tenant, amount[0], amount[1], ZONE, now))
          .as(step)
          .isInstanceOfSatisfying(
              StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
      saw("conflict");
      return;
    }
    Outcome actual = ledger.reserve(id, rules, agent, tenant, amount[0], amount[1], ZONE, now);
    Outcome.Refused refused = expected.refused;
    if (refused == null) {
      assertThat(actual).as(step).isEqualTo(new Outcome.Reserved(expected.charges));
      if (expected.charges.isEmpty()) {
        saw("nothing to reserve");
      } else {
        apply(id, expected.charges);
        saw("reserved");
      }
    } else {
      assertThat(actual).as(step).isInstanceOf(Outcome.Refused.class);
      Outcome.Refused r = (Outcome.Refused) actual;
      assertThat(r.rule()).as(step).isEqualTo(refused.rule());
      assertThat(r.code()).as(step).isEqualTo(refused.code());
      assertThat(r.remaining()).as(step).isEqualTo(refused.remaining());
      saw(r.code());
    }
  }

  private static final class Expected {
    boolean conflict;
    Outcome.@Nullable Refused refused;
    final List<Charge> charges = new ArrayList<>();
  }

  private Expected expect(
      String id,
      List<BudgetRule> rules,
      String agent,
      String tenant,
      @Nullable String value,
      @Nullable String currency) {
    Expected x = new Expected();
    List<BudgetRule> charged = new ArrayList<>();
    for (BudgetRule rule : rules) {
      Window.Interval window = rule.window() == Window.REQUEST ? null : rule.window().at(now, ZONE);
      String key =
          window == null ? null : key(rule, rule.scope() == Scope.AGENT ? agent : tenant, window);
      long units = 1;
      String code = null;
      if (!rule.isQuota()) {
        if (value == null) {
          code = Outcome.Refused.AMOUNT_MISSING;
        } else if (!rule.currency().getCurrencyCode().equals(currency)) {
          code = Outcome.Refused.CURRENCY_MISMATCH;
        } else {
          try {
            units = Money.toMinor(value, rule.currency());
          } catch (IllegalArgumentException e) {
            code = Outcome.Refused.AMOUNT_INVALID;
          }
        }
      }
      if (code != null) {
        long remaining = key == null ? rule.limit() : Math.max(0, rule.limit() - used(key));
        x.refused = new Outcome.Refused(rule, code, "-", remaining);
        return x;
      }
      if (window == null) {
        if (units > rule.limit()) {
          x.refused = new Outcome.Refused(rule, exceeded(rule), "-", rule.limit());
          return x;
        }
        continue;
      }
      x.charges.add(new Charge(key, rule.limit(), units, window.end()));
      charged.add(rule);
    }
    if (x.charges.isEmpty()) {
      return x;
    }
    if (reservations.containsKey(id)) {
      x.conflict = true;
      return x;
    }
    for (int i = 0; i < x.charges.size(); i++) {
      Charge c = x.charges.get(i);
      long used = used(c.counter());
      if (c.amount() > c.limit() - used) {
        BudgetRule rule = charged.get(i);
        x.refused =
            new Outcome.Refused(rule, exceeded(rule), "-", Math.max(0, rule.limit() - used));
        return x;
      }
    }
    return x;
  }

  private void apply(String id, List<Charge> charges) {
    Reservation r = new Reservation();
    r.expiresAt = now.plus(HOLD);
    for (Charge c : charges) {
      Counter counter = counters.computeIfAbsent(c.counter(), k -> new Counter());
      counter.reserved += c.amount();
      if (c.windowEnd().isAfter(counter.windowEnd)) {
        counter.windowEnd = c.windowEnd();
      }
      everyCounter.add(c.counter());
      r.lines.add(new Line(c.counter(), c.amount()));
      if (c.windowEnd().isAfter(r.keepUntil)) {
        r.keepUntil = c.windowEnd();
      }
    }
    reservations.put(id, r);
    ids.add(id);
  }

  private void settle(Ledger ledger, String state) throws StoreException {
    List<String> batch = new ArrayList<>();
    for (int n = rnd.nextInt(1, 4); n > 0; n--) {
      batch.add(
          ids.isEmpty() || rnd.nextInt(8) == 0 ? "unknown" : ids.get(rnd.nextInt(ids.size())));
    }
    step = seed + ", " + state + " " + batch + " at " + now;
    int expected = 0;
    for (String id : new HashSet<>(batch)) {
      expected += move(id, state);
    }
    int moved = state.equals("committed") ? ledger.commit(batch) : ledger.release(batch);
    assertThat(moved).as(step).isEqualTo(expected);
    if (moved > 0) {
      saw(state);
    }
  }

  private int move(String id, String state) {
    Reservation r = reservations.get(id);
    if (r == null || !r.state.equals("reserved")) {
      return 0;
    }
    r.state = state;
    for (Line l : r.lines) {
      Counter c = counters.get(l.counter());
      if (c != null) {
        c.reserved -= l.amount();
        if (state.equals("committed")) {
          c.committed += l.amount();
        }
      }
    }
    return 1;
  }

  private void settleExpired(Ledger ledger) throws StoreException {
    Predicate<String> allowed = id -> id.hashCode() % 3 != 0;
    step = seed + ", settleExpired at " + now;
    int expected = 0;
    for (Map.Entry<String, Reservation> e : reservations.entrySet()) {
      Reservation r = e.getValue();
      if (r.state.equals("reserved") && r.expiresAt.isBefore(now)) {
        expected += move(e.getKey(), allowed.test(e.getKey()) ? "committed" : "released");
      }
    }
    assertThat(ledger.settleExpired(now, allowed)).as(step).isEqualTo(expected);
    if (expected > 0) {
      saw("settled expired");
    }
  }

  private void purge(Ledger ledger) throws StoreException {
    Instant before = now.minus(HOLD);
    step = seed + ", purge at " + now;
    int expected = 0;
    for (var it = counters.entrySet().iterator(); it.hasNext(); ) {
      Counter c = it.next().getValue();
      if (!c.windowEnd.isAfter(before) && c.reserved == 0) {
        it.remove();
        expected++;
      }
    }
    for (var it = reservations.entrySet().iterator(); it.hasNext(); ) {
      Reservation r = it.next().getValue();
      if (!r.state.equals("reserved") && !r.keepUntil.isAfter(before)) {
        it.remove();
        expected++;
      }
    }
    assertThat(ledger.purge(now)).as(step).isEqualTo(expected);
    if (expected > 0) {
      saw("purged");
    }
  }

  private void check() throws StoreException {
    for (String key : everyCounter) {
      assertThat(usage.used(key)).as("%s: used %s", step, key).isEqualTo(used(key));
    }
    List<ExpiredReservation> expired = new ArrayList<>();
    reservations.forEach(
        (id, r) -> {
          if (r.state.equals("reserved") && r.expiresAt.isBefore(now)) {
            expired.add(new ExpiredReservation(id, r.expiresAt));
          }
        });
    expired.sort(
        Comparator.comparing(ExpiredReservation::expiresAt)
            .thenComparing(ExpiredReservation::reservationId));
    assertThat(usage.expired(now, 10_000)).as("%s: expired", step).isEqualTo(expired);
  }

  private long used(String key) {
    Counter c = counters.get(key);
    return c == null ? 0 : c.reserved + c.committed;
  }

  private static String exceeded(BudgetRule rule) {
    return rule.isQuota() ? Outcome.Refused.QUOTA_EXCEEDED : Outcome.Refused.BUDGET_EXCEEDED;
  }

  /** The counter key as {@link Ledger} documents it. */
  private static String key(BudgetRule rule, String subject, Window.Interval window) {
    return String.join(
        "/",
        rule.id(),
        rule.scope().wireName(),
        rule.window().wireName(),
        window.start().toString(),
        subject);
  }
}
