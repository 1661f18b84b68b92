package dev.warden.cli;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.httpsig.SigningKey;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The load of a crash round: {@link #LOAD_THREADS} virtual threads send a seeded random mix of
 * signed requests ({@link Kind}) while an operator thread activates a new policy every few tens of
 * milliseconds; a seeded random delay after the first answer, the server is killed with SIGKILL
 * with all of it in flight.
 */
final class CrashLoad {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int LOAD_THREADS = 16;

  /** What a request of the load asks for, and what a fresh one is answered before the kill. */
  enum Kind {
    /** {@code payments.transfer} of 1.00 USD: allowed, charged to the budget. */
    PAY("/v1/decisions", 200, "allow"),
    /** The same with an {@code Idempotency-Key}: a retry replays the answer byte for byte. */
    PAY_IDEMPOTENT("/v1/decisions", 200, "allow"),
    /** {@code files.delete}: escalated, pending for an hour. */
    ESCALATE("/v1/decisions", 202, "pending"),
    /** {@code files.purge}: escalated for 2 s, then expired by Warden (a deny). */
    ESCALATE_BRIEF("/v1/decisions", 202, "pending"),
    /**
     * {@code payments.execute} through the http adapter to the trial's upstream, with an {@code
     * Idempotency-Key}: allowed, charged, run once.
     */
    ACT("/v1/actions", 200, "allow");

    final String path;
    final int status;
    final String decision;

    Kind(String path, int status, String decision) {
      this.path = path;
      this.status = status;
      this.decision = decision;
    }
  }

  /** One request of the load: what was sent and, if it was answered, what the answer said. */
  static final class Sent {
    final Kind kind;
    final String nonce;
    final @Nullable String idempotencyKey;
    final String op;
    int status; // 0: no answer
    @Nullable String body;
    @Nullable String decisionId;
    long logIndex = -1;
    @Nullable String failure;

    Sent(Kind kind, String nonce, @Nullable String idempotencyKey, String op) {
      this.kind = kind;
      this.nonce = nonce;
      this.idempotencyKey = idempotencyKey;
      this.op = op;
    }

    String body() {
      return switch (kind) {
        case PAY, PAY_IDEMPOTENT ->
            "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\",\"params\":{\"op\":\""
                + op
                + "\"},\"amount\":{\"value\":\"1.00\",\"currency\":\"USD\"}}";
        case ESCALATE -> "{\"action\":\"files.delete\",\"resource\":\"reports/" + op + "\"}";
        case ESCALATE_BRIEF -> "{\"action\":\"files.purge\",\"resource\":\"reports/" + op + "\"}";
        case ACT ->
            "{\"action\":\"payments.execute\",\"resource\":\"acct/ops\",\"params\":{\"op\":\""
                + op
                + "\"},\"amount\":{\"value\":\"1.00\",\"currency\":\"USD\"}}";
      };
    }

    Map<String, String> headers() {
      return idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey);
    }

    @Override
    public String toString() {
      return "Sent["
          + kind
          + ", nonce="
          + nonce
          + ", status="
          + status
          + ", body="
          + body
          + ", failure="
          + failure
          + "]";
    }
  }

  /**
   * What a round sent before and during the kill.
   *
   * @param activations the hashes of the policies whose activation was answered 200
   */
  record Result(List<Sent> sent, List<String> activations) {}

  private CrashLoad() {}

  /**
   * Runs the load against {@code server}; {@code delayMs} after the first answer, kills it, then
   * waits for every call to end.
   *
   * @param policies the policy text of the {@code n}-th activation of the round
   */
  static Result loadAndKill(
      CrashWarden.Child server,
      SigningKey key,
      SplittableRandom random,
      int delayMs,
      IntFunction<String> policies,
      String at)
      throws Exception {
    Queue<Sent> sent = new ConcurrentLinkedQueue<>();
    Queue<String> activations = new ConcurrentLinkedQueue<>();
    AtomicBoolean killed = new AtomicBoolean();
    CountDownLatch firstAnswer = new CountDownLatch(1);
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    boolean answered;
    try {
      for (int t = 0; t < LOAD_THREADS; t++) {
        SplittableRandom mine = random.split();
        pool.execute(() -> agent(server, key, mine, sent, killed, firstAnswer));
      }
      pool.execute(() -> operator(server, policies, activations, killed));
      answered =
          firstAnswer.await(
              CrashWarden.REQUEST_TIMEOUT.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
      if (answered) {
        Thread.sleep(delayMs);
      }
    } finally {
      try {
        server.kill(); // with the load still running: requests are in flight
      } finally {
        killed.set(true);
        pool.shutdown();
        if (!pool.awaitTermination(CrashWarden.REQUEST_TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS)) {
          pool.shutdownNow();
          fail("%s: client calls still running 30 s after the kill", at);
        }
        server.http.shutdownNow();
      }
    }
    List<Sent> out = new ArrayList<>(sent);
    if (!answered) {
      fail(
          "%s: no request answered within %s; sent %d, e.g. %s; %s",
          at,
          CrashWarden.REQUEST_TIMEOUT.multipliedBy(2),
          out.size(),
          out.isEmpty() ? "-" : out.get(0),
          server.stderrTail());
    }
    return new Result(out, new ArrayList<>(activations));
  }

  private static void agent(
      CrashWarden.Child server,
      SigningKey key,
      SplittableRandom random,
      Queue<Sent> sent,
      AtomicBoolean killed,
      CountDownLatch firstAnswer) {
    Kind[] kinds = Kind.values();
    while (!killed.get()) {
      Kind kind = kinds[random.nextInt(kinds.length)];
      boolean idempotent = kind == Kind.PAY_IDEMPOTENT || kind == Kind.ACT;
      Sent s = new Sent(kind, newNonce(), idempotent ? newNonce() : null, newNonce());
      sent.add(s);
      try {
        HttpResponse<String> r = server.send(key, kind.path, s.body(), s.nonce, s.headers());
        s.body = r.body();
        if (r.statusCode() == 200 || r.statusCode() == 202) {
          JsonNode d = JSON.readTree(r.body());
          if (d.hasNonNull("decision_id") && d.hasNonNull("log_index")) {
            s.decisionId = d.path("decision_id").asText();
            s.logIndex = d.path("log_index").asLong();
            firstAnswer.countDown();
          }
        }
        s.status = r.statusCode();
      } catch (IOException e) {
        s.failure = e.toString(); // the kill: connection reset or refused
        if (!killed.get() && !pause(10)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Activates policy after policy until the kill. */
  private static void operator(
      CrashWarden.Child server,
      IntFunction<String> policies,
      Queue<String> activations,
      AtomicBoolean killed) {
    for (int n = 0; !killed.get(); n++) {
      try {
        String text = policies.apply(n);
        HttpResponse<String> r = server.admin("PUT", "/v1/admin/policy", text);
        if (r.statusCode() == 200) {
          activations.add(JSON.readTree(r.body()).path("hash").asText());
        }
      } catch (IOException e) {
        if (!killed.get() && !pause(10)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (!pause(30)) {
        return;
      }
    }
  }

  /** A short pause, so a dead server is not hammered; false if interrupted. */
  private static boolean pause(long ms) {
    try {
      Thread.sleep(ms);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static final SecureRandom NONCES = new SecureRandom();

  static String newNonce() {
    byte[] b = new byte[16];
    NONCES.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
