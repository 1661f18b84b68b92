package dev.warden.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.idempotency.IdempotencyGuard.Start;
import dev.warden.log.GroupCommitLog;
import dev.warden.log.InMemoryLogStore;
import dev.warden.log.PendingEntry;
import dev.warden.log.TestCheckpoints;
import dev.warden.store.IdempotencyRecord;
import dev.warden.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link IdempotencyGuard#begin} and {@link IdempotencyGuard#end}: the SPEC §4 state machine. */
class IdempotencyGuardTest {
  private static final Instant NOW = Instant.parse("2026-11-21T23:40:00Z");
  private static final byte[] DIGEST_A = filled(0xaa);
  private static final byte[] DIGEST_B = filled(0xbb);

  private final InMemoryLogStore store = new InMemoryLogStore();
  private final IdempotencyGuard guard = new IdempotencyGuard(store, 255);

  @Test
  void begin_unusedKey_fresh() throws Exception {
    Start s = guard.begin("agent-1", "key-1", DIGEST_A, NOW);
    assertThat(s).isEqualTo(new Start.Fresh("agent-1", "key-1"));
  }

  @Test
  void begin_sameKeyWhileInFlightSameBody_inFlight409() throws Exception {
    guard.begin("agent-1", "key-1", DIGEST_A, NOW);

    assertThatThrownBy(() -> guard.begin("agent-1", "key-1", DIGEST_A.clone(), NOW))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            r -> {
              assertThat(r.code()).isEqualTo(ErrorCode.IDEMPOTENCY_IN_FLIGHT);
              assertThat(r.code().status()).isEqualTo(409);
            });
  }

  @Test
  void begin_sameKeyWhileInFlightOtherBody_keyReused422() throws Exception {
    guard.begin("agent-1", "key-1", DIGEST_A, NOW);

    assertThatThrownBy(() -> guard.begin("agent-1", "key-1", DIGEST_B, NOW))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            r -> {
              assertThat(r.code()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED);
              assertThat(r.code().status()).isEqualTo(422);
            });
  }

  @Test
  void begin_callerChangesDigestArrayAfterBegin_claimKeepsOriginalDigest() throws Exception {
    byte[] digest = DIGEST_A.clone();
    guard.begin("agent-1", "key-1", digest, NOW);
    Arrays.fill(digest, (byte) 0xbb);

    assertThatThrownBy(() -> guard.begin("agent-1", "key-1", DIGEST_A, NOW))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            r -> assertThat(r.code()).isEqualTo(ErrorCode.IDEMPOTENCY_IN_FLIGHT));
  }

  @Test
  void end_afterFresh_releasesKey() throws Exception {
    Start.Fresh claim = (Start.Fresh) guard.begin("agent-1", "key-1", DIGEST_A, NOW);
    guard.end(claim);
    assertThat(guard.begin("agent-1", "key-1", DIGEST_A, NOW)).isInstanceOf(Start.Fresh.class);
  }

  @Test
  void begin_sameKeyOtherAgent_independent() throws Exception {
    guard.begin("agent-1", "key-1", DIGEST_A, NOW);
    assertThat(guard.begin("agent-2", "key-1", DIGEST_B, NOW))
        .isEqualTo(new Start.Fresh("agent-2", "key-1"));
  }

  @Test
  void begin_storedRecordSameBody_replaysItsDecisionAndHoldsNothing() throws Exception {
    store.putIdempotency(
        new IdempotencyRecord("agent-1", "key-1", DIGEST_A, "01JDECISION", NOW.plusSeconds(60)));

    assertThat(guard.begin("agent-1", "key-1", DIGEST_A, NOW))
        .isEqualTo(new Start.Replay("01JDECISION"));
    // A replay claims nothing: the next retry replays again instead of seeing "in flight".
    assertThat(guard.begin("agent-1", "key-1", DIGEST_A, NOW))
        .isEqualTo(new Start.Replay("01JDECISION"));
  }

  @Test
  void begin_afterDecisionLoggedWithItsRecord_replaysThatDecision() throws Exception {
    Start.Fresh claim = (Start.Fresh) guard.begin("agent-1", "key-1", DIGEST_A, NOW);
    try (GroupCommitLog log = GroupCommitLog.start(store, TestCheckpoints::sign)) {
      log.append(
          new PendingEntry(
              "{\"kind\":\"decision\"}".getBytes(StandardCharsets.UTF_8),
              "01JDECISION",
              "agent-1",
              null,
              new IdempotencyRecord(
                  claim.agentId(), claim.key(), DIGEST_A, "01JDECISION", NOW.plusSeconds(86_400))));
    }
    guard.end(claim);

    assertThat(guard.begin("agent-1", "key-1", DIGEST_A, NOW.plusSeconds(60)))
        .isEqualTo(new Start.Replay("01JDECISION"));
    assertThatThrownBy(() -> guard.begin("agent-1", "key-1", DIGEST_B, NOW.plusSeconds(60)))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            r -> assertThat(r.code()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED));
  }

  @Test
  void begin_storedRecordOtherBody_keyReusedAndHoldsNothing() throws Exception {
    store.putIdempotency(
        new IdempotencyRecord("agent-1", "key-1", DIGEST_A, "01JDECISION", NOW.plusSeconds(60)));

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> guard.begin("agent-1", "key-1", DIGEST_B, NOW))
          .isInstanceOfSatisfying(
              RequestRejected.class,
              r -> assertThat(r.code()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED));
    }
  }

  @Test
  void begin_storedRecordExpired_fresh() throws Exception {
    store.putIdempotency(
        new IdempotencyRecord("agent-1", "key-1", DIGEST_A, "01JDECISION", NOW.minusMillis(1)));
    assertThat(guard.begin("agent-1", "key-1", DIGEST_B, NOW)).isInstanceOf(Start.Fresh.class);
  }

  @Test
  void begin_storeUnavailable_throwsAndReleasesKey() throws Exception {
    store.failWith(new StoreException(StoreException.Kind.UNAVAILABLE, "down"));
    assertThatThrownBy(() -> guard.begin("agent-1", "key-1", DIGEST_A, NOW))
        .isInstanceOf(StoreException.class);

    store.heal();
    assertThat(guard.begin("agent-1", "key-1", DIGEST_A, NOW)).isInstanceOf(Start.Fresh.class);
  }

  @Test
  void begin_concurrentSameKey_exactlyOneFresh() throws Exception {
    for (int round = 0; round < 50; round++) {
      IdempotencyGuard g = new IdempotencyGuard(store, 255);
      String key = "key-" + round;
      AtomicInteger fresh = new AtomicInteger();
      AtomicInteger inFlight = new AtomicInteger();
      CountDownLatch go = new CountDownLatch(1);
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> all = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
          all.add(
              pool.submit(
                  () -> {
                    go.await();
                    try {
                      g.begin("agent-1", key, DIGEST_A, NOW);
                      fresh.incrementAndGet();
                    } catch (RequestRejected r) {
                      assertThat(r.code()).isEqualTo(ErrorCode.IDEMPOTENCY_IN_FLIGHT);
                      inFlight.incrementAndGet();
                    }
                    return null;
                  }));
        }
        go.countDown();
        for (Future<?> f : all) {
          f.get();
        }
      }
      assertThat(fresh.get()).as("round %d", round).isEqualTo(1);
      assertThat(inFlight.get()).as("round %d", round).isEqualTo(15);
    }
  }

  private static byte[] filled(int b) {
    byte[] a = new byte[32];
    Arrays.fill(a, (byte) b);
    return a;
  }
}
