package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warden's clock stepped forward and back while it serves (issue 9; THREAT-MODEL "Clock jumps").
 * Freshness is judged by Warden's clock, so a jump fails closed: requests signed by agents with the
 * true time are refused as stale after a forward jump and as not yet valid after a backward one,
 * and their nonces are not burnt. A captured request replayed after the clock went forward
 * (dropping its nonce from memory) and back again is still refused: the nonce's database row is
 * only purged by the housekeeping that runs once a minute, and that is the documented gap.
 */
class ClockJumpTest {
  private static final String PAY = "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\"}";

  @TempDir Path tmp;

  /** A clock a test sets; starts at the true time. */
  static final class SteppedClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    void step(Duration by) {
      offset = offset.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new IllegalArgumentException("a stepped clock is UTC only");
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }
  }

  @Test
  void clockSteppedForwardThenBack_failsClosedAndNeverReacceptsANonce() throws Exception {
    SteppedClock clock = new SteppedClock();
    try (TestWarden w = TestWarden.start(tmp, clock)) {
      TestWarden.Agent agent = w.createAgent("agent-1");
      TestWarden.Req captured = TestWarden.req(PAY);
      assertThat(w.send(agent.key(), captured).statusCode()).isEqualTo(200);

      clock.step(Duration.ofHours(1));
      TestWarden.Req trueTime = TestWarden.req(PAY);
      RefusalTest.assertProblem(w.send(agent.key(), trueTime), 401, "auth.signature_expired");
      RefusalTest.assertProblem(w.send(agent.key(), captured), 401, "auth.signature_expired");
      // An agent whose clock agrees with Warden's is served, and that drops expired nonces.
      TestWarden.Req agreeing = TestWarden.req(PAY);
      agreeing.created = clock.instant().getEpochSecond();
      assertThat(w.send(agent.key(), agreeing).statusCode()).isEqualTo(200);

      clock.step(Duration.ofHours(-2));
      TestWarden.Req future = TestWarden.req(PAY);
      RefusalTest.assertProblem(w.send(agent.key(), future), 401, "auth.signature_not_yet_valid");

      clock.step(Duration.ofHours(1)); // back to the true time
      RefusalTest.assertProblem(w.send(agent.key(), captured), 409, "replay.nonce_reused");
      // Refused before authentication, the true-time request's nonce was not burnt.
      HttpResponse<String> again = w.send(agent.key(), trueTime);
      assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    }
  }
}
