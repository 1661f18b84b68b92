package dev.warden.client.warrant;

import java.time.Instant;

/**
 * The decision ids {@link UsedWarrants} accepts: one word of printable ASCII, as the file needs.
 */
final class WarrantIds {
  static final int MAX_LENGTH = 128;

  private WarrantIds() {}

  /**
   * @throws IllegalArgumentException unless {@code id} is 1 to 128 characters from '!' to '~'
   */
  static String require(String id) {
    boolean ok = !id.isEmpty() && id.length() <= MAX_LENGTH;
    for (int i = 0; ok && i < id.length(); i++) {
      ok = id.charAt(i) >= '!' && id.charAt(i) <= '~';
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "a decision id is 1 to " + MAX_LENGTH + " printable ASCII characters without space");
    }
    return id;
  }

  /** {@code instant} in epoch milliseconds, rounded up so that nothing is forgotten early. */
  static long ceilMillis(Instant instant) {
    long millis = instant.toEpochMilli();
    return instant.getNano() % 1_000_000 == 0 ? millis : millis + 1;
  }
}
