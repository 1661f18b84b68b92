package dev.warden.store;

import java.time.Instant;
import java.util.Objects;

/** A reservation still in state reserved after its expiry, waiting to be committed or released. */
public record ExpiredReservation(String reservationId, Instant expiresAt) {
  public ExpiredReservation {
    Objects.requireNonNull(reservationId, "reservationId");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
