package dev.warden.budget;

import dev.warden.policy.BudgetRule;
import dev.warden.store.Charge;
import dev.warden.store.ExpiredReservation;
import dev.warden.store.ReserveResult;
import dev.warden.store.StoreException;
import dev.warden.store.UsageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Budgets and quotas of allowed decisions (SPEC §6): reserved atomically when an allow is decided,
 * committed when the action succeeded, released when it failed, was rejected or never happened.
 * Thread-safe; it keeps no state of its own, so any number of ledgers on any number of nodes may
 * share one {@link UsageStore}.
 *
 * <p>Guarantee: concurrent reservations never take a counter past the limit the policy gives it; a
 * decision that would is refused with the remaining amount. A {@code request} window keeps no
 * counter: it caps each request's amount alone. Fail closed: a budget that applies to a request
 * without a valid amount in its currency refuses it.
 *
 * <p>Each decision's reservation is named by its decision id. One counter exists per rule, scope
 * subject (agent id or tenant) and window; its key is {@code <rule id>/<scope>/<window>/<window
 * start, ISO-8601 UTC>/<subject>}, unambiguous because only the last part may contain a slash.
 */
public final class Ledger {
  /** Expired reservations settled per round trip to the store. */
  static final int SETTLE_BATCH = 500;

  private final UsageStore store;
  private final Clock clock;
  private final Duration hold;

  /**
   * @param clock when a reservation is made, for its expiry (the window is chosen by the decision's
   *     own time)
   * @param hold how long a reservation stays reserved before {@link #settleExpired} settles it; far
   *     longer than a decision takes from reservation to its log entry, and than an action takes to
   *     run
   */
  public Ledger(UsageStore store, Clock clock, Duration hold) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.hold = Objects.requireNonNull(hold, "hold");
    if (hold.toMillis() < 1) {
      throw new IllegalArgumentException("a hold lasts at least a millisecond, got " + hold);
    }
  }

  /**
   * Reserves, under {@code decisionId}, the request's amount on every budget and 1 on every quota
   * in {@code rules}, all or none. With no rule that keeps a counter, the store is not called.
   *
   * @param rules the budgets and quotas that apply to the request, each id once
   * @param amountValue the request's {@code amount.value}, a decimal string, if it has one
   * @param amountCurrency the request's {@code amount.currency}, if it has one
   * @param zone the time zone of calendar windows
   * @param now the decision's time: picks the windows
   * @throws StoreException {@code CONFLICT} if {@code decisionId} was reserved before, {@code
   *     UNAVAILABLE} if the store cannot answer (the decision must then fail closed)
   */
  public Outcome reserve(
      String decisionId,
      List<BudgetRule> rules,
      String agentId,
      String tenant,
      @Nullable String amountValue,
      @Nullable String amountCurrency,
      ZoneId zone,
      Instant now)
      throws StoreException {
    Objects.requireNonNull(decisionId, "decisionId");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(now, "now");
    requireDistinctIds(rules);
    List<Charge> charges = new ArrayList<>();
    List<BudgetRule> charged = new ArrayList<>();
    List<Window.Interval> windows = new ArrayList<>();
    for (BudgetRule rule : rules) {
      Price price = Price.of(rule, amountValue, amountCurrency);
      Window.@Nullable Interval window =
          rule.window() == Window.REQUEST ? null : rule.window().at(now, zone);
      @Nullable String counter =
          window == null ? null : counter(rule, subject(rule, agentId, tenant), window);
      @Nullable String refusal = price.refusal();
      if (refusal != null) {
        long remaining =
            counter == null ? rule.limit() : Math.max(0, rule.limit() - store.used(counter));
        return refused(rule, refusal, remaining, window, zone, price.problem());
      }
      if (window == null || counter == null) {
        if (price.units() > rule.limit()) {
          return refused(rule, exceeded(rule), rule.limit(), null, zone, asks(rule, price.units()));
        }
        continue;
      }
      charges.add(new Charge(counter, rule.limit(), price.units(), window.end()));
      charged.add(rule);
      windows.add(window);
    }
    if (charges.isEmpty()) {
      return new Outcome.Reserved(List.of());
    }
    Instant made = clock.instant();
    ReserveResult result = store.reserve(decisionId, charges, made, made.plus(hold));
    return switch (result) {
      case ReserveResult.Reserved r -> new Outcome.Reserved(charges);
      case ReserveResult.Exceeded e -> {
        int i = charges.indexOf(e.charge());
        if (i < 0) {
          throw new IllegalStateException("the store refused a charge it was not given");
        }
        BudgetRule rule = charged.get(i);
        long remaining = Math.max(0, rule.limit() - e.used());
        yield refused(
            rule, exceeded(rule), remaining, windows.get(i), zone, asks(rule, e.charge().amount()));
      }
    };
  }

  /**
   * Commits the decision's reservation, if it is still reserved; returns how many moved (0, 1). A
   * decision whose {@link Outcome.Reserved} charged nothing has no reservation: this is then
   * harmless, and may be skipped.
   */
  public int commit(String decisionId) throws StoreException {
    return store.commit(List.of(decisionId));
  }

  /**
   * Releases the decision's reservation, if it is still reserved; returns how many moved (0, 1).
   */
  public int release(String decisionId) throws StoreException {
    return store.release(List.of(decisionId));
  }

  /** Commits these decisions' reservations still reserved, in one transaction. */
  public int commit(Collection<String> decisionIds) throws StoreException {
    return store.commit(decisionIds);
  }

  /**
   * Gives back what {@code decisionId} reserved, whether still reserved or already committed: for
   * an operator who confirms that an action whose outcome was unknown did not happen (its money was
   * counted as spent when its reservation expired). Returns how many reservations moved.
   */
  public int giveBack(String decisionId) throws StoreException {
    return store.release(List.of(decisionId)) + store.refund(List.of(decisionId));
  }

  /** Releases these decisions' reservations still reserved, in one transaction. */
  public int release(Collection<String> decisionIds) throws StoreException {
    return store.release(decisionIds);
  }

  /**
   * What the subject of {@code rule} has used of it (reserved plus committed) in the window that
   * contains {@code now}; 0 for a {@code request} window. For the policy's {@code usage} variable:
   * an observation, not a guarantee.
   */
  public long used(BudgetRule rule, String agentId, String tenant, ZoneId zone, Instant now)
      throws StoreException {
    if (rule.window() == Window.REQUEST) {
      return 0;
    }
    return store.used(counter(rule, subject(rule, agentId, tenant), rule.window().at(now, zone)));
  }

  /**
   * Settles every reservation still reserved past its expiry at {@code now}: commits it if {@code
   * decisionWasAllowed} says the decision's allow is durable in the log, else releases it.
   *
   * <p>Why: a reservation is made before its decision is logged, and settled after the action. A
   * crash between the reservation and the log append leaves money reserved for a decision that
   * never happened (it is in no log, so no action ran): releasing gives it back. A crash after the
   * append may leave an action that did happen unsettled: committing keeps its money counted, since
   * an allow in the log may have been acted on and Warden cannot know it was not. So the hold must
   * be longer than any decision takes to reach the log, or an allow still on its way is released.
   *
   * @return how many reservations this call settled
   */
  public int settleExpired(Instant now, Predicate<String> decisionWasAllowed)
      throws StoreException {
    Objects.requireNonNull(decisionWasAllowed, "decisionWasAllowed");
    int settled = 0;
    while (true) {
      List<ExpiredReservation> batch = store.expired(now, SETTLE_BATCH);
      List<String> allowed = new ArrayList<>();
      List<String> other = new ArrayList<>();
      for (ExpiredReservation e : batch) {
        (decisionWasAllowed.test(e.reservationId()) ? allowed : other).add(e.reservationId());
      }
      int moved = store.commit(allowed) + store.release(other);
      settled += moved;
      // Fewer than a batch: none left. Nothing moved: another node settles them; stop here.
      if (batch.size() < SETTLE_BATCH || moved == 0) {
        return settled;
      }
    }
  }

  /**
   * Deletes counters and settled reservations of windows that ended more than one hold before
   * {@code now}. The margin lets a decision taken just before its window ended still find (and
   * count against) its counter.
   *
   * @return how many counters and reservations were deleted
   */
  public int purge(Instant now) throws StoreException {
    return store.purge(now.minus(hold));
  }

  /** The key of the counter of {@code rule} for {@code subject} in {@code window}. */
  static String counter(BudgetRule rule, String subject, Window.Interval window) {
    return rule.id()
        + '/'
        + rule.scope().wireName()
        + '/'
        + rule.window().wireName()
        + '/'
        + window.start()
        + '/'
        + subject;
  }

  private static String subject(BudgetRule rule, String agentId, String tenant) {
    return switch (rule.scope()) {
      case AGENT -> Objects.requireNonNull(agentId, "agentId");
      case TENANT -> Objects.requireNonNull(tenant, "tenant");
      case OPERATOR -> throw new IllegalArgumentException("no budget is kept per operator");
    };
  }

  private static void requireDistinctIds(List<BudgetRule> rules) {
    Set<String> ids = new HashSet<>();
    for (BudgetRule rule : rules) {
      if (!ids.add(rule.id())) {
        throw new IllegalArgumentException("budget " + rule.id() + " is listed twice");
      }
    }
  }

  private static String exceeded(BudgetRule rule) {
    return rule.isQuota() ? Outcome.Refused.QUOTA_EXCEEDED : Outcome.Refused.BUDGET_EXCEEDED;
  }

  private static String asks(BudgetRule rule, long units) {
    return "the request asks for " + Price.format(rule, units);
  }

  private static Outcome.Refused refused(
      BudgetRule rule,
      String code,
      long remaining,
      Window.@Nullable Interval window,
      ZoneId zone,
      String why) {
    String left =
        window == null
            ? "at most " + Price.format(rule, rule.limit()) + " per request"
            : Price.format(rule, remaining)
                + " left this "
                + rule.window().wireName()
                + " (resets "
                + window.end().atZone(zone)
                + ")";
    String message = (rule.isQuota() ? "quota " : "budget ") + rule.id() + ": " + left + "; " + why;
    return new Outcome.Refused(rule, code, message, remaining);
  }
}
