package dev.warden.store.contract;

import static dev.warden.store.contract.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.Charge;
import dev.warden.store.ExpiredReservation;
import dev.warden.store.ReserveResult;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.UsageStore;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link UsageStore}: reservations against counters, all or none, and their state machine (reserved
 * → committed | released, both final).
 */
public interface UsageStoreContract extends ContractFixture {

  /** The end of the windows of the counters in these tests. */
  Instant WINDOW_END = at(86_400);

  private UsageStore usage() {
    return store().usage();
  }

  private static Charge charge(String counter, long limit, long amount) {
    return new Charge(counter, limit, amount, WINDOW_END);
  }

  private ReserveResult reserve(String id, Charge... charges) throws StoreException {
    return usage().reserve(id, List.of(charges), at(0), at(600));
  }

  @Test
  default void reserve_fits_countsItDurably() throws Exception {
    ReserveResult first = reserve("r1", charge("c1", 100, 30));
    ReserveResult second = reserve("r2", charge("c1", 100, 20), charge("c2", 5, 5));

    assertThat(first).isEqualTo(new ReserveResult.Reserved(List.of(30L)));
    assertThat(second).isEqualTo(new ReserveResult.Reserved(List.of(50L, 5L)));
    UsageStore reopened = reopen().usage();
    assertThat(reopened.used("c1")).isEqualTo(50);
    assertThat(reopened.used("c2")).isEqualTo(5);
  }

  @Test
  default void reserve_exactlyAtTheLimit_fitsAndOneMoreDoesNot() throws Exception {
    reserve("r1", charge("c1", 100, 60));

    assertThat(reserve("r2", charge("c1", 100, 40)))
        .isEqualTo(new ReserveResult.Reserved(List.of(100L)));
    Charge oneMore = charge("c1", 100, 1);
    assertThat(reserve("r3", oneMore)).isEqualTo(new ReserveResult.Exceeded(oneMore, 100));
    assertThat(usage().used("c1")).isEqualTo(100);
  }

  @Test
  default void reserve_moreThanTheLimitOnANewCounter_writesNothing() throws Exception {
    Charge tooMuch = charge("c1", 100, 101);

    assertThat(reserve("r1", tooMuch)).isEqualTo(new ReserveResult.Exceeded(tooMuch, 0));

    assertThat(usage().used("c1")).isZero();
    assertThat(usage().expired(at(10_000), 10)).isEmpty();
    assertThat(usage().purge(at(1_000_000))).as("no counter was created").isZero();
    assertThat(reserve("r1", charge("c1", 100, 100))).isInstanceOf(ReserveResult.Reserved.class);
  }

  @Test
  default void reserve_oneOfSeveralChargesDoesNotFit_reservesNone() throws Exception {
    reserve("r1", charge("c2", 10, 8));
    Charge fits = charge("c1", 100, 5);
    Charge doesNot = charge("c2", 10, 3);
    Charge alsoFits = charge("c3", 100, 5);

    ReserveResult result = reserve("r2", fits, doesNot, alsoFits);

    assertThat(result).isEqualTo(new ReserveResult.Exceeded(doesNot, 8));
    assertThat(usage().used("c1")).isZero();
    assertThat(usage().used("c2")).isEqualTo(8);
    assertThat(usage().used("c3")).isZero();
    assertThat(usage().expired(at(10_000), 10))
        .extracting(ExpiredReservation::reservationId)
        .containsExactly("r1");
    assertThat(reserve("r2", fits))
        .as("the id was not taken")
        .isInstanceOf(ReserveResult.Reserved.class);
  }

  @Test
  default void reserve_twoChargesDoNotFit_reportsTheFirst() throws Exception {
    Charge first = charge("c1", 1, 2);
    Charge second = charge("c2", 1, 2);

    assertThat(reserve("r1", first, second)).isEqualTo(new ReserveResult.Exceeded(first, 0));
  }

  @Test
  default void reserve_existingIdInAnyState_throwsConflictAndChangesNothing() throws Exception {
    reserve("reserved", charge("c1", 100, 1));
    reserve("committed", charge("c1", 100, 2));
    reserve("released", charge("c1", 100, 4));
    usage().commit(List.of("committed"));
    usage().release(List.of("released"));

    for (String id : List.of("reserved", "committed", "released")) {
      assertThatThrownBy(() -> reserve(id, charge("c1", 100, 10), charge("c9", 100, 10)))
          .as(id)
          .isInstanceOfSatisfying(
              StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    }
    assertThat(usage().used("c1")).isEqualTo(3);
    assertThat(usage().used("c9")).isZero();
  }

  @Test
  default void reserve_limitLoweredBelowWhatIsUsed_refusesEvenNothingMoreUntilRaised()
      throws Exception {
    reserve("r1", charge("c1", 100, 80));

    Charge lowered = charge("c1", 50, 1);
    assertThat(reserve("r2", lowered)).isEqualTo(new ReserveResult.Exceeded(lowered, 80));
    Charge zero = charge("c1", 50, 0);
    assertThat(reserve("r3", zero)).isEqualTo(new ReserveResult.Exceeded(zero, 80));
    assertThat(reserve("r4", charge("c1", 90, 10)))
        .isEqualTo(new ReserveResult.Reserved(List.of(90L)));
  }

  @Test
  default void reserve_nearTheLargestLong_neverOverflows() throws Exception {
    reserve("r1", charge("c1", Long.MAX_VALUE, Long.MAX_VALUE - 1));

    Charge two = charge("c1", Long.MAX_VALUE, 2);
    assertThat(reserve("r2", two)).isEqualTo(new ReserveResult.Exceeded(two, Long.MAX_VALUE - 1));
    assertThat(reserve("r3", charge("c1", Long.MAX_VALUE, 1)))
        .isEqualTo(new ReserveResult.Reserved(List.of(Long.MAX_VALUE)));
    assertThat(usage().commit(List.of("r1", "r3"))).isEqualTo(2);
    assertThat(usage().used("c1")).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  default void reserve_badArguments_throwIllegalArgument() {
    Charge c = charge("c1", 10, 1);
    Instant now = at(0);

    assertThatThrownBy(() -> usage().reserve("r1", List.of(), now, at(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> usage().reserve("r1", List.of(c, charge("c1", 10, 2)), now, at(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> usage().reserve("r1", List.of(c), now, now))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> usage().reserve("", List.of(c), now, at(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> usage().reserve("x".repeat(129), List.of(c), now, at(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  default void commit_reserved_movesToCommittedOnceAndIsNeverReleased() throws Exception {
    reserve("r1", charge("c1", 100, 30), charge("c2", 100, 7));

    assertThat(usage().commit(List.of("r1"))).isEqualTo(1);
    assertThat(usage().commit(List.of("r1"))).as("idempotent").isZero();
    assertThat(usage().release(List.of("r1"))).as("committed is final").isZero();

    assertThat(usage().used("c1")).isEqualTo(30);
    assertThat(usage().used("c2")).isEqualTo(7);
    assertThat(usage().expired(at(10_000), 10)).isEmpty();
    // Committed money still counts: the counter is full up to its limit.
    Charge rest = charge("c1", 100, 71);
    assertThat(reserve("r2", rest)).isEqualTo(new ReserveResult.Exceeded(rest, 30));
  }

  @Test
  default void release_reserved_givesTheAmountsBackOnceAndIsNeverCommitted() throws Exception {
    reserve("r1", charge("c1", 100, 30), charge("c2", 100, 7));
    reserve("r2", charge("c1", 100, 5));

    assertThat(usage().release(List.of("r1"))).isEqualTo(1);
    assertThat(usage().release(List.of("r1"))).as("idempotent").isZero();
    assertThat(usage().commit(List.of("r1"))).as("released is final").isZero();

    assertThat(usage().used("c1")).isEqualTo(5);
    assertThat(usage().used("c2")).isZero();
    assertThat(reserve("r3", charge("c1", 100, 95)))
        .isEqualTo(new ReserveResult.Reserved(List.of(100L)));
  }

  @Test
  default void refund_committed_givesTheAmountsBackOnce_andLeavesOthersAlone() throws Exception {
    reserve("r1", charge("c1", 100, 30));
    reserve("r2", charge("c1", 100, 5));
    reserve("r3", charge("c1", 100, 7));
    usage().commit(List.of("r1", "r3"));
    usage().release(List.of("r3"));

    assertThat(usage().refund(List.of("r2"))).as("reserved: not a refund").isZero();
    assertThat(usage().refund(List.of("r1", "nope"))).isEqualTo(1);
    assertThat(usage().refund(List.of("r1"))).as("idempotent").isZero();
    assertThat(usage().commit(List.of("r1"))).as("refunded is final").isZero();

    assertThat(usage().used("c1")).as("r2 stays reserved, r3 committed").isEqualTo(12);
  }

  @Test
  default void commitAndRelease_batchesWithUnknownAndSettledIds_moveOnlyTheReserved()
      throws Exception {
    reserve("a", charge("c1", 100, 1));
    reserve("b", charge("c1", 100, 2));
    reserve("c", charge("c1", 100, 4));
    reserve("d", charge("c1", 100, 8));
    usage().commit(List.of("a"));

    assertThat(usage().commit(List.of("a", "b", "nope", "b"))).isEqualTo(1);
    assertThat(usage().release(List.of("a", "b", "c", "nope"))).isEqualTo(1);
    assertThat(usage().commit(List.of())).isZero();
    assertThat(usage().release(List.of())).isZero();

    assertThat(reopen().usage().used("c1")).isEqualTo(1 + 2 + 8);
    assertThat(usage().expired(at(10_000), 10))
        .containsExactly(new ExpiredReservation("d", at(600)));
  }

  @Test
  default void expired_listsOnlyReservedPastTheirExpiry_earliestFirst() throws Exception {
    usage().reserve("late", List.of(charge("c1", 100, 1)), at(0), at(300));
    usage().reserve("early", List.of(charge("c1", 100, 1)), at(0), at(100));
    usage().reserve("exact", List.of(charge("c1", 100, 1)), at(0), at(500));
    usage().reserve("live", List.of(charge("c1", 100, 1)), at(0), at(900));
    usage().reserve("done", List.of(charge("c1", 100, 1)), at(0), at(50));
    usage().commit(List.of("done"));

    assertThat(usage().expired(at(500), 10))
        .containsExactly(
            new ExpiredReservation("early", at(100)), new ExpiredReservation("late", at(300)));
    assertThat(usage().expired(at(500), 1))
        .containsExactly(new ExpiredReservation("early", at(100)));
    assertThatThrownBy(() -> usage().expired(at(500), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  default void used_unknownCounter_isZero() throws Exception {
    assertThat(usage().used("never-charged")).isZero();
  }

  @Test
  default void purge_endedWindows_deletesIdleCountersAndSettledReservations() throws Exception {
    Instant laterEnd = at(2 * 86_400);
    usage().reserve("old-committed", List.of(charge("old", 100, 1)), at(0), at(600));
    usage().reserve("old-released", List.of(charge("old", 100, 2)), at(0), at(600));
    usage().reserve("old-open", List.of(charge("busy", 100, 4)), at(0), at(600));
    usage()
        .reserve(
            "both",
            List.of(charge("old", 100, 8), new Charge("new", 100, 16, laterEnd)),
            at(0),
            at(600));
    usage().commit(List.of("old-committed", "both"));
    usage().release(List.of("old-released"));

    int purged = usage().purge(WINDOW_END);

    // Counter "old" and reservations old-committed and old-released. "busy" still holds a reserved
    // amount; "both" also charged a window that has not ended; "new" has not ended.
    assertThat(purged).isEqualTo(3);
    assertThat(usage().used("old")).isZero();
    assertThat(usage().used("busy")).isEqualTo(4);
    assertThat(usage().used("new")).isEqualTo(16);
    assertThat(usage().commit(List.of("old-committed"))).isZero();
    assertThatThrownBy(() -> reserve("both", charge("x", 1, 1)))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    assertThat(reserve("old-committed", charge("x", 1, 1)))
        .as("a purged id is unknown")
        .isInstanceOf(ReserveResult.Reserved.class);

    assertThat(usage().release(List.of("old-open"))).isEqualTo(1);
    assertThat(usage().purge(WINDOW_END)).as("busy, then old-open").isEqualTo(2);
    assertThat(usage().purge(WINDOW_END.minusMillis(1))).isZero();
  }

  @Test
  default void purge_beforeTheWindowEnds_deletesNothing() throws Exception {
    reserve("r1", charge("c1", 100, 3));
    usage().commit(List.of("r1"));

    assertThat(usage().purge(WINDOW_END.minusMillis(1))).isZero();
    assertThat(usage().used("c1")).isEqualTo(3);
  }
}
