package dev.warden.store;

import java.util.List;
import java.util.Objects;

/** What {@link UsageStore#reserve} did: reserved every charge, or none because one did not fit. */
public sealed interface ReserveResult {

  /**
   * Every charge was reserved.
   *
   * @param used each counter's reserved plus committed amount right after the reservation, in the
   *     order of the charges
   */
  record Reserved(List<Long> used) implements ReserveResult {
    public Reserved {
      used = List.copyOf(used);
    }
  }

  /**
   * Nothing was reserved: {@code charge} did not fit. When several do not fit, the first in the
   * order given.
   *
   * @param charge the first charge whose counter would have exceeded its limit
   * @param used that counter's reserved plus committed amount, read in the same transaction (0 for
   *     a counter that does not exist yet)
   */
  record Exceeded(Charge charge, long used) implements ReserveResult {
    public Exceeded {
      Objects.requireNonNull(charge, "charge");
      if (used < 0) {
        throw new IllegalArgumentException("used is not negative, got " + used);
      }
    }
  }
}
