package dev.warden.budget;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The period a budget or quota counts over (SPEC §6). {@link #HOUR}, {@link #DAY} and {@link
 * #MONTH} are calendar-aligned in a time zone: a day is local midnight to local midnight, so it is
 * 23 or 25 hours long across a daylight-saving change; {@link #REQUEST} caps each request alone and
 * keeps no counter.
 *
 * <p>For every zone and instant, the windows of one kind partition the time line: {@link #at}
 * returns an interval with {@code start <= now < end}, every instant of it maps to that same
 * interval, and the next window starts exactly at its end.
 */
public enum Window {
  /** Each request on its own: the cap applies to one request's amount. */
  REQUEST("request"),
  /**
   * From the start of a local hour to the start of the next, or to a change of the zone's UTC
   * offset, whichever comes first: the repeated hour at the end of summer time is two windows, and
   * a change by 30 or 45 minutes (Lord Howe, Chatham) makes a short one.
   */
  HOUR("hour"),
  /**
   * From the first moment of a local date to the first moment of the next (23 or 25 hours across a
   * daylight-saving change).
   */
  DAY("day"),
  /** From the first moment of the first of a month, local time, to the same in the next month. */
  MONTH("month");

  private final String wireName;

  Window(String wireName) {
    this.wireName = wireName;
  }

  /** The lower-case name used in policy documents. */
  public String wireName() {
    return wireName;
  }

  /** The window whose {@link #wireName()} is exactly {@code name}, if any. */
  public static Optional<Window> fromWireName(String name) {
    for (Window w : values()) {
      if (w.wireName.equals(name)) {
        return Optional.of(w);
      }
    }
    return Optional.empty();
  }

  /**
   * The window of this kind that contains {@code now} in {@code zone}: {@code start <= now < end}.
   *
   * @throws IllegalStateException for {@link #REQUEST}, which has no calendar bounds
   */
  public Interval at(Instant now, ZoneId zone) {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(zone, "zone");
    return switch (this) {
      case REQUEST -> throw new IllegalStateException("a request window has no bounds");
      case HOUR -> hour(now, zone.getRules());
      case DAY, MONTH -> calendar(now, zone);
    };
  }

  /**
   * Whole local hours under the offset in force at {@code now}, cut at the offset's changes. Within
   * one offset's period local time runs in step with the instant, so its whole hours are one hour
   * apart; a cut at each change keeps the windows a partition even when the change is not a whole
   * hour or does not happen on the hour.
   */
  private static Interval hour(Instant now, ZoneRules rules) {
    ZoneOffset offset = rules.getOffset(now);
    Instant start =
        LocalDateTime.ofInstant(now, offset).truncatedTo(ChronoUnit.HOURS).toInstant(offset);
    Instant end = start.plus(1, ChronoUnit.HOURS);
    // previousTransition is strictly before its argument: a change exactly at now starts a window.
    @Nullable ZoneOffsetTransition previous = rules.previousTransition(now.plusNanos(1));
    if (previous != null && previous.getInstant().isAfter(start)) {
      start = previous.getInstant();
    }
    @Nullable ZoneOffsetTransition next = rules.nextTransition(now);
    if (next != null && next.getInstant().isBefore(end)) {
      end = next.getInstant();
    }
    return new Interval(start, end);
  }

  /**
   * A date's (or month's) window starts at the earliest instant its first local moment is reached.
   * Where summer time ends just after midnight, local time falls back into the previous date after
   * the next one has begun; such a moment belongs to the date already begun, hence the loop.
   */
  private Interval calendar(Instant now, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    LocalDateTime first = firstMoment(LocalDateTime.ofInstant(now, zone));
    Instant start = reached(first, rules);
    Instant end = reached(following(first), rules);
    while (!end.isAfter(now)) {
      first = following(first);
      start = end;
      end = reached(following(first), rules);
    }
    return new Interval(start, end);
  }

  /**
   * The earliest instant at which local time reaches {@code local}: its first occurrence in an
   * overlap, and the change itself when the clocks skip it. ({@link java.time.ZonedDateTime#of}
   * would move a skipped time later by the gap's length, past the change when the gap does not
   * start on it.)
   */
  private static Instant reached(LocalDateTime local, ZoneRules rules) {
    @Nullable ZoneOffsetTransition change = rules.getTransition(local);
    if (change == null) {
      return local.toInstant(rules.getOffset(local));
    }
    return change.isGap() ? change.getInstant() : local.toInstant(change.getOffsetBefore());
  }

  private LocalDateTime firstMoment(LocalDateTime local) {
    LocalDateTime midnight = local.toLocalDate().atStartOfDay();
    return this == MONTH ? midnight.withDayOfMonth(1) : midnight;
  }

  private LocalDateTime following(LocalDateTime first) {
    return this == MONTH ? first.plusMonths(1) : first.plusDays(1);
  }

  /**
   * A half-open interval of time.
   *
   * @param start the first instant in the window
   * @param end the first instant after it
   */
  public record Interval(Instant start, Instant end) {
    public Interval {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      if (!end.isAfter(start)) {
        throw new IllegalArgumentException("a window ends after it starts");
      }
    }
  }
}
