package dev.warden.budget;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * The period a budget or quota counts over (SPEC §6). {@link #HOUR}, {@link #DAY} and {@link
 * #MONTH} are calendar-aligned in a time zone: a day is local midnight to local midnight, so it is
 * 23 or 25 hours long across a daylight-saving change; {@link #REQUEST} caps each request alone and
 * keeps no counter.
 */
public enum Window {
  /** Each request on its own: the cap applies to one request's amount. */
  REQUEST("request"),
  /** From the start of a local hour to the start of the next. */
  HOUR("hour"),
  /** From local midnight to the next local midnight. */
  DAY("day"),
  /** From local midnight on the first of the month to the same on the first of the next. */
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
    ZonedDateTime local = now.atZone(zone);
    ZonedDateTime start =
        switch (this) {
          case REQUEST -> throw new IllegalStateException("a request window has no bounds");
          // An hour is truncated on the instant's time line, then re-read locally, so a zone
          // with a 30- or 45-minute offset still gets local hours, and a repeated hour at the
          // end of summer time is two windows.
          case HOUR -> local.truncatedTo(ChronoUnit.HOURS);
          case DAY -> local.toLocalDate().atStartOfDay(zone);
          case MONTH -> local.toLocalDate().withDayOfMonth(1).atStartOfDay(zone);
        };
    ZonedDateTime end =
        switch (this) {
          case REQUEST -> throw new IllegalStateException("unreachable");
          case HOUR -> start.plusHours(1);
          case DAY -> start.toLocalDate().plusDays(1).atStartOfDay(zone);
          case MONTH -> start.toLocalDate().plusMonths(1).atStartOfDay(zone);
        };
    return new Interval(start.toInstant(), end.toInstant());
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
