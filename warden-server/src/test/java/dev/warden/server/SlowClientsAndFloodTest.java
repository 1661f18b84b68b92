package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Hostile clients that do not send bad bytes but too few or too many (issue 9): slow connections
 * that stall mid-headers are cut by the idle timeout and do not starve a signed agent meanwhile; a
 * flood of unsigned requests leaves the agent served, and the log grows by one {@code
 * refusal_summary} per reason, source and interval whose counts add up to every refusal.
 */
class SlowClientsAndFloodTest extends OneWardenTest {
  private static final String PAY = "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\"}";

  /** Generous: the machine running the suite is shared and slow. */
  private static final Duration AGENT_BOUND = Duration.ofSeconds(5);

  @Test
  void slowloris_stalledConnectionsCutByIdleTimeout_agentServedMeanwhile() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        Socket s = new Socket("127.0.0.1", w.server().port());
        s.getOutputStream()
            .write(
                "POST /v1/decisions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a"
                    .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        slow.add(s);
      }
      long opened = System.nanoTime();
      for (int i = 0; i < 20; i++) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = w.send(agent.key(), TestWarden.req(PAY));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
            .as("a signed request while 200 connections stall")
            .isLessThan(AGENT_BOUND);
      }
      // Every stalled connection is closed (or answered and closed) by the server.
      long deadline = opened + TimeUnit.SECONDS.toNanos(30 + 30);
      for (Socket s : slow) {
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        s.setSoTimeout((int) left);
        assertThat(drainUntilClosed(s.getInputStream()))
            .as("the server closes a connection stalled mid-headers after its idle timeout")
            .isTrue();
      }
      assertThat(Duration.ofNanos(System.nanoTime() - opened))
          .as("cut by the 30 s idle timeout, not later")
          .isLessThan(Duration.ofSeconds(60));
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  @Test
  void unsignedFlood_agentServedAndLogGrowsBySummariesThatCountEveryRefusal() throws Exception {
    int before = w.entries().size();
    long summarizedBefore = summarized();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong refused = new AtomicLong();
    AtomicLong other = new AtomicLong();
    ExecutorService flood = Executors.newVirtualThreadPerTaskExecutor();
    for (int t = 0; t < 8; t++) {
      flood.execute(
          () -> {
            while (!stop.get()) {
              try {
                HttpResponse<String> r = w.sendUnsigned(PAY);
                (r.statusCode() == 401 ? refused : other).incrementAndGet();
              } catch (InterruptedException e) {
                return;
              } catch (Exception e) {
                other.incrementAndGet();
              }
            }
          });
    }
    int decided = 0;
    long worst = 0;
    try {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
      while (System.nanoTime() < end) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = w.send(agent.key(), TestWarden.req(PAY));
        worst = Math.max(worst, System.nanoTime() - t0);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        decided++;
      }
    } finally {
      stop.set(true);
      flood.shutdown();
      assertThat(flood.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Duration.ofNanos(worst))
        .as("the agent's slowest answer during the flood")
        .isLessThan(AGENT_BOUND);
    assertThat(other.get()).as("flood requests answered other than 401").isZero();
    assertThat(refused.get()).as("the flood was a flood").isGreaterThan(10L * decided);

    // Summaries are flushed every second in tests: wait for the last window.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (summarized() - summarizedBefore < refused.get() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(summarized() - summarizedBefore)
        .as("the summaries count every unsigned refusal: nothing is silent")
        .isEqualTo(refused.get());
    List<JsonNode> added = w.entries().subList(before, w.entries().size());
    long summaries = added.stream().filter(e -> kind(e).equals("refusal_summary")).count();
    assertThat(added.size() - summaries).as("the agent's decisions").isEqualTo(decided);
    assertThat(summaries)
        .as(
            "%d refusals in ~8 s are about one summary per second (one reason, one source), not"
                + " one entry each",
            refused.get())
        .isBetween(1L, 20L);
  }

  private long summarized() throws Exception {
    return w.entries("refusal_summary").stream()
        .filter(e -> e.path("code").asText().equals("auth.missing_signature"))
        .mapToLong(e -> e.path("count").asLong())
        .sum();
  }

  private static String kind(JsonNode e) {
    return e.path("kind").asText();
  }

  /** Reads until the peer closes; false if it is still open when the socket's timeout passes. */
  private static boolean drainUntilClosed(InputStream in) throws IOException {
    byte[] buf = new byte[1024];
    try {
      while (in.read(buf) >= 0) {
        // an answer (408 or 400) before the close is fine
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by the server
    }
  }
}
