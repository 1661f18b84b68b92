package dev.warden.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Window#at}: calendar windows in real zones, across daylight-saving changes, and a seeded
 * check over every zone's changes that the windows partition time. Reproduce a failure with {@code
 * -Dwarden.seed=<the seed in its message>}.
 */
class WindowTest {

  private static final long SEED = Long.getLong("warden.seed", 0x3a11_d0c5L);
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

  private static Window.Interval interval(String start, String end) {
    return new Window.Interval(Instant.parse(start), Instant.parse(end));
  }

  private static Duration length(Window.Interval i) {
    return Duration.between(i.start(), i.end());
  }

  @Test
  void at_lastMillisecondOfABerlinDay_isThatLocalDay() {
    Instant now = Instant.parse("2026-11-22T22:59:59.999Z"); // 23:59:59.999+01:00

    assertThat(Window.DAY.at(now, BERLIN))
        .isEqualTo(interval("2026-11-21T23:00:00Z", "2026-11-22T23:00:00Z"));
    assertThat(Window.DAY.at(now.plusMillis(1), BERLIN).start())
        .isEqualTo(Instant.parse("2026-11-22T23:00:00Z"));
  }

  @Test
  void at_endOfMonthInBerlin_runsFromTheFirstToTheFirst() {
    Instant now = Instant.parse("2026-11-30T22:30:00Z"); // 23:30 on the 30th

    assertThat(Window.MONTH.at(now, BERLIN))
        .isEqualTo(interval("2026-10-31T23:00:00Z", "2026-11-30T23:00:00Z"));
  }

  @Test
  void at_octoberInBerlin_monthHasTheExtraHourOfTheChange() {
    Window.Interval october = Window.MONTH.at(Instant.parse("2026-10-15T12:00:00Z"), BERLIN);

    assertThat(october).isEqualTo(interval("2026-09-30T22:00:00Z", "2026-10-31T23:00:00Z"));
    assertThat(length(october)).isEqualTo(Duration.ofHours(31 * 24 + 1));
  }

  @Test
  void at_endOfDayAndYearInNewYork_isLocalMidnight() {
    Instant lastMinute = Instant.parse("2027-01-01T04:59:00Z"); // 23:59 EST on Dec 31

    assertThat(Window.DAY.at(lastMinute, NEW_YORK))
        .isEqualTo(interval("2026-12-31T05:00:00Z", "2027-01-01T05:00:00Z"));
    assertThat(Window.MONTH.at(lastMinute, NEW_YORK))
        .isEqualTo(interval("2026-12-01T05:00:00Z", "2027-01-01T05:00:00Z"));
  }

  @Test
  void at_springForwardDay_lasts23Hours() {
    Window.Interval berlin = Window.DAY.at(Instant.parse("2026-03-29T12:00:00Z"), BERLIN);
    Window.Interval newYork = Window.DAY.at(Instant.parse("2026-03-08T12:00:00Z"), NEW_YORK);

    assertThat(berlin).isEqualTo(interval("2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"));
    assertThat(length(berlin)).isEqualTo(Duration.ofHours(23));
    assertThat(newYork).isEqualTo(interval("2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"));
    assertThat(length(newYork)).isEqualTo(Duration.ofHours(23));
  }

  @Test
  void at_fallBackDay_lasts25Hours() {
    Window.Interval berlin = Window.DAY.at(Instant.parse("2026-10-25T12:00:00Z"), BERLIN);
    Window.Interval newYork = Window.DAY.at(Instant.parse("2026-11-01T12:00:00Z"), NEW_YORK);

    assertThat(berlin).isEqualTo(interval("2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z"));
    assertThat(length(berlin)).isEqualTo(Duration.ofHours(25));
    assertThat(newYork).isEqualTo(interval("2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z"));
    assertThat(length(newYork)).isEqualTo(Duration.ofHours(25));
  }

  @Test
  void at_repeatedHourInBerlin_isTwoWindowsOfAnHour() {
    Window.Interval first = Window.HOUR.at(Instant.parse("2026-10-25T00:30:00Z"), BERLIN);
    Window.Interval second = Window.HOUR.at(Instant.parse("2026-10-25T01:30:00Z"), BERLIN);

    // Both are 02:30 local: once at +02:00, once at +01:00.
    assertThat(first).isEqualTo(interval("2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z"));
    assertThat(second).isEqualTo(interval("2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"));
  }

  @Test
  void at_hourAfterTheSkippedHour_startsAtTheChange() {
    // 01:59+01:00, then 03:00+02:00: the local hour 02 never happens.
    assertThat(Window.HOUR.at(Instant.parse("2026-03-29T00:59:00Z"), BERLIN))
        .isEqualTo(interval("2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z"));
    assertThat(Window.HOUR.at(Instant.parse("2026-03-29T01:00:00Z"), BERLIN))
        .isEqualTo(interval("2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"));
  }

  @Test
  void at_kolkata_hoursAndDaysFollowTheHalfHourOffset() {
    Instant now = Instant.parse("2026-11-22T05:17:00Z"); // 10:47+05:30

    assertThat(Window.HOUR.at(now, KOLKATA))
        .isEqualTo(interval("2026-11-22T04:30:00Z", "2026-11-22T05:30:00Z"));
    assertThat(Window.DAY.at(now, KOLKATA))
        .isEqualTo(interval("2026-11-21T18:30:00Z", "2026-11-22T18:30:00Z"));
  }

  @Test
  void at_februaryOfALeapYear_endsAfterThe29th() {
    Instant lastMoment = Instant.parse("2028-02-29T22:59:59.999Z"); // 23:59:59.999+01:00

    assertThat(Window.MONTH.at(lastMoment, BERLIN))
        .isEqualTo(interval("2028-01-31T23:00:00Z", "2028-02-29T23:00:00Z"));
    assertThat(Window.DAY.at(lastMoment, BERLIN))
        .isEqualTo(interval("2028-02-28T23:00:00Z", "2028-02-29T23:00:00Z"));
    assertThat(Window.MONTH.at(Instant.parse("2027-02-15T00:00:00Z"), BERLIN))
        .isEqualTo(interval("2027-01-31T23:00:00Z", "2027-02-28T23:00:00Z"));
  }

  @Test
  void at_lordHoweHalfHourChange_cutsTheHourAtTheChange() {
    ZoneId lordHowe = ZoneId.of("Australia/Lord_Howe");
    // 2026-04-05 02:00+11:00 (15:00Z) becomes 01:30+10:30.

    assertThat(Window.HOUR.at(Instant.parse("2026-04-04T14:45:00Z"), lordHowe))
        .isEqualTo(interval("2026-04-04T14:00:00Z", "2026-04-04T15:00:00Z"));
    assertThat(Window.HOUR.at(Instant.parse("2026-04-04T15:15:00Z"), lordHowe))
        .isEqualTo(interval("2026-04-04T15:00:00Z", "2026-04-04T15:30:00Z"));
    assertThat(Window.HOUR.at(Instant.parse("2026-04-04T15:30:00Z"), lordHowe))
        .isEqualTo(interval("2026-04-04T15:30:00Z", "2026-04-04T16:30:00Z"));
  }

  @Test
  void at_stJohnsChangeJustAfterMidnight_dayContainsTheRepeatedHour() {
    ZoneId stJohns = ZoneId.of("America/St_Johns");
    // At 00:01-02:30 on 1990-10-28 the clocks went back to 23:01-03:30 on the 27th: the 27th's
    // last hour came again after the 28th had begun. It belongs to the 28th, 25 hours long.
    Instant repeated = Instant.parse("1990-10-28T02:45:00Z");

    Window.Interval day = Window.DAY.at(repeated, stJohns);

    assertThat(day.start()).isEqualTo(Instant.parse("1990-10-28T02:30:00Z"));
    assertThat(day.end()).isEqualTo(Instant.parse("1990-10-29T03:30:00Z"));
  }

  @Test
  void at_request_throwsIllegalState() {
    assertThatThrownBy(() -> Window.REQUEST.at(Instant.EPOCH, BERLIN))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void fromWireName_eachName_roundTrips() {
    for (Window w : Window.values()) {
      assertThat(Window.fromWireName(w.wireName())).contains(w);
    }
    assertThat(Window.fromWireName("week")).isEmpty();
    assertThat(Window.fromWireName("DAY")).isEmpty();
  }

  /**
   * Around every offset change of every zone from 1970 to 2037, each window contains its instant,
   * maps each of its ends to itself and is followed by a window starting at its end.
   */
  @Test
  void at_aroundEveryZoneChange_windowsPartitionTime() {
    Instant from = Instant.parse("1970-01-01T00:00:00Z");
    Instant to = Instant.parse("2038-01-01T00:00:00Z");
    long checked = 0;
    for (String id : ZoneId.getAvailableZoneIds().stream().sorted().toList()) {
      ZoneId zone = ZoneId.of(id);
      ZoneRules rules = zone.getRules();
      long seed = SEED + id.hashCode();
      SplittableRandom random = new SplittableRandom(seed);
      ZoneOffsetTransition change = rules.nextTransition(from);
      while (change != null && change.getInstant().isBefore(to)) {
        Instant t = change.getInstant();
        Instant[] probes = {
          t, t.minusNanos(1), t.plusSeconds(random.nextLong(-26 * 3600, 26 * 3600)),
        };
        for (Instant now : probes) {
          for (Window w : new Window[] {Window.HOUR, Window.DAY, Window.MONTH}) {
            checkPartition(w, now, zone, seed);
            checked++;
          }
        }
        change = rules.nextTransition(t);
      }
    }
    assertThat(checked).as("instants checked").isGreaterThan(10_000);
  }

  private static void checkPartition(Window w, Instant now, ZoneId zone, long seed) {
    String where = String.format("seed %d: %s at %s in %s", seed, w, now, zone);
    Window.Interval i = w.at(now, zone);
    assertThat(i.start()).as(where).isBeforeOrEqualTo(now);
    assertThat(i.end()).as(where).isAfter(now);
    assertThat(w.at(i.start(), zone)).as(where + ", at its start").isEqualTo(i);
    assertThat(w.at(i.end().minusNanos(1), zone)).as(where + ", before its end").isEqualTo(i);
    assertThat(w.at(i.end(), zone).start()).as(where + ", the next window").isEqualTo(i.end());
  }
}
