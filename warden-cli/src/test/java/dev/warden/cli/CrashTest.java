package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.httpsig.MessageSigner;
import dev.warden.httpsig.SigningKey;
import dev.warden.server.DataDir;
import dev.warden.store.LogHead;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of the real server: {@code warden serve} runs as a child JVM under load from 16
 * virtual threads sending signed decision requests, is killed with SIGKILL a seeded random 50–400
 * ms after the round's first answer, and is restarted on the same data directory, round after
 * round. After every kill the database is opened directly (the child dead, the next one not yet
 * started) to check that every decision answered so far is in the log at the index it was answered
 * with, that the log is contiguous, its stored Merkle frontier matches its entries and its earlier
 * part is unchanged, and that every answered nonce is stored. After the restart, a sample of the
 * answered nonces, and every nonce of an unanswered request that was written anyway, is refused as
 * a replay, and a fresh request is decided.
 *
 * <p>{@code -Dwarden.crash.rounds=N} runs more rounds (default 5); {@code -Dwarden.crash.seed=S}
 * repeats a run's kill delays and replay samples (the seed is in every failure message; where the
 * kill lands also depends on timing).
 */
class CrashTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PAY = "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\"}";
  static final String AGENT = "crash-agent";
  static final int LOAD_THREADS = 16;
  static final int REPLAY_SAMPLE = 20;
  static final int MIN_KILL_DELAY_MS = 50;
  static final int MAX_KILL_DELAY_MS = 400;
  static final Duration START_TIMEOUT = Duration.ofSeconds(40);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  static final Duration FIRST_ANSWER_TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path tmp;

  /** Every child started, so that none outlives the test, whatever happens. */
  private final List<Process> children = Collections.synchronizedList(new ArrayList<>());

  private int generation;

  @AfterEach
  void killChildren() throws InterruptedException {
    List<Process> all;
    synchronized (children) {
      all = new ArrayList<>(children);
    }
    for (Process p : all) {
      p.toHandle().destroyForcibly();
    }
    for (Process p : all) {
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void kill9_underLoad_answeredDecisionsDurableAndNoncesNeverReaccepted(TestReporter report)
      throws Exception {
    int rounds = Integer.getInteger("warden.crash.rounds", 5);
    long seed = Long.getLong("warden.crash.seed", new SecureRandom().nextLong());
    SplittableRandom random = new SplittableRandom(seed);
    report.publishEntry("seed", Long.toString(seed));

    DataDir data =
        DataDir.init(
            tmp.resolve("data"),
            "127.0.0.1:0",
            new SecureRandom(),
            Clock.systemUTC(),
            TestKeys.PROTECTION);
    byte[] keySeed = new byte[32];
    new SecureRandom().nextBytes(keySeed);
    SigningKey key = SigningKey.ed25519(AGENT, keySeed);

    Child server = start(data, seed);
    registerAgent(server, data, key, seed);

    List<Sent> allAnswered = new ArrayList<>();
    Map<String, Long> answeredIds = new HashMap<>();
    LogHead previousHead = LogHead.EMPTY;
    for (int round = 1; round <= rounds; round++) {
      long roundStart = System.nanoTime();
      String at = "seed " + seed + ", round " + round;
      int delayMs = random.nextInt(MIN_KILL_DELAY_MS, MAX_KILL_DELAY_MS + 1);

      // Load, then SIGKILL while requests are in flight.
      List<Sent> sent = loadAndKill(server, key, delayMs, at);
      List<Sent> answered = new ArrayList<>();
      List<Sent> refused = new ArrayList<>();
      List<Sent> unanswered = new ArrayList<>();
      for (Sent s : sent) {
        if (s.status == 0) {
          unanswered.add(s);
        } else if (s.decisionId != null) {
          answered.add(s);
        } else {
          refused.add(s);
        }
      }
      assertThat(refused)
          .as("%s: fresh, allowed requests are answered 200 until the kill", at)
          .isEmpty();
      for (Sent s : answered) {
        Long earlier = answeredIds.put(s.decisionId, s.logIndex);
        assertThat(earlier).as("%s: decision_id %s answered twice", at, s.decisionId).isNull();
      }
      allAnswered.addAll(answered);

      // The child is dead: read the database as the next start will find it.
      CrashLog.LogSnapshot log = CrashLog.readLog(data, at + ", " + server.describe());
      CrashLog.checkConsistent(log, previousHead, at);
      CrashLog.checkAnsweredInLog(log, allAnswered, at);
      Set<String> stored = log.liveNonces;
      for (Sent s : answered) {
        assertThat(stored)
            .as("%s: nonce of answered decision %s is stored", at, s.decisionId)
            .contains(s.nonce);
      }
      previousHead = log.head;

      // Restart on the same data directory.
      server = start(data, seed);
      String atServer = at + ", " + server.describe();

      List<Sent> sample = new ArrayList<>(answered);
      Collections.shuffle(sample, random);
      sample = sample.subList(0, Math.min(REPLAY_SAMPLE, sample.size()));
      for (Sent s : sample) {
        assertReplayRefused(
            server, key, s.nonce, atServer + ": nonce of answered decision " + s.decisionId);
      }
      // In flight at the kill, unanswered, but written: the nonce is burnt all the same.
      int unansweredStored = 0;
      for (Sent s : unanswered) {
        if (stored.contains(s.nonce)) {
          unansweredStored++;
          assertReplayRefused(
              server, key, s.nonce, atServer + ": stored nonce of an unanswered request");
        }
      }

      HttpResponse<String> fresh = send(server, key, newNonce());
      assertThat(fresh.statusCode())
          .as("%s: a fresh request after restart: %s", atServer, fresh.body())
          .isEqualTo(200);
      JsonNode d = JSON.readTree(fresh.body());
      assertThat(d.path("decision").asText()).as(atServer).isEqualTo("allow");
      assertThat(d.path("log_index").asLong())
          .as("%s: a new decision goes after the recovered log", atServer)
          .isGreaterThanOrEqualTo(log.head.size());

      report.publishEntry(
          "round " + round,
          ("kill %d ms after the first answer: %d sent, %d answered, %d failed at the kill (%d of"
                  + " them written anyway); log %d entries; %d replays refused; %d ms")
              .formatted(
                  delayMs,
                  sent.size(),
                  answered.size(),
                  unanswered.size(),
                  unansweredStored,
                  log.head.size(),
                  sample.size() + unansweredStored,
                  (System.nanoTime() - roundStart) / 1_000_000));
    }
    server.kill();
    assertThat(allAnswered)
        .as("seed %d: the rounds answered some decisions before their kills", seed)
        .isNotEmpty();
  }

  /** A fresh signature with a used nonce: refused as a replay. */
  private static void assertReplayRefused(Child server, SigningKey key, String nonce, String what)
      throws Exception {
    HttpResponse<String> r = send(server, key, nonce);
    assertThat(r.statusCode())
        .as("%s, nonce %s sent again: %s", what, nonce, r.body())
        .isEqualTo(409);
    assertThat(r.headers().firstValue("Content-Type"))
        .as(what)
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
    assertThat(JSON.readTree(r.body()).path("code").asText())
        .as("%s: %s", what, r.body())
        .isEqualTo("replay.nonce_reused");
  }

  // --- load and kill ------------------------------------------------------------------------

  /** One request of the load: its nonce and, if it was answered, what the answer said. */
  static final class Sent {
    final String nonce;
    int status; // 0: no answer
    @Nullable String body;
    @Nullable String decisionId;
    long logIndex = -1;
    @Nullable String failure;

    Sent(String nonce) {
      this.nonce = nonce;
    }

    @Override
    public String toString() {
      return "Sent[nonce="
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
   * Sends signed requests from {@link #LOAD_THREADS} virtual threads; {@code delayMs} after the
   * first answer, kills the child with SIGKILL and waits for it to die and for every in-flight call
   * to fail.
   */
  private List<Sent> loadAndKill(Child server, SigningKey key, int delayMs, String at)
      throws Exception {
    Queue<Sent> sent = new ConcurrentLinkedQueue<>();
    AtomicBoolean killed = new AtomicBoolean();
    CountDownLatch firstAnswer = new CountDownLatch(1);
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    boolean answered;
    try {
      for (int t = 0; t < LOAD_THREADS; t++) {
        pool.execute(
            () -> {
              while (!killed.get()) {
                Sent s = new Sent(newNonce());
                sent.add(s);
                try {
                  HttpResponse<String> r = send(server, key, s.nonce);
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
                  if (!killed.get() && !pause()) {
                    return;
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            });
      }
      answered = firstAnswer.await(FIRST_ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (answered) {
        Thread.sleep(delayMs);
      }
    } finally {
      try {
        server.kill(); // with the load still running: requests are in flight
      } finally {
        killed.set(true);
        pool.shutdown();
        if (!pool.awaitTermination(REQUEST_TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS)) {
          pool.shutdownNow();
          fail(
              "%s: client calls still running %s after the kill",
              at, REQUEST_TIMEOUT.multipliedBy(3));
        }
        server.http.shutdownNow();
      }
    }
    List<Sent> out = new ArrayList<>(sent);
    if (!answered) {
      fail(
          "%s: no request answered within %s; sent %d, e.g. %s; %s",
          at,
          FIRST_ANSWER_TIMEOUT,
          out.size(),
          out.isEmpty() ? "-" : out.get(0),
          server.stderrTail());
    }
    return out;
  }

  /** A short pause after a failed call, so a dead server is not hammered; false if interrupted. */
  private static boolean pause() {
    try {
      Thread.sleep(10);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // --- the child server ---------------------------------------------------------------------

  /** A {@code warden serve} child JVM and the client that talks to it. */
  final class Child {
    final Process process;
    final URI base;
    final Path stderr;
    final HttpClient http;

    Child(Process process, URI base, Path stderr, HttpClient http) {
      this.process = process;
      this.base = base;
      this.stderr = stderr;
      this.http = http;
    }

    /** SIGKILL, then waits until the process is gone. */
    void kill() throws InterruptedException {
      process.toHandle().destroyForcibly();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        fail("child %d did not die within 10 s of SIGKILL", process.pid());
      }
    }

    String describe() {
      return "child pid " + process.pid() + " on " + base + " (stderr " + stderr + ")";
    }

    String stderrTail() {
      return ChildJvm.tail(stderr);
    }
  }

  private Child start(DataDir data, long seed) throws Exception {
    int gen = ++generation;
    for (int attempt = 1; ; attempt++) {
      int port = ChildJvm.freePort();
      Path out = tmp.resolve("child-" + gen + "-" + attempt + ".out");
      Path err = tmp.resolve("child-" + gen + "-" + attempt + ".err");
      List<String> cmd =
          List.of(
              ChildJvm.javaBinary(),
              "-cp",
              System.getProperty("java.class.path"),
              "--enable-native-access=ALL-UNNAMED",
              "-XX:+UseSerialGC",
              "-XX:TieredStopAtLevel=1",
              "-Xmx256m",
              "dev.warden.cli.Main",
              "serve",
              "--data-dir",
              data.root().toString(),
              "--listen",
              "127.0.0.1:" + port);
      Process p =
          withPassphrase(new ProcessBuilder(cmd))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      children.add(p);
      p.getOutputStream().close();
      HttpClient http = newClient();
      URI base = URI.create("http://127.0.0.1:" + port);
      Child child = new Child(p, base, err, http);
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (true) {
        if (!p.isAlive()) {
          http.shutdownNow();
          String why = ChildJvm.tail(err);
          if (attempt < 3 && why.contains("ddress already in use")) {
            break; // someone took the free port: try another
          }
          fail(
              "seed %d: the server exited with %d before it was ready; stderr:%n%s",
              seed, p.exitValue(), why);
        }
        try {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(base.resolve("/readyz"))
                      .timeout(Duration.ofSeconds(2))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            return child;
          }
        } catch (IOException e) {
          // not listening yet
        }
        if (System.nanoTime() > deadline) {
          child.kill();
          http.shutdownNow();
          fail(
              "seed %d: the server was not ready within %s; stderr:%n%s",
              seed, START_TIMEOUT, ChildJvm.tail(err));
        }
        Thread.sleep(50);
      }
    }
  }

  private static void registerAgent(Child server, DataDir data, SigningKey key, long seed)
      throws Exception {
    String pub = Base64.getEncoder().encodeToString(key.publicKey().orElseThrow());
    HttpResponse<String> r =
        server.http.send(
            HttpRequest.newBuilder(server.base.resolve("/v1/admin/agents"))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + data.loadAdminToken())
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"id\":\""
                            + AGENT
                            + "\",\"tenant\":\"acme\",\"keys\":[{\"alg\":\"ed25519\",\"public_key\":\""
                            + pub
                            + "\"}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("seed %d: agent create: %s", seed, r.body()).isEqualTo(201);
  }

  /** A signed decision request with this nonce and a current {@code created}. */
  private static HttpResponse<String> send(Child server, SigningKey key, String nonce)
      throws IOException, InterruptedException {
    URI target = server.base.resolve("/v1/decisions");
    byte[] body = PAY.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    Map<String, String> added =
        MessageSigner.of(key)
            .sign("POST", target, headers, body, System.currentTimeMillis() / 1000, null, nonce);
    HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(REQUEST_TIMEOUT);
    headers.forEach(b::header);
    added.forEach(b::header);
    return server.http.send(
        b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpClient newClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2))
        .build();
  }

  private static final SecureRandom NONCES = new SecureRandom();

  static String newNonce() {
    byte[] b = new byte[16];
    NONCES.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The child's environment carries the test key passphrase (ours is never changed). */
  static ProcessBuilder withPassphrase(ProcessBuilder pb) {
    pb.environment().putAll(TestKeys.ENV_MAP);
    return pb;
  }
}
