package dev.warden.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Counters of budgets and quotas, charged by reservations (SPEC §6).
 *
 * <p>A counter holds a reserved and a committed amount; its <em>used</em> amount is their sum. A
 * reservation charges one or more counters at once and then moves through this state machine:
 *
 * <pre>
 *   reserve ──▶ RESERVED ──commit──▶ COMMITTED   (the amounts move from reserved to committed)
 *                   │
 *                   └──────release─▶ RELEASED    (the amounts are taken off the counters)
 * </pre>
 *
 * COMMITTED and RELEASED are final for commit and release (only {@link #refund}, an operator's
 * correction, moves COMMITTED to RELEASED): commit and release of a reservation that is already
 * settled, either way, or that does not exist (never made, or purged), change nothing. So both are
 * idempotent, money once committed is never given back, and money released is never counted again.
 *
 * <p>Guarantees: {@link #reserve} is atomic across all its charges and never lets concurrent
 * reservations, on this node or any other sharing the database, push a counter past the limit its
 * charge carries; each counter is changed by one conditional statement (an upsert whose update only
 * happens when the charge fits), never by reading a value and writing it back. Every method that
 * changes something returns only after the change is durable. Not guaranteed: a counter over its
 * limit after the limit was lowered is not reduced; it only refuses new charges.
 */
public interface UsageStore {

  /** The longest reservation id a store must keep. */
  int MAX_RESERVATION_ID = 128;

  /**
   * In one transaction, adds each charge's amount to its counter's reserved amount if, for every
   * charge, {@code used + amount <= limit} holds (a new counter starts at 0), and records the
   * reservation as RESERVED until {@code expiresAt}. If one charge does not fit, nothing is
   * written.
   *
   * @param reservationId the reservation's id (Warden uses the decision id), 1 to {@value
   *     #MAX_RESERVATION_ID} characters, never used before
   * @param charges at least one, each on a different counter
   * @param now when the reservation is made; {@code expiresAt} must be after it
   * @param expiresAt from when {@link #expired} reports the reservation while it is still RESERVED
   * @throws StoreException {@code CONFLICT} if a reservation with this id exists in any state (a
   *     retried reservation must not charge twice; nothing is written), {@code UNAVAILABLE} if it
   *     could not be written
   * @throws IllegalArgumentException for an empty list, two charges on one counter, a bad id or an
   *     expiry not after {@code now}
   */
  ReserveResult reserve(String reservationId, List<Charge> charges, Instant now, Instant expiresAt)
      throws StoreException;

  /**
   * Moves each RESERVED reservation among {@code reservationIds} to COMMITTED, in one transaction;
   * the others are left as they are.
   *
   * @return how many reservations moved
   */
  int commit(Collection<String> reservationIds) throws StoreException;

  /**
   * Moves each RESERVED reservation among {@code reservationIds} to RELEASED, taking its amounts
   * off its counters, in one transaction; the others are left as they are.
   *
   * @return how many reservations moved
   */
  int release(Collection<String> reservationIds) throws StoreException;

  /**
   * Moves each COMMITTED reservation among {@code reservationIds} to RELEASED, taking its amounts
   * off its counters' committed amounts, in one transaction; the others are left as they are. The
   * one exception to "committed money is never given back", for an operator who confirms that an
   * action whose outcome was unknown (and whose money was therefore counted) did not happen.
   *
   * @return how many reservations moved
   */
  int refund(Collection<String> reservationIds) throws StoreException;

  /**
   * Reservations still RESERVED whose expiry is before {@code now}, the earliest expiry first, at
   * most {@code limit} (≥ 1).
   */
  List<ExpiredReservation> expired(Instant now, int limit) throws StoreException;

  /** The counter's reserved plus committed amount; 0 if it does not exist. */
  long used(String counter) throws StoreException;

  /**
   * Deletes the counters whose window ended at or before {@code now} and that hold no RESERVED
   * amount, and the settled (COMMITTED or RELEASED) reservations all of whose windows ended at or
   * before {@code now}. A purged reservation is unknown afterwards: its id may be reserved again.
   *
   * @return how many counters and reservations were deleted
   */
  int purge(Instant now) throws StoreException;
}
