package dev.warden.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.log.MutableClock;
import dev.warden.store.NonceRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ReplayGuard}: the cases the model test covers at random, spelled out. */
class ReplayGuardTest {
  // 23:39:50 is a bucket boundary: epoch seconds divisible by 10.
  private static final Instant BOUNDARY = Instant.parse("2026-11-21T23:39:50Z");

  private final MutableClock clock = new MutableClock(BOUNDARY.minusSeconds(3));
  private final ReplayGuard guard = new ReplayGuard(clock);

  @Test
  void reserve_sameNonceTwice_secondRefusedWithReplayCode() throws RequestRejected {
    guard.reserve("agent-a", "nonce-1", BOUNDARY.plusSeconds(300));

    assertThatThrownBy(() -> guard.reserve("agent-a", "nonce-1", BOUNDARY.plusSeconds(300)))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            r -> {
              assertThat(r.code()).isEqualTo(ErrorCode.REPLAY_NONCE_REUSED);
              assertThat(r.detail()).contains("agent-a").contains("fresh nonce");
            });
  }

  @Test
  void reserve_sameNonceOtherAgent_accepted() throws RequestRejected {
    guard.reserve("agent-a", "nonce-1", BOUNDARY.plusSeconds(300));
    assertThatCode(() -> guard.reserve("agent-b", "nonce-1", BOUNDARY.plusSeconds(300)))
        .doesNotThrowAnyException();
    assertThat(guard.size()).isEqualTo(2);
  }

  @Test
  void reserve_agentAndNonceSplitDifferently_notConfused() throws RequestRejected {
    guard.reserve("agent-a", "bnonce", BOUNDARY.plusSeconds(300));
    assertThatCode(() -> guard.reserve("agent-ab", "nonce", BOUNDARY.plusSeconds(300)))
        .doesNotThrowAnyException();
  }

  @Test
  void reserve_expiryExactlyNow_stillRefused() throws RequestRejected {
    Instant exp = BOUNDARY.plusMillis(9_999); // last instant of the bucket
    guard.reserve("agent-a", "nonce-1", exp);
    clock.set(exp);
    assertThatThrownBy(() -> guard.reserve("agent-a", "nonce-1", exp.plusSeconds(300)))
        .isInstanceOf(RequestRejected.class);
  }

  @Test
  void reserve_afterExpiryBucketEnds_nonceForgottenAndAcceptedAgain() throws RequestRejected {
    Instant exp = BOUNDARY.plusSeconds(4); // bucket [50 s, 60 s)
    guard.reserve("agent-a", "nonce-1", exp);

    clock.set(BOUNDARY.plusSeconds(10)); // expired, and the bucket that held it has ended
    assertThatCode(() -> guard.reserve("agent-a", "nonce-1", clock.instant().plusSeconds(300)))
        .doesNotThrowAnyException();
    assertThat(guard.size()).isEqualTo(1);
  }

  @Test
  void reserve_dropsEveryEndedBucketAndKeepsLiveOnes() throws RequestRejected {
    guard.reserve("agent-a", "n-early", BOUNDARY.plusSeconds(1));
    guard.reserve("agent-a", "n-mid", BOUNDARY.plusSeconds(15));
    guard.reserve("agent-a", "n-late", BOUNDARY.plusSeconds(300));
    assertThat(guard.size()).isEqualTo(3);

    clock.set(BOUNDARY.plusSeconds(20));
    guard.reserve("agent-a", "n-new", BOUNDARY.plusSeconds(300));

    assertThat(guard.size()).isEqualTo(2);
    assertThatThrownBy(() -> guard.reserve("agent-a", "n-late", BOUNDARY.plusSeconds(300)))
        .isInstanceOf(RequestRejected.class);
  }

  @Test
  void warm_liveRecords_refusedAfterwards() {
    guard.warm(
        List.of(
            new NonceRecord("agent-a", "stored-1", BOUNDARY.plusSeconds(100)),
            new NonceRecord("agent-b", "stored-2", BOUNDARY.plusSeconds(200))));

    assertThat(guard.size()).isEqualTo(2);
    assertThatThrownBy(() -> guard.reserve("agent-a", "stored-1", BOUNDARY.plusSeconds(300)))
        .isInstanceOf(RequestRejected.class);
    assertThatThrownBy(() -> guard.reserve("agent-b", "stored-2", BOUNDARY.plusSeconds(300)))
        .isInstanceOf(RequestRejected.class);
  }

  @Test
  void warm_expiredRecords_droppedOnNextReserve() throws RequestRejected {
    guard.warm(List.of(new NonceRecord("agent-a", "old", BOUNDARY.minusSeconds(60))));
    guard.reserve("agent-a", "other", BOUNDARY.plusSeconds(300));

    assertThat(guard.size()).isEqualTo(1);
    assertThatCode(() -> guard.reserve("agent-a", "old", BOUNDARY.plusSeconds(300)))
        .doesNotThrowAnyException();
  }

  @Test
  void reserve_clockMovesBackwards_liveNonceStillRefused() throws RequestRejected {
    guard.reserve("agent-a", "nonce-1", BOUNDARY.plusSeconds(100));
    clock.advance(Duration.ofSeconds(-3_600));
    assertThatThrownBy(() -> guard.reserve("agent-a", "nonce-1", BOUNDARY.plusSeconds(100)))
        .isInstanceOf(RequestRejected.class);
  }

  @Test
  void hash_neverZero_andDependsOnAgentAndNonce() {
    assertThat(ReplayGuard.hash("a", "b")).isNotZero().isNotEqualTo(ReplayGuard.hash("b", "a"));
    assertThat(ReplayGuard.hash("ab", "c")).isNotEqualTo(ReplayGuard.hash("a", "bc"));
  }
}
