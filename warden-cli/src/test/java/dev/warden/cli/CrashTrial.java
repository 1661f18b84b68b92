package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.warden.httpsig.SigningKey;
import dev.warden.policy.PolicyLoader;
import dev.warden.server.DataDir;
import dev.warden.store.LogHead;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A crash trial of the real server (issue 9): {@code warden serve} runs as a child JVM under the
 * {@link CrashLoad} (decisions charged to a budget, idempotent decisions, escalations, actions run
 * through an http adapter against an upstream in this JVM, and policy activations), is killed with
 * SIGKILL a seeded random 50–400 ms after the round's first answer, and is restarted on the same
 * data directory. Each {@link #round} is one trial; rounds continue on the same directory, so the
 * log grows across them.
 *
 * <p>Checked with the child dead, on the database as the next start finds it ({@link CrashLog}):
 * the audit is clean, the log contiguous and its earlier part unchanged, every answered decision at
 * its answered index, every answered nonce stored, the budget's counter equal to the amounts of the
 * logged allows plus those reserved for decisions that never reached the log, every answered
 * escalation pending (or, with a 2 s TTL, expired with one log entry), every answered activation
 * logged, every decision's policy hash logged before it, every answered action's execution logged
 * as succeeded and run once. Checked after the restart: answered nonces (and stored unanswered
 * ones) are refused as replays, idempotency keys replay (a decision byte for byte; an action
 * without reaching the upstream again), pending approvals are still pending (past a 2 s TTL:
 * expired by the restarted server), the active policy is the last one logged or the in-flight one
 * (whose file was written) — never a policy that is neither — and a fresh request is decided under
 * it.
 */
final class CrashTrial implements AutoCloseable {
  static final String AGENT = "crash-agent";
  static final int MIN_KILL_DELAY_MS = 50;
  static final int MAX_KILL_DELAY_MS = 400;
  static final int SAMPLE = 10;

  private static final String ADAPTER =
      """
      adapters:
        - id: payments-api
          type: http
          actions: ["payments.execute"]
          method: POST
          url: "http://127.0.0.1:%d/transfers"
          allow_private: true
          body: params
          timeout: {read: 1m}
      """;
  private static final Pattern OP = Pattern.compile("\"op\"\\s*:\\s*\"([^\"]+)\"");

  private final long seed;
  private final SplittableRandom random;
  private final DataDir data;
  private final CrashWarden warden;
  private final SigningKey key;
  private final HttpServer upstream;
  private final Map<String, Integer> upstreamOps = new ConcurrentHashMap<>();
  private final List<CrashLoad.Sent> allAnswered = new ArrayList<>();
  private final Set<String> answeredActivations = new HashSet<>();
  private CrashWarden.Child server;
  private LogHead previousHead = LogHead.EMPTY;
  private int round;

  private CrashTrial(long seed, DataDir data, CrashWarden warden, SigningKey key, HttpServer up) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.data = data;
    this.warden = warden;
    this.key = key;
    this.upstream = up;
  }

  /** A fresh data directory under {@code dir}, its server started and the agent registered. */
  static CrashTrial start(Path dir, long seed) throws Exception {
    DataDir data =
        DataDir.init(
            dir.resolve("data"),
            "127.0.0.1:0",
            new SecureRandom(),
            Clock.systemUTC(),
            TestKeys.PROTECTION);
    HttpServer up =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    CrashTrial t = null;
    try {
      byte[] keySeed = new byte[32];
      new SecureRandom().nextBytes(keySeed);
      t =
          new CrashTrial(
              seed,
              data,
              new CrashWarden(data, dir, "seed " + seed),
              SigningKey.ed25519(AGENT, keySeed),
              up);
      CrashTrial trial = t;
      up.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      up.createContext(
          "/",
          exchange -> {
            try (exchange) {
              String body =
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
              Matcher m = OP.matcher(body);
              trial.upstreamOps.merge(m.find() ? m.group(1) : "?", 1, Integer::sum);
              exchange.sendResponseHeaders(200, -1);
            }
          });
      up.start();
      Files.writeString(
          data.config(),
          Files.readString(data.config()) + ADAPTER.formatted(up.getAddress().getPort()));
      Files.writeString(data.policy(), policy("initial"));
      t.server = t.warden.start();
      t.server.registerAgent(AGENT, t.key);
      return t;
    } catch (Exception | Error e) {
      if (t != null) {
        t.close();
      } else {
        up.stop(0);
      }
      throw e;
    }
  }

  long seed() {
    return seed;
  }

  /** The policy of the trials; {@code variant} changes only a reason, so each has its own hash. */
  static String policy(String variant) {
    return """
        version: 1
        rules:
          - id: payments
            effect: allow
            match: {action: "payments.*"}
            reason: "variant %s"
          - id: deletes
            effect: escalate
            match: {action: "files.delete"}
            ttl: 1h
          - id: purges
            effect: escalate
            match: {action: "files.purge"}
            ttl: 2s
        budgets:
          - id: spend
            scope: agent
            match: {action: "payments.*"}
            window: month
            limit: "100000000.00"
            currency: USD
        """
        .formatted(variant);
  }

  /**
   * One trial: load, SIGKILL, checks on the database, restart, checks on the restarted server.
   *
   * @return a line saying what the trial did
   * @throws AssertionError naming the seed and round, if a check fails
   */
  String round() throws Exception {
    round++;
    long roundStart = System.nanoTime();
    String at = "seed " + seed + ", round " + round;
    int delayMs = random.nextInt(MIN_KILL_DELAY_MS, MAX_KILL_DELAY_MS + 1);
    List<String> attempted = Collections.synchronizedList(new ArrayList<>());
    int thisRound = round;
    CrashLoad.Result load =
        CrashLoad.loadAndKill(
            server,
            key,
            random.split(),
            delayMs,
            n -> {
              String text = policy(thisRound + "." + n);
              attempted.add(text);
              return text;
            },
            at);

    List<CrashLoad.Sent> answered = new ArrayList<>();
    List<CrashLoad.Sent> unanswered = new ArrayList<>();
    for (CrashLoad.Sent s : load.sent()) {
      if (s.status == 0) {
        unanswered.add(s);
      } else {
        assertThat(s.status)
            .as(
                "%s: a fresh %s request is answered %d until the kill: %s",
                at, s.kind, s.kind.status, s)
            .isEqualTo(s.kind.status);
        assertThat(s.decisionId).as("%s: %s", at, s).isNotNull();
        answered.add(s);
      }
    }
    allAnswered.addAll(answered);
    answeredActivations.addAll(load.activations());

    // The child is dead: read the database as the next start will find it.
    CrashLog.LogSnapshot log = CrashLog.readLog(data, allAnswered, at + ", " + server.describe());
    CrashLog.checkConsistent(log, previousHead, at);
    CrashLog.checkAnsweredInLog(log, allAnswered, at);
    CrashLog.checkState(log, allAnswered, answeredActivations, upstreamOps, at);
    for (CrashLoad.Sent s : answered) {
      assertThat(log.liveNonces)
          .as("%s: nonce of answered decision %s is stored", at, s.decisionId)
          .contains(s.nonce);
    }
    previousHead = log.head;

    server = warden.start();
    String atServer = at + ", " + server.describe();
    int replays = checkReplaysRefused(answered, unanswered, log, atServer);
    int idempotent = checkIdempotentRetries(answered, atServer);
    checkApprovals(allAnswered, atServer);
    String active = checkActivePolicy(log, attempted, atServer);

    HttpResponse<String> fresh =
        server.send(
            key,
            "/v1/decisions",
            new CrashLoad.Sent(CrashLoad.Kind.PAY, "", null, "fresh").body(),
            CrashLoad.newNonce(),
            Map.of());
    assertThat(fresh.statusCode())
        .as("%s: a fresh request after restart: %s", atServer, fresh.body())
        .isEqualTo(200);
    JsonNode d = CrashLoad.JSON.readTree(fresh.body());
    assertThat(d.path("decision").asText()).as(atServer).isEqualTo("allow");
    assertThat(d.path("policy_hash").asText()).as(atServer).isEqualTo(active);
    assertThat(d.path("log_index").asLong())
        .as("%s: a new decision goes after the recovered log", atServer)
        .isGreaterThanOrEqualTo(log.head.size());

    return ("kill %d ms after the first answer: %d sent, %d answered, %d failed at the kill;"
            + " %d activations answered; log %d entries, budget %d reserved unlogged; %d replays"
            + " refused, %d idempotent retries replayed; %d ms")
        .formatted(
            delayMs,
            load.sent().size(),
            answered.size(),
            unanswered.size(),
            load.activations().size(),
            log.head.size(),
            log.reservedUnlogged,
            replays,
            idempotent,
            (System.nanoTime() - roundStart) / 1_000_000);
  }

  /** A sample of answered nonces, and every stored nonce of an unanswered request, is a replay. */
  private int checkReplaysRefused(
      List<CrashLoad.Sent> answered,
      List<CrashLoad.Sent> unanswered,
      CrashLog.LogSnapshot log,
      String at)
      throws Exception {
    List<CrashLoad.Sent> check = sample(answered);
    for (CrashLoad.Sent s : unanswered) {
      if (log.liveNonces.contains(s.nonce)) {
        check.add(s); // in flight at the kill, unanswered, but written: burnt all the same
      }
    }
    for (CrashLoad.Sent s : check) {
      HttpResponse<String> r = server.send(key, s.kind.path, s.body(), s.nonce, Map.of());
      String what = at + ": nonce " + s.nonce + " of " + s + " sent again: " + r.body();
      assertThat(r.statusCode()).as(what).isEqualTo(409);
      assertThat(r.headers().firstValue("Content-Type"))
          .as(what)
          .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
      assertThat(CrashLoad.JSON.readTree(r.body()).path("code").asText())
          .as(what)
          .isEqualTo("replay.nonce_reused");
    }
    return check.size();
  }

  /**
   * Answered requests with an {@code Idempotency-Key}, retried with a fresh nonce: a decision is
   * answered byte for byte; an action with its decision, and the upstream is not called again.
   */
  private int checkIdempotentRetries(List<CrashLoad.Sent> answered, String at) throws Exception {
    List<CrashLoad.Sent> check = new ArrayList<>();
    for (CrashLoad.Sent s : answered) {
      if (s.idempotencyKey != null) {
        check.add(s);
      }
    }
    check = sample(check);
    for (CrashLoad.Sent s : check) {
      HttpResponse<String> r =
          server.send(key, s.kind.path, s.body(), CrashLoad.newNonce(), s.headers());
      String what = at + ": retry of " + s + ": " + r.body();
      assertThat(r.statusCode()).as(what).isEqualTo(s.status);
      assertThat(r.headers().firstValue("Idempotent-Replayed")).as(what).contains("true");
      if (s.kind == CrashLoad.Kind.ACT) {
        assertThat(CrashLoad.JSON.readTree(r.body()).path("decision_id").asText())
            .as(what)
            .isEqualTo(s.decisionId);
        assertThat(upstreamOps.get(s.op)).as("%s: the upstream ran it once", what).isEqualTo(1);
      } else {
        assertThat(r.body()).as(what).isEqualTo(s.body);
      }
    }
    return check.size();
  }

  /**
   * A sample of the escalations answered so far: those with an hour's TTL are still pending; those
   * with 2 s are expired by the restarted server within a few seconds, if they were not before.
   */
  private void checkApprovals(List<CrashLoad.Sent> answered, String at) throws Exception {
    List<CrashLoad.Sent> escalated = new ArrayList<>();
    for (CrashLoad.Sent s : answered) {
      if (s.kind == CrashLoad.Kind.ESCALATE || s.kind == CrashLoad.Kind.ESCALATE_BRIEF) {
        escalated.add(s);
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (CrashLoad.Sent s : sample(escalated)) {
      String want = s.kind == CrashLoad.Kind.ESCALATE ? "pending" : "expired";
      while (true) {
        HttpResponse<String> r = server.admin("GET", "/v1/approvals/" + s.decisionId, null);
        String what = at + ": approval " + s.decisionId + " after the restart: " + r.body();
        assertThat(r.statusCode()).as(what).isEqualTo(200);
        String state = CrashLoad.JSON.readTree(r.body()).path("state").asText();
        if (state.equals(want)) {
          break;
        }
        assertThat(state).as(what).isEqualTo("pending"); // not yet expired
        assertThat(System.nanoTime()).as("%s: expired within 20 s", what).isLessThan(deadline);
        Thread.sleep(200);
      }
    }
  }

  /**
   * The active policy after the restart is the last one the log held at the kill, or the one being
   * activated at the kill (its file was written first, and the start logs it) — all or nothing.
   *
   * @return the active policy's hash
   */
  private String checkActivePolicy(CrashLog.LogSnapshot log, List<String> attempted, String at)
      throws Exception {
    HttpResponse<String> r = server.admin("GET", "/v1/admin/policy", null);
    assertThat(r.statusCode()).as("%s: %s", at, r.body()).isEqualTo(200);
    String active = CrashLoad.JSON.readTree(r.body()).path("hash").asText();
    Set<String> allowed = new HashSet<>();
    allowed.add(log.lastPolicyHash);
    synchronized (attempted) {
      for (String text : attempted) {
        String hash = PolicyLoader.load(text).hash();
        if (!answeredActivations.contains(hash)) {
          allowed.add(hash); // unanswered, maybe in flight at the kill (or timed out before)
        }
      }
    }
    assertThat(active)
        .as(
            "%s: the active policy after the restart is the last logged one (%s) or one whose"
                + " activation was not answered",
            at, log.lastPolicyHash)
        .isIn(allowed);
    return active;
  }

  private List<CrashLoad.Sent> sample(List<CrashLoad.Sent> from) {
    List<CrashLoad.Sent> s = new ArrayList<>(from);
    Collections.shuffle(s, random);
    return new ArrayList<>(s.subList(0, Math.min(SAMPLE, s.size())));
  }

  /** The decisions answered over all rounds so far. */
  List<CrashLoad.Sent> answered() {
    return allAnswered;
  }

  @Override
  public void close() throws InterruptedException {
    try {
      warden.killAll();
    } finally {
      upstream.stop(0);
    }
  }
}
